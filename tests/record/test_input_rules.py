"""Input rules closed (issue 18), each at its boundary: JSON settings bounded before parsing, codes that need a
letter or digit, one-line names, and more below."""

from __future__ import annotations

import pytest

from organisation import parsing
from risks.models import ScoringScheme

GOOD = ('{"likelihood": [[1, "Low"]], "threat_impact": [[1, "Low"]], "opportunity_impact": [[1, "Low"]], '
        '"levels": [{"name": "Low", "min": 1, "max": null, "colour": "#00703c"}]}')


@pytest.mark.parametrize(("text", "message"), [
    ("[" * 7 + "]" * 7, "nests deeper than 6 levels"),
    ("[" * 100_000, "characters long"),
    ("[" * 5000 + "]" * 5000, "characters long" if 10_000 > parsing.JSON_MAX else "nests deeper"),
    ("1" * 5000, "number longer than 15 digits"),
    ("1" * 16, "number longer than 15 digits"),
    ('{"a": NaN}', "holds NaN"),
    ('{"a": Infinity}', "holds Infinity"),
    ("{", "not valid JSON"),
])
def test_json_is_bounded_before_it_is_parsed(text, message):
    with pytest.raises(parsing.InvalidValue, match=message):
        parsing.parse_json(text)


@pytest.mark.parametrize("text", ["[" * 6 + "]" * 6, "1" * 15, '"[[[[[[[[[[[[[[ 12345678901234567890"',
                                  '{"a": "\\\\"}', GOOD])
def test_json_inside_the_bounds_is_read(text):
    parsing.parse_json(text)


@pytest.mark.parametrize("definition", ["[" * 50_000 + "]" * 50_000, "[" * 9 + "]" * 9, "9" * 5000,
                                        '{"likelihood": ' + "1" * 5000 + "}"])
def test_the_admin_refuses_nested_or_huge_scheme_definitions_with_a_message(officer, definition, db):
    scheme = ScoringScheme.objects.get(active=True)
    before = scheme.definition
    response = officer.post(f"/admin/risks/scoringscheme/{scheme.pk}/change/",
                            {"name": scheme.name, "description": "", "definition": definition})
    assert response.status_code == 200
    page = response.content.decode()
    assert "errornote" in page or "errorlist" in page
    assert ("nests deeper" in page or "characters long" in page or "longer than 15 digits" in page)
    assert ScoringScheme.objects.get(pk=scheme.pk).definition == before
    new = officer.post("/admin/risks/scoringscheme/add/", {"name": "Nested", "description": "",
                                                           "definition": definition})
    assert new.status_code == 200 and not ScoringScheme.objects.filter(name="Nested").exists()


@pytest.mark.parametrize(("code", "ok"), [("..", False), ("-", False), ("_._", False), ("A", True), ("1", True),
                                          ("A.1", True), ("..A", True), ("²", False)])
def test_a_code_needs_a_letter_or_digit(code, ok):
    if ok:
        assert parsing.check_code(code) == code
    else:
        with pytest.raises(parsing.InvalidValue):
            parsing.check_code(code)


@pytest.mark.parametrize(("name", "ok"), [("Children & Families", True), ("Two\nlines", False),
                                          ("Two\r\nlines", False), ("Tab\there", False), ("Sep\u2028here", False),
                                          ("x" * 255, True), ("x" * 256, False)])
def test_a_name_is_one_line(name, ok):
    if ok:
        assert parsing.check_name(name) == name
    else:
        with pytest.raises(parsing.InvalidValue):
            parsing.check_name(name)


# --- files -----------------------------------------------------------------------------------------

def _workbook(*, sheet_extra: str = "", prolog: str = "", cell: str = "People") -> bytes:
    """An .xlsx written by openpyxl, then one part rewritten (a DTD in its prolog, a huge cell)."""
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["directorate", "service_area"])
    book.active.append([cell, "Area" + sheet_extra])
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml" and prolog:
                data = (data.replace(b"?>", b"?>" + prolog.encode(), 1) if data.startswith(b"<?xml")
                        else prolog.encode() + data)
                assert prolog.encode() in data
            z.writestr(item, data)
    return out.getvalue()


def _read(name: str, content: bytes):
    from organisation.interchange.reading import read_table
    from tests.organisation.test_interchange import KIND

    return read_table(KIND, name, content)


def test_a_csv_row_shorter_than_its_header_is_refused_naming_the_row():
    from organisation.interchange.reading import ImportFileError

    with pytest.raises(ImportFileError) as refused:
        _read("a.csv", b"directorate,service_area\nPeople,A\nPeople\n")
    assert str(refused.value) == ('row 3 has 1 cell but the header has 2 columns (the first missing is '
                                  '"service_area"): write every column, an empty cell as nothing between two commas.')
    assert len(_read("a.csv", b"directorate,service_area\nPeople,A\nPeople,,\n").row_numbers) == 2
    assert len(_read("a.csv", b"directorate,service_area,\nPeople,A\n").row_numbers) == 1  # a blank header cell


@pytest.mark.parametrize("prolog", ['<!DOCTYPE worksheet [<!ENTITY a "aaaa">]>', "<!doctype x>",
                                    '<!ENTITY x SYSTEM "file:///etc/passwd">'])
def test_an_xlsx_part_that_declares_a_dtd_is_refused(prolog):
    from organisation.interchange.reading import ImportFileError

    with pytest.raises(ImportFileError, match=r"declares a document type \(DTD\)"):
        _read("a.xlsx", _workbook(prolog=prolog))
    assert _read("a.xlsx", _workbook()).dataset[0] == ("People", "Area")


def test_a_cell_longer_than_any_cell_can_be_is_refused_before_it_is_parsed(monkeypatch):
    import tracemalloc

    import openpyxl

    from organisation.interchange.reading import ImportFileError

    content = _workbook(cell="x" * (8 * 1024 * 1024))
    assert len(content) < 100_000  # compresses to a small upload

    def never(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    tracemalloc.start()
    with pytest.raises(ImportFileError, match="holds a value longer than any cell can"):
        _read("a.xlsx", content)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 * 1024 * 1024  # read in 1 MB chunks, never whole


# --- figures and names through their routes --------------------------------------------------------

@pytest.mark.parametrize(("unit", "value", "refused"), [
    ("number", "-1", True), ("number", "0", False), ("number", "-0.0001", True), ("days", "-3", True),
    ("hours", "-1", True), ("rate per 10000", "-0.5", True), ("currency", "-250", False),
    ("points", "-0.35", False), ("percentage points", "-2", False), ("percent", "-1", True),
])
def test_negative_counts_are_refused_by_the_import_and_the_form(area_a, open_quarter, unit, value, refused):
    from organisation import interchange
    from tests.kpis.conftest import make_indicator

    make_indicator(area_a, "NEG1", unit=unit, polarity="lower")
    report = interchange.import_file("actuals", "a.csv",
                                     f"code,period,value,commentary\nNEG1,2019/20 Q1,{value},why\n".encode(),
                                     dry_run=True)
    if refused:
        assert report.errors and report.errors[0].startswith('row 2, column "value"'), report.errors
    else:
        assert report.ok, report.errors


@pytest.mark.parametrize("name", ["Two\nlines", "Carriage\rreturn", "Tab\tinside"])
def test_multi_line_names_are_refused_by_every_service(directorate, area_a, name):
    from kpis import services as kpi_services
    from kpis.models import KeyCommitment
    from organisation import roles
    from organisation import services as organisation_services
    from organisation.models import Directorate
    from organisation.records import InvalidWrite
    from packs import services as pack_services
    from packs.models import Committee
    from placements import validation as placement_validation
    from risks import validation as risk_validation
    from tests.conftest import make_user
    from tests.kpis.conftest import make_indicator

    officer = make_user("names-officer", roles.PERFORMANCE_OFFICER)
    with pytest.raises(InvalidWrite, match="one line"):
        organisation_services.organisation_save(user=officer, instance=Directorate(name=name), before=None)
    with pytest.raises(InvalidWrite, match="one line"):
        kpi_services.commitment_save(user=officer, commitment=KeyCommitment(code="EC9", title=name))
    indicator = make_indicator(area_a, "NAME1")
    indicator.title = name
    with pytest.raises(InvalidWrite, match="one line"):
        kpi_services.indicator_save(user=officer, indicator=indicator)
    assert "one line" in risk_validation.check_risk({"title": name})["title"]
    with pytest.raises(parsing.InvalidValue, match="one line"):
        placement_validation.check_name(name, "category's name")
    with pytest.raises(InvalidWrite, match="one line"):
        pack_services.committee_save(user=officer, committee=Committee(name=name))


# --- dates within the horizon ------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "ok"), [("0001-01-01", False), ("9999-12-31", False), ("2000-03-31", False),
                                         ("2000-04-01", True), ("2019-09-30", True)])
def test_dates_outside_the_horizon_are_refused(day, ok):
    from datetime import date

    value = date.fromisoformat(day)
    if ok:
        assert parsing.check_date(value) == value
    else:
        with pytest.raises(parsing.InvalidValue, match="outside the dates this system accepts"):
            parsing.check_date(value)
    last = parsing.date_horizon()[1]
    assert parsing.check_date(last) == last
    with pytest.raises(parsing.InvalidValue):
        parsing.check_date(date.fromordinal(last.toordinal() + 1))


@pytest.mark.parametrize("day", ["9999-12-30", "9999-12-31", "0001-01-01", "1999-01-01"])
def test_send_reminders_refuses_a_day_it_cannot_work_with(day, db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="outside the dates this system accepts"):
        call_command("send_reminders", "--dry-run", "--today", day)


def test_send_reminders_works_on_the_last_day_of_the_horizon(db, capsys):
    from django.core.management import call_command

    call_command("send_reminders", "--dry-run", "--today", parsing.date_horizon()[1].isoformat())
    assert "outstanding task" in capsys.readouterr().out


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_risk_dates_outside_the_horizon_are_refused_on_every_route(officer, directorate, area_a, open_quarter, day):
    from datetime import date

    from organisation import roles
    from organisation.records import InvalidWrite
    from risks import services as risk_services
    from risks.models import RiskAction
    from tests.conftest import make_user
    from tests.risks.conftest import make_risk

    risk = make_risk("CRR9", directorate, area_a)
    user = make_user("dates-officer", roles.PERFORMANCE_OFFICER)
    with pytest.raises(InvalidWrite) as refused:
        risk_services.action_save(user=user, action=RiskAction(risk=risk, description="Chase",
                                                               due_date=date.fromisoformat(day), status="open"))
    assert "outside the dates" in str(refused.value.errors["due_date"])
    risk.date_identified = date.fromisoformat(day)
    with pytest.raises(InvalidWrite) as refused:
        risk_services.risk_save(user=user, risk=risk)
    assert "outside the dates" in str(refused.value.errors["date_identified"])
    from risks import validation

    assert "outside the dates" in validation.check_next_review(date.fromisoformat(day) if day > "2019" else
                                                              date(9999, 12, 31), open_quarter.end, open_quarter.label)


@pytest.mark.parametrize(("unit", "value", "refused"), [("number", "-5", True), ("number", "0", False),
                                                        ("percent", "101", True), ("currency", "-5", False)])
def test_targets_keep_to_the_figures_range(area_a, open_quarter, unit, value, refused):
    from organisation import interchange
    from tests.kpis.conftest import make_indicator

    make_indicator(area_a, "NEG2", unit=unit)
    report = interchange.import_file("targets", "t.csv", f"code,period,target\nNEG2,2019/20 Q1,{value}\n".encode(),
                                     dry_run=True)
    assert bool(report.errors) == refused, report.errors

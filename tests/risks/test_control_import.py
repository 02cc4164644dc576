"""The controls import/export (formats.md, "controls"): key reference + period + control, every refusal named
by row and column, a locked quarter refused, nothing saved from a refused file, columns left out keeping
what is stored, a re-import changing nothing; the export with the risk's title, rating and level as the
register shows them; the command line and the web import page."""

import io

import pytest
from django.core.management import CommandError, call_command

from organisation import interchange
from organisation.models import AuditEvent, ReportingPeriod
from risks import control_resources, controls
from risks.models import ControlReview, Risk
from tests.conftest import opened
from tests.risks.conftest import make_risk, review

HEADER = ",".join(control_resources.COLUMNS)
GOOD = "CRR9,2019/20 Q1,Multi-agency safeguarding hub,Head of service,preventive,1,Reasonable,self-assessment,2019-05-01,2019-11-01"
AUDIT = "CRR9,2019/20 Q1,Internal audit of case files,Chief auditor,detective,3,Limited,internal audit,2019-04-15,2020-04-15"


def run(*rows, header=HEADER, dry_run=False, user=None):
    text = "\n".join((header,) + rows) + "\n"
    return interchange.import_file("controls", "c.csv", text.encode(), dry_run=dry_run, user=user)


@pytest.fixture
def crr9(directorate, area_a, open_quarter, locked_quarter):
    risk = make_risk("CRR9", directorate, area_a)
    review(risk, "2018/19 Q4")
    review(risk, "2019/20 Q1", 3, 7)
    return risk


def test_a_file_imports_a_dry_run_saves_nothing_and_a_reimport_changes_nothing(crr9, officer_user):
    preview = run(GOOD, AUDIT, dry_run=True, user=officer_user)
    assert preview.ok and preview.new == 2, preview.errors
    assert not ControlReview.objects.exists()
    report = run(GOOD, AUDIT, user=officer_user)
    assert (report.new, report.updated, report.unchanged) == (2, 0, 0)
    row = ControlReview.objects.get(control="Internal audit of case files")
    assert (row.owner, row.type, row.line, row.assurance, row.assurance_source) == (
        "Chief auditor", "detective", 3, "Limited", "internal audit")
    assert (str(row.last_tested), str(row.next_test_due)) == ("2019-04-15", "2020-04-15")
    assert row.reviewed_by == officer_user and not row.carried_forward
    events = AuditEvent.objects.filter(object_type="Control")
    assert events.count() == 2 and {e.reason for e in events} == {"imported"}
    versions = sorted(ControlReview.objects.values_list("version", flat=True))
    again = run(GOOD, AUDIT, user=officer_user)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert sorted(ControlReview.objects.values_list("version", flat=True)) == versions
    assert AuditEvent.objects.filter(object_type="Control").count() == 2


def test_a_changed_row_shows_old_and_new_and_the_name_matches_in_any_case(crr9):
    run(GOOD)
    changed = GOOD.replace("Multi-agency", "multi-agency").replace(",Reasonable,", ",Substantial,")
    report = run(changed, dry_run=True)
    assert report.updated == 1 and report.rows[0].changes == [
        ("control", "Multi-agency safeguarding hub", "multi-agency safeguarding hub"),
        ("assurance", "Reasonable", "Substantial")]
    run(changed)
    assert ControlReview.objects.get().assurance == "Substantial"
    assert ControlReview.objects.count() == 1


def test_columns_left_out_keep_what_is_stored(crr9):
    run(GOOD)
    report = run("CRR9,2019/20 Q1,Multi-agency safeguarding hub,Substantial",
                 header="reference,period,control,assurance")
    assert report.updated == 1, report.errors
    row = ControlReview.objects.get()
    assert (row.owner, row.type, row.line, row.assurance, row.assurance_source, str(row.last_tested)) == (
        "Head of service", "preventive", 1, "Substantial", "self-assessment", "2019-05-01")
    # A new control named with the key columns only takes the defaults (preventive, first line, not assessed).
    run("CRR9,2019/20 Q1,Weekly caseload review", header="reference,period,control")
    new = ControlReview.objects.get(control="Weekly caseload review")
    assert (new.type, new.line, new.assurance, new.owner) == ("preventive", 1, "", "")


@pytest.mark.parametrize(("column", "value", "message"), [
    ("reference", "CRR99", 'row 2, column "reference": there is no risk "CRR99"'),
    ("reference", "CR/R9", 'row 2, column "reference": "CR/R9" is not a risk reference'),
    ("reference", "", 'row 2, column "reference": enter the risk reference'),
    ("period", "2019/20", 'row 2, column "period": controls are reviewed for a quarter'),
    ("period", "2019-20 Q1", 'row 2, column "period": "2019-20 Q1" is not a period'),
    ("period", "2099/00 Q1", 'row 2, column "period": 2099/00 Q1 is outside the periods this system accepts'),
    ("period", "1999/00 Q1", 'row 2, column "period": 1999/00 Q1 is outside the periods this system accepts'),
    ("control", "", 'row 2, column "control": enter what the control is'),
    ("control", "x" * 256, 'row 2, column "control": the control is 256 characters long: the most allowed is 255'),
    ("owner", "o" * 201, 'row 2, column "owner": the owner is 201 characters long: the most allowed is 200'),
    ("type", "reactive", 'row 2, column "type": "reactive" is not a type of control: use preventive, detective, '
                         "corrective or directive"),
    ("type", "", 'row 2, column "type": "" is not a type of control'),
    ("line", "4", 'row 2, column "line": "4" is not a line of defence: use 1, 2 or 3'),
    ("line", "0", 'row 2, column "line": "0" is not a line of defence'),
    ("line", "-1", 'row 2, column "line": "-1" is not a line of defence'),
    ("line", "1.5", 'row 2, column "line": "1.5" is not a line of defence'),
    ("line", "9" * 60, 'row 2, column "line": "' + "9" * 40 + '" is not a line of defence'),
    ("assurance", "Partial", 'row 2, column "assurance": "Partial" is not an assurance level: use Substantial, '
                             "Reasonable, Limited, No or leave blank"),
    ("assurance_source", "the auditors", 'row 2, column "assurance_source": "the auditors" is not who gave the '
                                         "assurance: use self-assessment, second line or internal audit"),
    ("last_tested", "01/05/2019", 'row 2, column "last_tested": "01/05/2019" is not a date: write it as YYYY-MM-DD'),
    ("last_tested", "2019-02-30", 'row 2, column "last_tested": "2019-02-30" is not a date'),
    ("last_tested", "2019-05-01junk", 'row 2, column "last_tested": "2019-05-01junk" is not a date'),
    ("last_tested", "9999-12-31", 'row 2, column "last_tested": the last tested (31/12/9999) is outside the dates '
                                  "this system accepts"),
    ("last_tested", "2000-01-01", 'row 2, column "last_tested": the last tested (01/01/2000) is outside'),
    ("next_test_due", "9999-12-31", 'row 2, column "next_test_due": the next test due (31/12/9999) is outside'),
    ("next_test_due", "2019-04-01", 'row 2, column "next_test_due": the next test is due before the last one was made'),
])
def test_a_bad_cell_is_refused_naming_row_and_column_and_nothing_is_saved(crr9, column, value, message):
    cells = dict(zip(control_resources.COLUMNS, GOOD.split(","), strict=True))
    cells[column] = value
    report = run(",".join(cells.values()))
    assert any(e.startswith(message) for e in report.errors), report.errors
    assert not ControlReview.objects.exists() and not AuditEvent.objects.filter(object_type="Control").exists()


def test_a_control_tested_after_today_is_refused(crr9):
    from datetime import timedelta

    from organisation import clock

    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    report = run(GOOD.replace("2019-05-01", tomorrow).replace("2019-11-01", ""))
    assert report.errors == ['row 2, column "last_tested": the control cannot have been tested after today']


def test_every_bad_cell_of_a_row_is_listed_and_one_bad_row_saves_nothing(crr9):
    bad = AUDIT.replace(",detective,3,Limited,", ",sometimes,7,Meh,")
    report = run(GOOD, bad)
    assert report.errors == [
        'row 3, column "type": "sometimes" is not a type of control: use preventive, detective, corrective or '
        "directive",
        'row 3, column "line": "7" is not a line of defence: use 1, 2 or 3',
        'row 3, column "assurance": "Meh" is not an assurance level: use Substantial, Reasonable, Limited, No or '
        "leave blank"]
    assert (report.new, report.updated) == (0, 0)
    assert not ControlReview.objects.exists()


def test_a_row_for_a_locked_quarter_is_refused(crr9):
    report = run(GOOD.replace("2019/20 Q1", "2018/19 Q4"))
    assert report.errors == ["row 2: 2018/19 Q4 is locked; ask the performance team to reopen it"]
    assert not ControlReview.objects.exists()


def test_the_same_control_twice_in_a_file_is_refused(crr9):
    report = run(GOOD, GOOD.replace("Multi-agency", "multi-agency  "))
    assert any("the same reference CRR9, period 2019/20 Q1, control" in e for e in report.errors), report.errors
    assert not ControlReview.objects.exists()


def test_an_unknown_column_and_a_missing_key_column_are_refused(crr9):
    assert "is not a column of controls" in run(GOOD + ",x", header=HEADER + ",colour").errors[0]
    missing = run("CRR9,Multi-agency safeguarding hub", header="reference,control")
    assert 'missing column "period"' in missing.errors[0]


def test_a_closed_risks_controls_are_not_reviewed(crr9):
    run(GOOD)
    Risk.objects.filter(pk=crr9.pk).update(status="closed")
    assert run(GOOD).unchanged == 1  # nothing to change: nothing refused
    report = run(GOOD.replace(",Reasonable,", ",Limited,"))
    assert report.errors == ["row 2: CRR9 is closed: reopen it before reviewing its controls"]
    assert ControlReview.objects.get().assurance == "Reasonable"


def test_controls_carried_forward_compare_with_what_the_quarter_shows(crr9, locked_quarter, officer_user):
    with opened(locked_quarter):
        for name, line in (("Multi-agency safeguarding hub", 1), ("Internal audit of case files", 3)):
            controls.control_save(user=officer_user, risk=crr9, period=locked_quarter, data=controls.ControlInput(
                name, owner="Head of service" if line == 1 else "Chief auditor", line=line,
                type="preventive" if line == 1 else "detective", assurance="Reasonable" if line == 1 else "Limited",
                assurance_source="self-assessment" if line == 1 else "internal audit"))
    same = "CRR9,2019/20 Q1,Multi-agency safeguarding hub,Reasonable", "CRR9,2019/20 Q1,Internal audit of case files,Limited"
    report = run(*same, header="reference,period,control,assurance")
    assert (report.new, report.updated, report.unchanged) == (0, 0, 2)
    assert not ControlReview.objects.filter(period__year=2019).exists()  # nothing written
    preview = run(same[0], same[1].replace("Limited", "Reasonable"), header="reference,period,control,assurance",
                  dry_run=True)
    assert preview.updated == 1 and preview.rows[1].changes == [
        ("assurance", "Limited", "Reasonable"), ("reviewed", "carried forward from 2018/19 Q4", "in 2019/20 Q1")]
    run(same[0], same[1].replace("Limited", "Reasonable"), header="reference,period,control,assurance")
    quarter = {c.control: c for c in ControlReview.objects.filter(period__year=2019)}
    assert set(quarter) == {"Multi-agency safeguarding hub", "Internal audit of case files"}
    assert quarter["Multi-agency safeguarding hub"].carried_forward  # copied in, not yet reviewed
    audited = quarter["Internal audit of case files"]
    assert not audited.carried_forward and audited.assurance == "Reasonable" and audited.owner == "Chief auditor"
    locked = ControlReview.objects.get(period=locked_quarter, control="Internal audit of case files")
    assert locked.assurance == "Limited"  # the locked quarter keeps what it reported


def test_an_importer_who_may_not_read_a_risk_is_told_it_is_not_there(crr9, manager_b_user, db):
    report = run(GOOD, user=manager_b_user)
    assert report.errors == ['row 2, column "reference": there is no risk "CRR9": add the risk first (on the '
                             "register or with a risks import)"]


# --- export ---------------------------------------------------------------------------------------------

def _export(period="2019/20 Q1", user=None):
    data = interchange.export_dataset("controls", period=period, user=user)
    return list(data.headers), [list(r) for r in data]


def test_the_export_adds_the_risks_title_rating_and_level(crr9, directorate, area_a):
    low = make_risk("CRR10", directorate, area_a, title="Recruitment")
    review(low, "2019/20 Q1", 1, 1, (1, 1))
    run(GOOD, AUDIT, "CRR10,2019/20 Q1,Agency staff framework,HR,directive,2,Substantial,second line,,")
    headers, rows = _export()
    assert headers == list(control_resources.COLUMNS) + ["risk_title", "rating", "level"]
    assert rows == [
        ["CRR9", "2019/20 Q1", "Multi-agency safeguarding hub", "Head of service", "preventive", 1, "Reasonable",
         "self-assessment", "2019-05-01", "2019-11-01", "Risk CRR9", 21, "High"],
        ["CRR9", "2019/20 Q1", "Internal audit of case files", "Chief auditor", "detective", 3, "Limited",
         "internal audit", "2019-04-15", "2020-04-15", "Risk CRR9", 21, "High"],
        ["CRR10", "2019/20 Q1", "Agency staff framework", "HR", "directive", 2, "Substantial", "second line", "",
         "", "Recruitment", 1, "Low"],
    ]


def test_an_export_without_its_derived_columns_imports_back_unchanged(crr9, tmp_path):
    run(GOOD, AUDIT)
    headers, rows = _export()
    kept = len(control_resources.COLUMNS)
    text = "\n".join([",".join(headers[:kept])] + [",".join(str(v) for v in row[:kept]) for row in rows]) + "\n"
    report = interchange.import_file("controls", "back.csv", text.encode(), dry_run=False)
    assert (report.new, report.updated, report.unchanged) == (0, 0, 2), report.errors


def test_an_excel_export_imports_back_unchanged_dates_and_lines_as_excel_holds_them(crr9):
    import tablib

    run(GOOD, AUDIT)
    headers, rows = _export()
    kept = len(control_resources.COLUMNS)
    book = interchange.write(tablib.Dataset(*[row[:kept] for row in rows], headers=headers[:kept]), "xlsx")
    report = interchange.import_file("controls", "back.xlsx", book, dry_run=False)
    assert (report.new, report.updated, report.unchanged) == (0, 0, 2), report.errors


def test_an_exempt_risks_controls_are_left_out_for_a_reader_who_may_not_read_part_b(crr9, manager_a_user,
                                                                                    executive_user):
    run(GOOD, AUDIT)
    Risk.objects.filter(pk=crr9.pk).update(exempt=True)
    from risks import judging

    judging.refresh()
    _, rows = _export(user=manager_a_user)
    assert rows == [["CRR9", "2019/20 Q1", "", "", "", "", "", "", "", "", "", 21, "High"]]
    _, rows = _export(user=executive_user)
    assert [r[2] for r in rows] == ["Multi-agency safeguarding hub", "Internal audit of case files"]
    assert rows[0][10] == "Risk CRR9"


def test_a_locked_quarters_export_is_as_it_reported(crr9, locked_quarter, officer_user, open_quarter):
    with opened(locked_quarter):
        controls.control_save(user=officer_user, risk=crr9, period=locked_quarter,
                              data=controls.ControlInput("Multi-agency safeguarding hub", assurance="Limited"))
    run(GOOD)  # 2019/20 Q1: Reasonable
    _, rows = _export("2018/19 Q4")
    assert [(r[1], r[2], r[6], r[11], r[12]) for r in rows] == [
        ("2018/19 Q4", "Multi-agency safeguarding hub", "Limited", 14, "High")]
    with pytest.raises(ValueError, match="give a quarter"):
        _export("2019/20")
    with pytest.raises(ValueError, match="There are no controls for 2030/31 Q1"):
        _export("2030/31 Q1")


# --- the command line and the web import page ----------------------------------------------------------

def test_import_data_and_export_data_on_the_command_line(crr9, tmp_path):
    path = tmp_path / "controls.csv"
    path.write_text(f"{HEADER}\n{GOOD}\n")
    out = io.StringIO()
    call_command("import_data", "controls", str(path), "--dry-run", stdout=out)
    assert "dry run: controls: 1 new, 0 updated, 0 unchanged, 0 errors" in out.getvalue()
    assert not ControlReview.objects.exists()
    call_command("import_data", "controls", str(path), stdout=io.StringIO())
    assert ControlReview.objects.count() == 1
    out = io.StringIO()
    call_command("export_data", "controls", "--period", "2019/20 Q1", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == HEADER + ",risk_title,rating,level"
    assert lines[1] == GOOD + ",Risk CRR9,21,High"
    path.write_text(f"{HEADER}\n{GOOD.replace(',1,', ',5,')}\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("import_data", "controls", str(path), stdout=io.StringIO(), stderr=err)
    assert 'row 2, column "line": "5" is not a line of defence' in err.getvalue()
    with pytest.raises(CommandError):
        call_command("export_data", "controls", "--period", "2019/20 Q9", stdout=io.StringIO())


def test_the_web_import_page_offers_controls_to_the_performance_officer_only(crr9, officer, manager_a, executive,
                                                                          audit):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = officer.get("/imports/").content.decode()
    assert "Import controls" in page and "assurance_source" in page
    template = officer.get("/imports/controls/template.csv")
    assert template.status_code == 200 and template.content.decode("utf-8-sig").strip() == HEADER
    preview = officer.post("/imports/controls/", {"file": SimpleUploadedFile("c.csv", f"{HEADER}\n{GOOD}\n".encode())})
    assert preview.status_code == 200 and "Multi-agency safeguarding hub" in preview.content.decode()
    assert not ControlReview.objects.exists()
    for client in (manager_a, executive, audit):
        assert client.get("/imports/controls/").status_code == 403
        response = client.post("/imports/controls/", {"file": SimpleUploadedFile("c.csv", f"{HEADER}\n{GOOD}\n".encode())})
        assert response.status_code == 403
    assert not ControlReview.objects.exists()


def test_a_period_that_does_not_exist_yet_is_created_as_formats_md_says(crr9):
    from organisation import clock
    from organisation.periods import quarter_containing

    current = quarter_containing(clock.today())
    report = run(GOOD.replace("2019/20 Q1", current.label), dry_run=True)
    assert report.ok and report.new == 1, report.errors
    assert not ReportingPeriod.objects.filter(year=current.year, quarter=current.quarter).exists()

"""The programmes, objectives, savings and milestones imports and exports (shared/formats.md, "programmes (key:
name), objectives, savings, milestones"): good files import (CSV and XLSX), re-importing changes nothing, a bad
row is named by row and column and saves nothing, exports import back, import_data fails on an error."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import tablib
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organisation import interchange
from organisation.models import AuditEvent, Directorate, ReportingPeriod, ServiceArea
from programmes import services
from programmes.models import Assessment, Milestone, Objective, Programme, Saving
from tests.conftest import client_for, make_user
from tests.kpis.conftest import make_indicator

KINDS = ("programmes", "objectives", "savings", "milestones")


def csv_file(kind: str, *rows: str, header: str | None = None) -> bytes:
    header = header if header is not None else ",".join(interchange.get_kind(kind).columns)
    return ("\n".join((header,) + rows) + "\n").encode()


def run(kind: str, *rows: str, header: str | None = None, dry_run: bool = False, user=None):
    return interchange.import_file(kind, f"{kind}.csv", csv_file(kind, *rows, header=header), dry_run=dry_run,
                                   user=user)


def xlsx_file(kind: str, *rows: list) -> bytes:
    data = tablib.Dataset(headers=list(interchange.get_kind(kind).columns))
    for row in rows:
        data.append(row)
    return interchange.write(data, "xlsx", title=kind)


def counts() -> tuple[int, ...]:
    return (Programme.objects.count(), Objective.objects.count(), Assessment.objects.count(),
            Saving.objects.count(), Milestone.objects.count())


PROGRAMME = ("Better Lives,People,Director of People,Jo Smith,2018-04-01,2020-03-31,2020-09-30,,running,"
             "Children & Families Services,Sam Manager")
OBJECTIVE = ("Better Lives,1,Fewer children in care,Children looked after per 10k,By March 2020,2019/20 Q1,Amber,,"
             "Behind plan in Q1,{codes}")
SAVING = "Better Lives,2019/20,2019/20 Q1,\"£1,642,067\",1500000,,At risk,Finance lead,Programme board,Budget,Short"
MILESTONE = "Better Lives,Business case approved,2018-06-30,2018-07-31,2018-07-15,Board met later than planned"


@pytest.fixture
def programme(db, directorate, area_a):
    return services.setup_save(user=None, via="imported", instance=Programme(
        name="Better Lives", directorate=directorate, service_area=area_a, mandate_date=date(2018, 4, 1)))


@pytest.fixture
def indicators(area_a):
    return make_indicator(area_a, "DPE007"), make_indicator(area_a, "BCP214")


# --- the kinds are registered, listed and have templates ------------------------------------------------

def test_the_four_kinds_are_registered_importable_and_exportable_with_the_columns_of_formats_md(db):
    assert set(KINDS) <= set(interchange.kind_names(importable=True))
    assert interchange.get_kind("programmes").columns[:9] == (
        "name", "directorate", "sponsor", "senior_responsible_owner", "mandate_date", "planned_closure",
        "approved_closure", "actual_closure", "status")
    assert interchange.get_kind("objectives").columns == (
        "programme", "number", "objective", "measure", "timeframe", "period", "rag", "assessment", "commentary",
        "indicators")
    assert interchange.get_kind("savings").columns[:9] == (
        "programme", "year", "period", "planned", "forecast", "delivered", "rag", "owner", "forum")
    assert interchange.get_kind("milestones").columns == (
        "programme", "milestone", "baseline", "approved", "actual", "slippage_reason")
    for kind in KINDS:
        assert interchange.get_kind(kind).audit_about == "programme"


def test_the_import_page_lists_the_kinds_and_offers_their_blank_templates(db):
    officer = client_for(make_user("imp.officer", "Performance officer"))
    page = officer.get("/imports/").content.decode()
    for kind in KINDS:
        assert f"/imports/{kind}/" in page
        template = officer.get(f"/imports/{kind}/template.csv")
        assert template.status_code == 200
        assert template.content.decode("utf-8-sig").strip() == ",".join(interchange.get_kind(kind).columns)
        assert officer.get(f"/imports/{kind}/template.xlsx").status_code == 200


# --- programmes --------------------------------------------------------------------------------------------

def test_a_programme_imports_with_its_directorate_created_and_reimport_changes_nothing(db):
    preview = run("programmes", PROGRAMME, dry_run=True)
    assert preview.ok and preview.new == 1
    assert "New directorate: People" in preview.notes
    assert "New service area: Children & Families Services (People)" in preview.notes
    assert not Programme.objects.exists() and not Directorate.objects.exists()
    assert run("programmes", PROGRAMME).new == 1
    p = Programme.objects.select_related("directorate", "service_area").get()
    assert (p.name, p.directorate.name, p.service_area.name, p.sponsor, p.senior_responsible_owner, p.manager) == (
        "Better Lives", "People", "Children & Families Services", "Director of People", "Jo Smith", "Sam Manager")
    assert (p.mandate_date, p.planned_closure, p.approved_closure, p.actual_closure, p.status) == (
        date(2018, 4, 1), date(2020, 3, 31), date(2020, 9, 30), None, "running")
    again = run("programmes", PROGRAMME)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    assert Programme.history.count() == 1


def test_an_existing_directorate_is_matched_by_name_in_any_case_and_status_in_any_case(directorate):
    report = run("programmes", PROGRAMME.replace(",People,", ",PEOPLE,").replace(",running,", ",Mandated,"))
    assert report.ok and "New directorate: PEOPLE" not in report.notes
    p = Programme.objects.get()
    assert p.directorate == directorate and p.status == "mandated"


def test_a_changed_programme_shows_old_and_new_and_optional_columns_left_out_are_kept(db):
    run("programmes", PROGRAMME)
    header = "name,directorate,sponsor,status"
    report = run("programmes", "Better Lives,People,Chief Executive,running", header=header)
    assert report.updated == 1
    assert ("sponsor", "Director of People", "Chief Executive") in report.rows[0].changes
    p = Programme.objects.get()
    assert p.sponsor == "Chief Executive"
    assert (p.manager, p.service_area.name, p.mandate_date) == ("Sam Manager", "Children & Families Services",
                                                                 date(2018, 4, 1))


def test_a_programme_imports_from_an_excel_workbook(db):
    content = xlsx_file("programmes", ["Better Lives", "People", "Director", "Jo Smith", "2018-04-01",
                                       "2020-03-31", "", "", "running", "", ""])
    report = interchange.import_file("programmes", "p.xlsx", content, dry_run=False)
    assert report.ok and report.new == 1, report.errors
    p = Programme.objects.get()
    assert p.planned_closure == date(2020, 3, 31) and p.service_area is None
    again = interchange.import_file("programmes", "p.xlsx", content, dry_run=False)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)


@pytest.mark.parametrize(("old", "new", "message"), [
    (",2018-04-01,", ",01/04/2018,",
     'row 2, column "mandate_date": "01/04/2018" is not a date: write it as YYYY-MM-DD'),
    (",2020-03-31,", ",2020-02-30,", 'row 2, column "planned_closure": "2020-02-30" is not a date'),
    (",running,", ",paused,", 'row 2, column "status": "paused" is not allowed: use mandated, running or closed'),
    (",running,", ",closed,", 'row 2, column "actual_closure": a closed programme has its actual closure date'),
    (",2020-03-31,", ",2017-03-31,", 'row 2, column "planned_closure": a closure cannot come before the mandate'),
    ("Better Lives,People,", "Better Lives,,", 'row 2, column "directorate": enter the directorate'),
    ("Better Lives,", "B" * 121 + ",", 'row 2, column "name": the programme\'s name is 121 characters long'),
    (",Jo Smith,", "," + "J" * 256 + ",", 'row 2, column "senior_responsible_owner": the senior responsible owner '
                                          "is 256 characters long: the most allowed is 255"),
])
def test_a_bad_programme_row_is_named_by_row_and_column_and_nothing_is_saved(db, old, new, message):
    report = run("programmes", PROGRAMME.replace(old, new, 1))
    assert any(message in e for e in report.errors), report.errors
    assert counts() == (0, 0, 0, 0, 0) and not Directorate.objects.exists()


def test_one_bad_programme_among_good_ones_saves_none_of_them(db):
    report = run("programmes", PROGRAMME, PROGRAMME.replace("Better Lives", "Digital Council")
                 .replace(",running,", ",stalled,"))
    assert report.errors == ['row 3, column "status": "stalled" is not allowed: use mandated, running or closed']
    assert not Programme.objects.exists() and not ServiceArea.objects.exists()


def test_an_unknown_column_is_refused_by_name_and_nothing_is_saved(db):
    report = run("programmes", PROGRAMME + ",x", header=",".join(interchange.get_kind("programmes").columns)
                 + ",budget")
    assert report.errors and report.errors[0].startswith("row 1 (the header)")
    assert '"budget" is not a column of programmes' in report.errors[0]
    assert not Programme.objects.exists()


# --- objectives ---------------------------------------------------------------------------------------------

def test_objectives_import_with_their_indicators_and_draft_assessments_and_reimport_changes_nothing(
        programme, indicators, open_quarter):
    row = OBJECTIVE.format(codes="dpe007; BCP214")
    preview = run("objectives", row, dry_run=True)
    assert preview.ok and preview.new == 1
    assert not Objective.objects.exists()
    report = run("objectives", row)
    assert report.ok and report.new == 1
    assert any("drafts" in note for note in report.notes)
    objective = Objective.objects.get()
    assert (objective.number, objective.objective, objective.measure, objective.timeframe) == (
        1, "Fewer children in care", "Children looked after per 10k", "By March 2020")
    assert sorted(objective.indicators.values_list("code", flat=True)) == ["BCP214", "DPE007"]
    history = (Objective.history.count(), Assessment.history.count(), AuditEvent.objects.count())
    a = Assessment.objects.get()
    assert (a.period, a.rag, a.assessment, a.commentary, a.state) == (
        open_quarter, "At risk", "", "Behind plan in Q1", Assessment.State.DRAFT)
    again = run("objectives", row)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    assert Assessment.objects.get().version == 1
    assert (Objective.history.count(), Assessment.history.count(), AuditEvent.objects.count()) == history


@pytest.mark.parametrize(("given", "stored"), [("Green", "On track"), ("on track", "On track"),
                                               ("AMBER", "At risk"), ("Off track", "Off track"), ("red", "Off track"),
                                               ("", "")])
def test_an_objective_rag_is_read_from_its_words_or_its_colour(programme, open_quarter, given, stored):
    assert run("objectives", OBJECTIVE.format(codes="").replace(",Amber,", f",{given},")).ok
    assert Assessment.objects.get().rag == stored


def test_a_status_at_closure_is_read_in_any_case(programme, open_quarter):
    assert run("objectives", OBJECTIVE.format(codes="").replace(",Amber,,", ",,achieved in part,")).ok
    assert Assessment.objects.get().assessment == "Achieved in part"


def test_a_row_without_an_assessment_sets_the_objective_only(programme, open_quarter):
    report = run("objectives", "Better Lives,1,Fewer children in care,,,2019/20 Q1,,,,")
    assert report.ok and report.new == 1
    assert Objective.objects.count() == 1 and not Assessment.objects.exists()
    assert run("objectives", "Better Lives,1,Fewer children in care,,,2019/20 Q1,,,,").unchanged == 1


def test_a_changed_objective_goes_back_to_draft_and_the_preview_shows_old_and_new(programme, open_quarter,
                                                                                  indicators):
    run("objectives", OBJECTIVE.format(codes="DPE007"))
    a = Assessment.objects.get()
    services.assessments_save(user=None, programme=programme, period=open_quarter, submit=True, rows=[
        services.AssessmentInput(objective=a.objective, version=None, rag=a.rag, commentary=a.commentary)])
    assert Assessment.objects.get().state == Assessment.State.SUBMITTED
    report = run("objectives", OBJECTIVE.format(codes="DPE007; BCP214").replace(",Amber,", ",Green,"))
    assert report.updated == 1
    assert ("rag", "At risk", "On track") in report.rows[0].changes
    assert ("indicators", "DPE007", "BCP214; DPE007") in report.rows[0].changes
    assert Assessment.objects.get().state == Assessment.State.DRAFT
    # Unchanged, a submitted assessment stays submitted.
    services.assessments_save(user=None, programme=programme, period=open_quarter, submit=True, rows=[
        services.AssessmentInput(objective=a.objective, version=None, rag="On track", commentary=a.commentary)])
    assert run("objectives", OBJECTIVE.format(codes="DPE007; BCP214").replace(",Amber,", ",Green,")).unchanged == 1
    assert Assessment.objects.get().state == Assessment.State.SUBMITTED


def test_the_newest_quarter_in_a_file_sets_the_objectives_words(programme, open_quarter):
    newer = OBJECTIVE.format(codes="").replace("2019/20 Q1", "2019/20 Q2").replace("Fewer children", "Far fewer")
    assert run("objectives", newer, OBJECTIVE.format(codes="")).ok
    assert Objective.objects.get().objective == "Far fewer in care"
    assert Assessment.objects.count() == 2


def test_optional_objective_columns_left_out_keep_what_is_stored(programme, open_quarter, indicators):
    run("objectives", OBJECTIVE.format(codes="DPE007"))
    report = run("objectives", "Better Lives,1,2019/20 Q1,Red", header="programme,number,period,rag")
    assert report.updated == 1
    o, a = Objective.objects.get(), Assessment.objects.get()
    assert (o.measure, list(o.indicators.values_list("code", flat=True))) == ("Children looked after per 10k",
                                                                               ["DPE007"])
    assert (a.rag, a.commentary) == ("Off track", "Behind plan in Q1")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("Better Lives,1,", "Worse Lives,1,", 'row 2, column "programme": there is no programme "Worse Lives"'),
    ("Better Lives,1,", "Better Lives,0,", 'row 2, column "number": 0 is below the smallest allowed, 1'),
    ("Better Lives,1,", "Better Lives,1.5,", 'row 2, column "number": "1.5" is not a whole number'),
    ("Better Lives,1,", "Better Lives,one,", 'row 2, column "number": "one" is not a number'),
    (",2019/20 Q1,", ",2019/20,", 'row 2, column "period": an objective is assessed for a quarter: give a quarter '
                                  "such as 2019/20 Q4"),
    (",Amber,", ",Purple,", 'row 2, column "rag": "Purple" is not an objective RAG: use Green (On track), '
                            "Amber (At risk), Red (Off track)"),
    (",Amber,,", ",,Done,", 'row 2, column "assessment": "Done" is not a status at closure'),
    (",DPE007", ",DPE007; NOPE1", 'row 2, column "indicators": there is no indicator with the code "NOPE1"'),
    (",DPE007", ",DPE 007", 'row 2, column "indicators": "DPE 007" is not a indicator code'),
    (",Behind plan in Q1,", ",\"" + "x" * 4001 + "\",",
     'row 2, column "commentary": the commentary is 4,001 characters long: the most allowed is 4,000'),
    (",By March 2020,", "," + "y" * 256 + ",", 'row 2, column "timeframe": the timeframe is 256 characters long'),
    (",Fewer children in care,", ",\"" + "z" * 1001 + "\",", 'row 2, column "objective": the objective is 1,001'),
    (",Fewer children in care,", ",,", 'row 2, column "objective": enter the objective: Better Lives has no '
                                       "objective 1 yet"),
])
def test_a_bad_objective_row_is_named_by_row_and_column_and_nothing_is_saved(programme, indicators, open_quarter,
                                                                             old, new, message):
    report = run("objectives", OBJECTIVE.format(codes="DPE007").replace(old, new, 1))
    assert any(message in e for e in report.errors), report.errors
    assert (Objective.objects.count(), Assessment.objects.count()) == (0, 0)


def test_a_row_for_a_locked_quarter_is_refused_as_formats_md_says(programme, locked_quarter, open_quarter):
    report = run("objectives", OBJECTIVE.format(codes=""),
                 OBJECTIVE.format(codes="").replace("2019/20 Q1", "2018/19 Q4"))
    assert report.errors == ["row 3: 2018/19 Q4 is locked; ask the performance team to reopen it"]
    assert (Objective.objects.count(), Assessment.objects.count()) == (0, 0)


# --- savings ------------------------------------------------------------------------------------------------

def test_savings_import_in_pounds_and_reimport_changes_nothing(programme, open_quarter):
    preview = run("savings", SAVING, dry_run=True)
    assert preview.ok and preview.new == 1 and not Saving.objects.exists()
    assert run("savings", SAVING).new == 1
    s = Saving.objects.select_related("year", "period").get()
    assert (s.year.label, s.year.quarter, s.period) == ("2019/20", None, open_quarter)
    assert (s.planned, s.forecast, s.delivered, s.rag) == (Decimal("1642067"), Decimal("1500000"), None, "At risk")
    assert (s.owner, s.forum, s.how_measured, s.commentary) == ("Finance lead", "Programme board", "Budget", "Short")
    again = run("savings", SAVING)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    assert Saving.objects.get().version == 1


def test_savings_import_from_an_excel_workbook_and_a_year_ahead_is_created(programme, open_quarter):
    content = xlsx_file("savings", ["Better Lives", "2020/21", "2019/20 Q1", "250000.50", "", "", "", "", "", "", ""])
    report = interchange.import_file("savings", "s.xlsx", content, dry_run=False)
    assert report.ok and report.new == 1, report.errors
    s = Saving.objects.get()
    assert s.year.label == "2020/21" and s.planned == Decimal("250000.50") and s.rag == ""
    assert ReportingPeriod.objects.filter(year=2020, quarter__isnull=True).exists()


def test_optional_saving_columns_left_out_keep_what_is_stored(programme, open_quarter):
    run("savings", SAVING)
    report = run("savings", "Better Lives,2019/20,2019/20 Q1,1642067,1642067", header="programme,year,period,"
                 "planned,forecast")
    assert report.updated == 1
    assert ("forecast", "1500000", "1642067") in report.rows[0].changes
    s = Saving.objects.get()
    assert (s.forecast, s.rag, s.owner, s.commentary) == (Decimal("1642067"), "At risk", "Finance lead", "Short")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("\"£1,642,067\"", "\"12,3\"", 'row 2, column "planned": "12,3" is not a number'),
    ("\"£1,642,067\"", "lots", 'row 2, column "planned": "lots" is not a number'),
    ("\"£1,642,067\"", "-5", 'row 2, column "planned": the planned saving cannot be negative'),
    ("\"£1,642,067\"", "", 'row 2, column "planned": enter the planned saving in pounds'),
    ("\"£1,642,067\"", "10.005", 'row 2, column "planned": "10.005" has more than 2 decimal places'),
    ("\"£1,642,067\"", "1000000000000", 'row 2, column "planned": "1000000000000" is too large'),
    (",1500000,", ",-1,", 'row 2, column "forecast": the forecast saving cannot be negative'),
    ("Better Lives,", "Worse Lives,", 'row 2, column "programme": there is no programme "Worse Lives"'),
    (",2019/20,2019/20 Q1,", ",2019/20 Q1,2019/20 Q1,", 'row 2, column "year": a saving falls in a financial year: '
                                                        "give a financial year such as 2019/20"),
    (",2019/20,2019/20 Q1,", ",2019/20,2019/20,", 'row 2, column "period": savings are reported in a quarter'),
    (",2019/20,", ",2019-20,", 'row 2, column "year": "2019-20" is not a period'),
    (",At risk,", ",Maybe,", 'row 2, column "rag": "Maybe" is not a savings RAG: use Delivered, On track, At risk '
                             "or Undeliverable"),
    (",Finance lead,", "," + "f" * 256 + ",", 'row 2, column "owner": the owner is 256 characters long'),
])
def test_a_bad_saving_row_is_named_by_row_and_column_and_nothing_is_saved(programme, open_quarter, old, new,
                                                                          message):
    report = run("savings", SAVING.replace(old, new, 1))
    assert any(message in e for e in report.errors), report.errors
    assert not Saving.objects.exists()


def test_a_saving_for_a_locked_quarter_is_refused(programme, locked_quarter):
    report = run("savings", SAVING.replace("2019/20 Q1", "2018/19 Q4"))
    assert report.errors == ["row 2: 2018/19 Q4 is locked; ask the performance team to reopen it"]
    assert not Saving.objects.exists()


# --- milestones ---------------------------------------------------------------------------------------------

def test_milestones_import_and_reimport_changes_nothing(programme):
    assert run("milestones", MILESTONE, dry_run=True).new == 1 and not Milestone.objects.exists()
    assert run("milestones", MILESTONE).new == 1
    m = Milestone.objects.get()
    assert (m.name, m.baseline, m.approved, m.actual, m.slippage_reason) == (
        "Business case approved", date(2018, 6, 30), date(2018, 7, 31), date(2018, 7, 15),
        "Board met later than planned")
    again = run("milestones", MILESTONE)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)


def test_a_milestone_on_its_baseline_needs_no_reason_and_left_out_columns_keep_their_values(programme):
    run("milestones", MILESTONE)
    report = run("milestones", "Better Lives,business case approved,2018-07-31",
                 header="programme,milestone,baseline")
    assert report.updated == 1, report.errors
    m = Milestone.objects.get()
    assert (m.baseline, m.approved, m.actual, m.slippage_reason) == (
        date(2018, 7, 31), date(2018, 7, 31), date(2018, 7, 15), "Board met later than planned")


@pytest.mark.parametrize(("old", "new", "message"), [
    (",Board met later than planned", ",", 'row 2, column "slippage_reason": give the reason for the slippage'),
    (",2018-06-30,", ",30/06/2018,", 'row 2, column "baseline": "30/06/2018" is not a date'),
    (",2018-06-30,", ",,", 'row 2, column "baseline": enter the baseline date'),
    (",2018-07-15,", f",{date.today().year + 1}-07-15,", 'row 2, column "actual": the actual date cannot be in the '
                                                          "future"),
    (",2018-07-15,", ",2099-07-15,", 'row 2, column "actual": the date (15/07/2099) is outside the dates'),
    ("Better Lives,", "Worse Lives,", 'row 2, column "programme": there is no programme "Worse Lives"'),
    (",Business case approved,", "," + "m" * 256 + ",", 'row 2, column "milestone": the milestone is 256 characters'),
])
def test_a_bad_milestone_row_is_named_by_row_and_column_and_nothing_is_saved(programme, old, new, message):
    report = run("milestones", MILESTONE.replace(old, new, 1))
    assert any(message in e for e in report.errors), report.errors
    assert not Milestone.objects.exists()


# --- exports import back -------------------------------------------------------------------------------------

@pytest.fixture
def loaded(programme, indicators, open_quarter):
    assert run("programmes", PROGRAMME).ok
    assert run("objectives", OBJECTIVE.format(codes="DPE007"),
               "Better Lives,2,\"Fewer, shorter placements\",,,2019/20 Q1,Green,,,").ok
    assert run("savings", SAVING, SAVING.replace(",2019/20,", ",2020/21,").replace("\"£1,642,067\"", "250000.50")).ok
    assert run("milestones", MILESTONE).ok


def export_csv(kind: str, period: str | None = None) -> bytes:
    out = io.StringIO()
    call_command("export_data", kind, *(["--period", period] if period else []), stdout=out)
    return out.getvalue().encode()


@pytest.mark.parametrize("kind", KINDS)
def test_every_export_imports_back_unchanged(loaded, kind):
    content = export_csv(kind)
    lines = content.decode().splitlines()
    assert lines[0] == ",".join(interchange.get_kind(kind).columns)
    assert len(lines) > 1
    before = counts()
    report = interchange.import_file(kind, f"{kind}.csv", content, dry_run=False)
    assert report.ok and report.new == report.updated == 0 and report.unchanged == len(lines) - 1, report.errors
    assert counts() == before
    xlsx = interchange.write(interchange.export_dataset(kind), "xlsx", title=kind)
    report = interchange.import_file(kind, f"{kind}.xlsx", xlsx, dry_run=False)
    assert report.ok and report.new == report.updated == 0, report.errors


def test_money_is_exported_as_plain_numbers_and_text_is_formula_safe(loaded):
    rows = list(csv.DictReader(io.StringIO(export_csv("savings").decode())))
    assert [(r["year"], r["planned"], r["forecast"], r["delivered"]) for r in rows] == [
        ("2019/20", "1642067", "1500000", ""), ("2020/21", "250000.5", "1500000", "")]
    objectives = list(csv.DictReader(io.StringIO(export_csv("objectives").decode())))
    assert objectives[0]["indicators"] == "DPE007" and objectives[0]["rag"] == "At risk"
    assert run("milestones", MILESTONE.replace(",Board met", ",=HYPERLINK(1)+Board met")).ok
    assert run("programmes", PROGRAMME.replace("Jo Smith", "@Jo Smith")).ok
    assert "'=HYPERLINK(1)+Board met" in export_csv("milestones").decode()
    assert "'@Jo Smith" in export_csv("programmes").decode()


def test_an_edited_export_imports_as_a_change(loaded):
    text = export_csv("savings").decode().replace("1500000", "1600000", 1)
    report = interchange.import_file("savings", "s.csv", text.encode(), dry_run=False)
    assert report.updated == 1 and report.unchanged == 1
    assert Saving.objects.get(year__year=2019).forecast == Decimal("1600000")


def test_objectives_and_savings_exports_are_filtered_by_period(loaded):
    services.setup_save(user=None, via="imported", instance=Objective(programme=Programme.objects.get(), number=3,
                                                                  objective="Not yet assessed"))
    q1 = list(csv.DictReader(io.StringIO(export_csv("objectives", "2019/20 Q1").decode())))
    # The quarter's assessments, and every other objective blank, ready to fill in.
    assert [(r["number"], r["period"], r["rag"]) for r in q1] == [("1", "2019/20 Q1", "At risk"),
                                                                  ("2", "2019/20 Q1", "On track"),
                                                                  ("3", "2019/20 Q1", "")]
    assert run("savings", SAVING.replace("2019/20 Q1", "2019/20 Q2")).ok
    q2 = list(csv.DictReader(io.StringIO(export_csv("savings", "2019/20 Q2").decode())))
    assert [(r["year"], r["period"]) for r in q2] == [("2019/20", "2019/20 Q2")]
    assert len(list(csv.DictReader(io.StringIO(export_csv("savings").decode())))) == 3
    with pytest.raises(CommandError, match="not reported by period"):
        export_csv("milestones", "2019/20 Q1")


# --- the commands and the write paths ----------------------------------------------------------------------

def test_import_data_prints_a_summary_and_exits_non_zero_on_any_error(programme, open_quarter, tmp_path):
    good = tmp_path / "savings.csv"
    good.write_bytes(csv_file("savings", SAVING))
    out = io.StringIO()
    call_command("import_data", "savings", str(good), stdout=out)
    assert "savings: 1 new, 0 updated, 0 unchanged, 0 errors" in out.getvalue()
    bad = tmp_path / "milestones.csv"
    bad.write_bytes(csv_file("milestones", MILESTONE.replace(",Board met later than planned", ",")))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_data", "milestones", str(bad), stdout=io.StringIO(), stderr=err)
    assert 'error: row 2, column "slippage_reason"' in err.getvalue()
    assert not Milestone.objects.exists()


def test_an_import_is_in_the_audit_trail_about_programmes(programme, open_quarter):
    officer = make_user("audit.officer", "Performance officer")
    run("savings", SAVING, user=officer)
    entry = AuditEvent.objects.filter(object_type="Import").get()
    assert entry.about == "programme" and entry.object_label == "savings: savings.csv"


def test_the_web_import_previews_then_confirms(programme, open_quarter):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from organisation.models import PendingImport

    officer = client_for(make_user("web.officer", "Performance officer"))
    page = officer.post("/imports/milestones/", {"file": SimpleUploadedFile("m.csv", csv_file("milestones",
                                                                                           MILESTONE))})
    assert page.status_code == 200 and not Milestone.objects.exists()
    officer.post(f"/imports/milestones/{PendingImport.objects.get().pk}/confirm/")
    assert Milestone.objects.count() == 1


def test_every_programmes_import_writes_through_the_services(programme, indicators, open_quarter, monkeypatch):
    from tests import test_write_paths

    monkeypatch.setitem(test_write_paths.DOMAIN_MODELS, "programmes",
                        {"Programme", "Objective", "Assessment", "Saving", "Milestone"})
    with test_write_paths.only_services(monkeypatch) as writes:
        assert run("programmes", PROGRAMME).ok
        assert run("objectives", OBJECTIVE.format(codes="DPE007")).ok
        assert run("savings", SAVING).ok
        assert run("milestones", MILESTONE).ok
    assert {"Programme", "Objective", "Assessment", "Saving", "Milestone"} <= {m for m, _ in writes}


# --- whatever the cells hold ----------------------------------------------------------------------------------

CELL = st.one_of(st.text(max_size=10), st.sampled_from([
    "", "Better Lives", "better lives", "People", "1", "0", "-1", "2", "1.5", "2019/20", "2019/20 Q1", "2018/19 Q4",
    "2019/20 Q2", "2031/32 Q1", "2019-04-01", "2018-06-30", "2020-02-30", "running", "closed", "Amber", "green",
    "At risk", "Delivered", "Achieved", "£1,000", "12,3", "1e999", "NaN", "DPE007", "DPE007; NOPE", "=1+1", "\x00"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), rows=st.lists(st.lists(CELL, min_size=1, max_size=11), min_size=1, max_size=3))
def test_any_cells_either_import_or_report_row_numbered_errors_and_save_nothing(programme, indicators,
                                                                               locked_quarter, kind, rows):
    columns = interchange.get_kind(kind).columns
    lines = [",".join(columns)] + [",".join('"' + c.replace('"', '""') + '"' for c in (row + [""] * len(columns))
                                            [:len(columns)]) for row in rows]
    before = counts()
    report = interchange.import_file(kind, "fuzz.csv", "\n".join(lines).encode("utf-8", "replace"), dry_run=False)
    if report.errors:
        assert counts() == before
        assert all(e.startswith(("row ", "The file")) for e in report.errors), report.errors

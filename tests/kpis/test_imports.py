import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from kpis.models import Actual, Indicator, KeyCommitment, Target
from organisation import demo, interchange
from organisation.models import ServiceArea

INDICATORS = (
    "code,title,directorate,service_area,polarity,unit,frequency,accumulation,commitment,tolerance\n"
    "DPE007,Pathway plans,People,Children & Families Services,higher,percent,quarterly,snapshot,EC1,\n"
    "DPE008a,Caseload,People,Children & Families Services,-,number,quarterly,snapshot,WOP1,10\n"
)


def run(kind, text, dry_run=False):
    return interchange.import_file(kind, f"{kind}.csv", text.encode(), dry_run=dry_run)


def test_indicators_import_creating_areas_and_commitments_and_reimport_changes_nothing(db):
    report = run("indicators", INDICATORS, dry_run=True)
    assert report.ok and report.new == 2
    assert "New service area: Children & Families Services (People)" in report.notes
    assert "New key commitment: EC1" in report.notes
    assert not Indicator.objects.exists() and not ServiceArea.objects.exists()
    assert run("indicators", INDICATORS).new == 2
    caseload = Indicator.objects.get(code="DPE008a")
    assert caseload.polarity == "lower" and caseload.tolerance == Decimal("10") and caseload.precision == 0
    again = run("indicators", INDICATORS)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    changed = run("indicators", INDICATORS.replace("Pathway plans", "Pathway plans reviewed"))
    assert (changed.updated, changed.unchanged) == (1, 1)
    assert KeyCommitment.objects.count() == 2


def test_indicator_rows_with_bad_cells_name_row_and_column_and_save_nothing(db):
    bad = INDICATORS + "X1,,People,Adults,sideways,furlongs,weekly,snapshot,,abc\n"
    report = run("indicators", bad)
    assert report.errors == [
        'row 4, column "title": enter the indicator\'s title',
        'row 4, column "polarity": "sideways" is not allowed: use higher or lower (or + / -)',
        'row 4, column "unit": "furlongs" is not allowed: use ' + ", ".join(Indicator.Unit.values),
        'row 4, column "frequency": "weekly" is not allowed: use monthly, quarterly or annual',
        'row 4, column "tolerance": "abc" is not a number',
    ]
    assert not Indicator.objects.exists() and not ServiceArea.objects.exists()


def test_targets_and_actuals_import_with_blank_meaning_baseline_and_no_data(db):
    run("indicators", INDICATORS)
    assert run("targets", "code,period,target\nDPE007,2019/20,90\nDPE008a,2019/20 Q1,\n").new == 2
    assert Target.objects.get(indicator__code="DPE008a").value is None
    report = run("actuals", "code,period,value,numerator,denominator,commentary\n"
                            "DPE007,2019/20 Q1,75.7,144,190,late\nDPE008a,2019/20 Q1,,,,not yet\n")
    assert report.ok and report.new == 2
    assert report.warnings == ["DPE007 2019/20 Q1: data quality - 144 / 190 gives 75.8, not 75.7"]
    assert Actual.objects.get(indicator__code="DPE008a").value is None


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("code,period,value\nDPE007,2019/20 Q1,12,3\n", "row 3 has more cells than the header has columns."),
        ("code,period,value\nDPE007,2019/20 Q1,\"12,3\"\n", 'row 3, column "value": "12,3" is not a number'),
        ("code,period,value\nNOPE,2019/20 Q1,1\n",
         'row 3, column "code": no indicator has the code "NOPE" (import the indicators first)'),
        ("code,period,value\nDPE007,2019/20 Q5,1\n",
         'row 3, column "period": Quarter must be Q1, Q2, Q3 or Q4, not Q5'),
        ("code,period,value\nDPE007,2019/20,1\n",
         'row 3, column "period": DPE007 is reported quarterly: give a quarter such as 2019/20 Q1'),
        ("code,period,value\nDPE007,2019/20 Q1,140\n",
         'row 3, column "value": 140 is not a percentage between 0 and 100'),
        ("code,period,value,denominator\nDPE007,2019/20 Q1,1,0\n",
         'row 3, column "denominator": the denominator must be more than zero'),
        ("code,period,value\nDPE007,2019/20 Q1,1\nDPE007,2019/20 q1,2\n",
         "row 4: the same code DPE007, period 2019/20 q1 as row 3 (each may appear once)"),
        ("code,period,value,colour\nDPE007,2019/20 Q1,1,red\n", '"colour" is not a column of actuals'),
    ],
)
def test_bad_actuals_files_are_refused_with_row_and_column(db, text, error):
    run("indicators", INDICATORS)
    # A good first row: the bad one is row 3 of the sheet (the header is row 1).
    header, rest = text.split("\n", 1)
    good = "DPE008a,2019/20 Q1,50" + "," * (header.count(",") - 2)
    report = run("actuals", f"{header}\n{good}\n{rest}")
    assert any(error in e for e in report.errors), report.errors
    assert not Actual.objects.exists()


def test_export_then_import_round_trips(db, tmp_path):
    run("indicators", INDICATORS)
    run("actuals", "code,period,value,numerator,denominator,commentary\nDPE007,2019/20 Q1,75.8,144,190,ok\n")
    out = io.StringIO()
    call_command("export_data", "actuals", stdout=out)
    assert out.getvalue().splitlines()[1] == "DPE007,2019/20 Q1,75.8,144,190,ok"
    path = tmp_path / "actuals.csv"
    path.write_text(out.getvalue())
    report = interchange.import_file("actuals", "actuals.csv", path.read_bytes(), dry_run=False)
    assert (report.new, report.updated, report.unchanged) == (0, 0, 1)


def test_kpi_report_on_the_demo_data_gives_the_statuses_the_rules_imply(db):
    demo.load_data()
    out = io.StringIO()
    call_command("export_data", "kpi-report", "--period", "2019/20 Q1", stdout=out)
    rows = {line.split(",")[0]: line for line in out.getvalue().splitlines()[1:]}
    assert len(rows) == Indicator.objects.count() == 39
    assert ",90,Well below target,Red," in rows["DPE007"]
    assert ",54,Below target,Amber," in rows["DPE008a"]
    assert ",6,Well below target,Red," in rows["BCP212"]  # cumulative: a quarter of 24
    assert "No target" in rows["BCP219"] and "No data" in rows["BCP214"]
    assert ",2019/20,64.2," in rows["BCP230a"] and "Above target,Green,Improved,63" in rows["BCP230a"]


def test_kpi_report_needs_a_quarter(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="needs --period"):
        call_command("export_data", "kpi-report")
    with pytest.raises(CommandError, match="not a whole year"):
        call_command("export_data", "kpi-report", "--period", "2019/20")


def test_imported_figures_are_saved_in_batches_with_their_history(db, officer_user):
    run("indicators", INDICATORS)
    text = "code,period,value\nDPE007,2019/20 Q1,70\nDPE008a,2019/20 Q1,50\n"
    assert interchange.import_file("actuals", "a.csv", text.encode(), dry_run=False, user=officer_user).new == 2
    changed = interchange.import_file("actuals", "a.csv", text.replace(",70", ",71").encode(), dry_run=False,
                                      user=officer_user)
    assert (changed.updated, changed.unchanged) == (1, 1)
    history = Actual.history.filter(indicator__code="DPE007").order_by("history_date")
    assert [(h.value, h.history_user, h.history_change_reason, h.history_type) for h in history] == [
        (Decimal("70"), officer_user, "imported", "+"), (Decimal("71"), officer_user, "imported", "~")]
    actual = Actual.objects.get(indicator__code="DPE007")
    assert actual.version == 2 and actual.entered_by == officer_user



def test_the_same_figure_twice_under_two_spellings_of_its_period_is_refused(db, officer_user):
    run("indicators", INDICATORS)
    interchange.import_file("actuals", "a.csv", b"code,period,value\nDPE007,2019/20 Q1,70\n", dry_run=False)
    text = b"code,period,value\nDPE007,2019/20 Q1,71\nDPE007,2019/2020 Q1,72\n"
    report = interchange.import_file("actuals", "a.csv", text, dry_run=False, user=officer_user)
    assert not report.ok
    assert "DPE007 2019/20 Q1 is already in an earlier row of this file" in " ".join(str(e) for e in report.errors)
    assert Actual.objects.get(indicator__code="DPE007").value == Decimal("70")  # nothing saved


def test_the_batch_update_refuses_figures_deleted_meanwhile(db, officer_user):
    from kpis.services import figures_import
    from organisation.records import RecordError

    run("indicators", INDICATORS)
    interchange.import_file("actuals", "a.csv", b"code,period,value\nDPE007,2019/20 Q1,70\n", dry_run=False)
    actual = Actual.objects.get(indicator__code="DPE007")
    Actual.objects.filter(pk=actual.pk).delete()
    actual.value = Decimal("71")
    with pytest.raises(RecordError, match="deleted while it was being imported"), transaction.atomic():
        figures_import(user=officer_user, creates=[], updates=[actual], fields=["value"])
    assert not Actual.objects.filter(indicator__code="DPE007").exists()  # not brought back


def test_the_preview_shows_each_changed_field_old_and_new_and_left_out_columns_are_kept(db):
    run("indicators", INDICATORS)
    run("actuals", "code,period,value,numerator,denominator,commentary\n"
                   "DPE007,2019/20 Q1,75.8,144,190,Recruitment gaps\n")
    report = run("actuals", "code,period,value\nDPE007,2019/20 Q1,76.3\n", dry_run=True)
    assert [(r.action, r.changes) for r in report.rows] == [("Changed", [("value", "75.8", "76.3")])]
    run("actuals", "code,period,value,numerator,denominator\nDPE007,2019/20 Q1,76.3,145,190\n")
    actual = Actual.objects.get()
    assert (actual.value, actual.numerator, actual.commentary) == (Decimal("76.3"), Decimal("145"),
                                                                   "Recruitment gaps")


def test_the_web_preview_lists_old_and_new_per_field(officer, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    run("indicators", INDICATORS)
    page = officer.post("/imports/indicators/", {"file": SimpleUploadedFile(
        "i.csv", INDICATORS.replace("Pathway plans", "Pathway plans reviewed").encode())}).content.decode("utf-8-sig")
    assert "title: Pathway plans &rarr; Pathway plans reviewed" in page


@pytest.mark.parametrize(("row", "message"), [
    ("DPE007,2019/20 Q1,80,150,100,", 'row 2, column "numerator": the numerator (150) is larger than the denominator'),
    ("DPE007,2100/01 Q4,80,,,", 'row 2, column "period": 2100/01 Q4 is outside the periods this system accepts'),
    ("DPE007,1999/00 Q4,80,,,", 'row 2, column "period": 1999/00 Q4 is outside the periods this system accepts'),
    ("DPE007,2019/20 Q1,12345678901,,,", 'row 2, column "value": "12345678901" is too large'),
    ("DPE007,2019/20 Q1,1.00001,,,", 'row 2, column "value": "1.00001" has more than 4 decimal places'),
    ("DPE007,2019/20 Q1,80,,," + "x" * 4001, 'row 2, column "commentary": the commentary is 4,001 characters long'),
])
def test_the_limits_of_formats_md_are_row_and_column_errors(db, row, message):
    run("indicators", INDICATORS)
    report = run("actuals", "code,period,value,numerator,denominator,commentary\n" + row + "\n")
    assert any(e.startswith(message) for e in report.errors), report.errors
    assert not Actual.objects.exists()

"""Published benchmarks: the `benchmarks` and `lait` kinds, the indicators' benchmark_measure, the page,
the targets form, the pack, and benchmarks frozen with a locked quarter."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils.html import strip_tags

from kpis import services
from kpis.models import Comparator, Indicator, RecordedIndicator
from organisation import demo, interchange
from organisation import services as organisation_services
from organisation.models import ReportingPeriod
from packs import content
from packs.models import Committee
from tests.kpis.conftest import make_indicator, set_actual

HEADER = "code,year,comparator,value\n"


def run(kind, text, dry_run=False, **extra):
    return interchange.import_file(kind, f"{kind}.csv", text.encode(), dry_run=dry_run, **extra)


@pytest.fixture
def cla(area_a, open_quarter):
    return make_indicator(area_a, "CLA01", polarity="lower", unit="rate per 10000", frequency="annual",
                          benchmark_measure="Children looked after rate")


def test_benchmark_rows_fill_one_comparator_and_the_band_follows_from_the_thresholds(cla):
    text = HEADER + ("CLA01,2017/18,council,69\nCLA01,2017/18,England,64\nCLA01,2017/18,statistical neighbours,80\n"
                     "CLA01,2017/18,Region,55\nCLA01,2017/18,quartile 25,57.25\nCLA01,2017/18,quartile 50,71\n"
                     "CLA01,2017/18,quartile 75,82.75\n")
    preview = run("benchmarks", text, dry_run=True)
    assert preview.ok and not Comparator.objects.exists()
    report = run("benchmarks", text)
    assert report.ok, report.errors
    c = Comparator.objects.get()
    assert (c.council, c.england, c.statistical_neighbours, c.regional) == (69, 64, 80, 55)
    assert (c.q25, c.q50, c.q75) == (Decimal("57.25"), 71, Decimal("82.75"))
    assert c.band("lower") == "B" and c.band("higher") == "C" and c.band("neither") is None
    again = run("benchmarks", text)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 7)


def test_benchmark_rows_with_bad_cells_name_row_and_column_and_save_nothing(cla):
    text = HEADER + ("CLA01,2017/18,England,64\nCLA01,2017/18,Wales,3\nNOPE,2017/18,England,1\n"
                     "CLA01,2017/18 Q1,region,2\nCLA01,2017/18,council,12;3\n")
    report = run("benchmarks", text)
    assert report.errors == [
        'row 3, column "comparator": "Wales" is not allowed: use council, England, statistical neighbours, '
        "region, quartile 25, quartile 50 or quartile 75",
        'row 4, column "code": no indicator has the code "NOPE" (import the indicators first)',
        'row 5, column "year": benchmarks are for a financial or academic year: give a financial year such as '
        "2017/18",
        'row 6, column "value": "12;3" is not a number',
    ]
    assert not Comparator.objects.exists()


def test_a_locked_year_keeps_its_benchmarks_but_a_blank_one_may_be_filled(cla, officer_user):
    year = ReportingPeriod.for_label("2018/19")
    services.comparator_set(user=officer_user, indicator=cla, year=year, values={"england": Decimal("64")})
    for q in range(1, 5):
        quarter = ReportingPeriod.for_label(f"2018/19 Q{q}")
        organisation_services.period_lock(user=officer_user, period=quarter)
    report = run("benchmarks", HEADER + "CLA01,2018/19,England,65\nCLA01,2018/19,council,69\n")
    assert report.errors == ["row 2: 2018/19 is locked (every quarter of it), so its England benchmark stays as "
                             "reported; ask the performance team to reopen the year's last quarter to correct it"]
    assert Comparator.objects.get().council is None
    assert run("benchmarks", HEADER + "CLA01,2018/19,England,64\nCLA01,2018/19,council,69\n").ok
    assert Comparator.objects.get().council == 69


def test_benchmarks_export_imports_back_unchanged(cla, officer_user):
    services.comparator_set(user=officer_user, indicator=cla, year=ReportingPeriod.for_label("2017/18"),
                            values={"england": Decimal("64"), "council": Decimal("69"), "q25": Decimal("57.25")})
    out = io.StringIO()
    call_command("export_data", "benchmarks", stdout=out)
    assert out.getvalue().splitlines() == ["code,year,comparator,value", "CLA01,2017/18,council,69",
                                           "CLA01,2017/18,England,64", "CLA01,2017/18,quartile 25,57.25"]
    again = run("benchmarks", out.getvalue())
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)


def test_the_indicators_kind_reads_and_writes_benchmark_measure(db):
    text = ("code,title,directorate,service_area,polarity,unit,frequency,benchmark_measure\n"
            "CLA01,Children looked after,People,Children,lower,rate per 10000,annual,Children looked after rate\n")
    assert run("indicators", text).ok
    assert Indicator.objects.get().benchmark_measure == "Children looked after rate"
    # Left out, it keeps what is stored.
    assert run("indicators", text.replace(",benchmark_measure", "").replace(",Children looked after rate", "")).ok
    assert Indicator.objects.get().benchmark_measure == "Children looked after rate"
    out = io.StringIO()
    call_command("export_data", "indicators", stdout=out)
    assert out.getvalue().splitlines()[1].endswith(",Children looked after rate")


LAIT = ("Short Desc,Years,LA and Regions,LA Number,Values\n"
        "Children looked after rate,2017-18,England,,64\n"
        "Children looked after rate,2017-18,Council,801,69\n"
        "Children looked after rate,2017-18,N1,701,70\n"
        "Children looked after rate,2017-18,N2,702,c\n"
        "Children looked after rate,2017-18,Other,601,40\n"
        "Children looked after rate,2017-18,Third,602,90\n"
        "Another measure,2017-18,Council,801,12\n")
NEIGHBOURS = "LA Number,SN1,SN2\n801,701,702\n"


def test_import_data_lait_with_neighbours_writes_the_benchmarks_rows(cla, tmp_path, settings):
    settings.COUNCIL_LA_NUMBER = "801"
    (tmp_path / "lait.csv").write_text(LAIT)
    (tmp_path / "sn.csv").write_text(NEIGHBOURS)
    out = io.StringIO()
    call_command("import_data", "lait", str(tmp_path / "lait.csv"), "--neighbours", str(tmp_path / "sn.csv"),
                 stdout=out)
    assert "lait: 1 new, 5 updated, 0 unchanged, 0 errors" in out.getvalue()
    c = Comparator.objects.get(indicator=cla)
    assert c.period.label == "2017/18"
    # LAs 40, 69, 70, 90 (England is not one): 61.75, 69.5, 75; the neighbour with "c" has no data.
    assert (c.council, c.england, c.statistical_neighbours, c.q25, c.q50, c.q75) == (
        69, 64, 70, Decimal("61.75"), Decimal("69.5"), 75)
    assert c.band("lower") == "B"
    with pytest.raises(CommandError, match="--neighbours is for the kinds that read it"):
        call_command("import_data", "benchmarks", str(tmp_path / "lait.csv"), "--neighbours",
                     str(tmp_path / "sn.csv"), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize(("text", "error"), [
    (LAIT.replace(",2017-18,N1,701,70", ",2017-18,N1,701,7O"),
     'row 4, column "Values": "7O" is not a number (or one of the suppression codes -, c, ..)'),
    (LAIT.replace("2017-18,Other", "2017-19,Other"),
     'row 6, column "Years": "2017-19" is not a year such as 2017-18 (the second year follows the first)'),
    (LAIT.replace(",Third,602,", ",Third,601,"), "row 7: the same measure, year and area as row 6 (each may appear "
                                                  "once)"),
    (LAIT.replace("Children looked after rate", "Something else"),
     'No row of the file is for a measure an indicator names in its benchmark_measure column'),
    (LAIT.replace("LA Number,", "Number,"), 'row 1 (the header) of the LAIT file: missing column "LA Number"'),
])
def test_a_lait_file_with_bad_rows_names_them_and_saves_nothing(cla, text, error):
    report = run("lait", text)
    assert error in report.errors[0]
    assert not Comparator.objects.exists()


def test_a_neighbours_file_without_the_council_is_refused(cla, settings):
    settings.COUNCIL_LA_NUMBER = "801"
    report = run("lait", LAIT, extra={"neighbours": ("sn.csv", b"LA Number,SN1\n802,701\n")})
    assert report.errors == ["The neighbours file has no row for the council's LA Number 801 "
                             "(settings.COUNCIL_LA_NUMBER)."]


def test_the_targets_page_takes_benchmarks_and_thresholds_by_hand(cla, officer):
    response = officer.post(f"/performance/manage/{cla.code}/targets/", {
        "form": "comparator", "c-year": "2017/18", "c-council": "69", "c-england": "64",
        "c-statistical_neighbours": "80", "c-regional": "", "c-q25": "57.25", "c-q50": "71", "c-q75": "82.75",
        "c-quartile": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Comparator.objects.get().band("lower") == "B"
    page = strip_tags(officer.get(f"/performance/manage/{cla.code}/targets/").content.decode())
    assert "57.25 / 71.0 / 82.75" in " ".join(page.split())
    refused = officer.post(f"/performance/manage/{cla.code}/targets/", {
        "form": "comparator", "c-year": "2016/17", "c-q25": "80", "c-q50": "71", "c-q75": "82"})
    assert "The thresholds must rise" in refused.content.decode()
    by_hand = officer.post(f"/performance/manage/{cla.code}/targets/", {
        "form": "comparator", "c-year": "2016/17", "c-quartile": "2"})
    assert by_hand.status_code == 302
    assert Comparator.objects.get(period__year=2016).band("lower") == "B"


# --- the demo: the closure report's table, computed --------------------------------------------

def _page_text(client, path):
    return " ".join(re.sub(r"<[^>]+>", " ", client.get(path).content.decode()).split())


@pytest.fixture
def demo_loaded(db, settings):
    settings.COUNCIL_LA_NUMBER = "801"
    demo.load_data()


def test_the_demo_carries_the_closure_reports_benchmarks_computed_from_its_lait_files(demo_loaded, executive):
    cla = Indicator.objects.get(code="CLA01")
    c = Comparator.objects.get(indicator=cla)
    assert c.period.label == "2017/18"
    assert (c.council, c.england, c.statistical_neighbours, c.regional) == (69, 64, 80, 55)
    assert c.band(cla.polarity) == "B"
    recorded = RecordedIndicator.objects.get(indicator=cla, quarter=ReportingPeriod.for_label("2018/19 Q4"))
    assert (recorded.benchmark_year, recorded.benchmark_council, recorded.benchmark_england,
            recorded.benchmark_neighbours, recorded.benchmark_band) == ("2017/18", 69, 64, 80, "B")
    text = _page_text(executive, "/performance/indicators/CLA01/?period=2018-19-Q4")
    assert "Benchmarks as 2018/19 Q4 reported them" in text
    assert "2017/18 69.0 64.0 80.0 55.0 B" in text
    quarter = ReportingPeriod.for_label("2018/19 Q4")
    pack = content.build(quarter=quarter, committee=Committee.objects.first(), meeting_date=date(2019, 6, 12))
    [line] = pack.performance.benchmarks
    assert (line.code, line.year, line.council, line.latest, line.band, line.neighbours, line.england) == (
        "CLA01", "2017/18", "69.0", "66.0 (2018/19)", "B", "80.0", "64.0")
    from docx import Document

    from packs import word

    document = Document(io.BytesIO(word.render(pack, "a")))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["CLA01", cla.title, "-", "2017/18", "69.0", "66.0 (2018/19)", "B", "80.0", "64.0"] in rows


def test_benchmarks_changed_after_the_lock_leave_the_locked_quarters_page_and_pack_as_reported(
        demo_loaded, executive, officer_user):
    quarter = ReportingPeriod.for_label("2018/19 Q4")
    cla = Indicator.objects.get(code="CLA01")
    before = content.build(quarter=quarter, committee=Committee.objects.first(), meeting_date=date(2019, 6, 12))
    page_before = _page_text(executive, "/performance/indicators/CLA01/?period=2018-19-Q4")
    # 2017/18's quarters are locked (the demo's placements go back to them): its benchmarks stay as reported.
    refused = run("benchmarks", HEADER + "CLA01,2017/18,England,65\n")
    assert refused.errors and "2017/18 is locked" in refused.errors[0]
    # 2018/19's are published after the lock: a new year, so taken, and the open quarter's latest.
    report = run("benchmarks", HEADER + "CLA01,2018/19,council,66\nCLA01,2018/19,England,65\n"
                                        "CLA01,2018/19,quartile 25,70\nCLA01,2018/19,quartile 50,75\n"
                                        "CLA01,2018/19,quartile 75,80\n")
    assert report.ok, report.errors
    assert Comparator.objects.get(indicator=cla, period__year=2018).band("lower") == "A"
    after = content.build(quarter=quarter, committee=Committee.objects.first(), meeting_date=date(2019, 6, 12))
    assert after.performance.benchmarks == before.performance.benchmarks
    assert _page_text(executive, "/performance/indicators/CLA01/?period=2018-19-Q4") == page_before
    live = _page_text(executive, "/performance/indicators/CLA01/?period=2019-20-Q1")
    assert "2018/19 66.0 65.0 A" in live and "2017/18 69.0 64.0 80.0 55.0 B" in live
    [line] = content.build(quarter=ReportingPeriod.for_label("2019/20 Q1"), committee=Committee.objects.first(),
                           meeting_date=date(2019, 10, 14), draft=True).performance.benchmarks
    assert (line.year, line.council, line.band) == ("2018/19", "66.0", "A")


def test_a_locked_quarter_recorded_without_benchmarks_shows_none_published_later(area_a, open_quarter, officer_user,
                                                                                 executive):
    cla = make_indicator(area_a, "CLA01", polarity="lower", unit="rate per 10000", frequency="annual")
    quarter = ReportingPeriod.for_label("2018/19 Q4")
    set_actual(cla, "2018/19", 66, state="submitted")
    organisation_services.period_lock(user=officer_user, period=quarter, sign_off_submitted=True)
    services.comparator_set(user=officer_user, indicator=cla, year=ReportingPeriod.for_label("2017/18"),
                            values={"england": Decimal("64")})
    text = _page_text(executive, "/performance/indicators/CLA01/?period=2018-19-Q4")
    assert "66.0" in text and "Benchmarks" not in text and "64.0" not in text
    assert "2017/18 64.0" in _page_text(executive, "/performance/indicators/CLA01/?period=2019-20-Q1")


def test_the_import_page_takes_the_lait_file_with_its_neighbours_file_and_confirms_both(cla, officer, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from organisation.models import PendingImport

    settings.COUNCIL_LA_NUMBER = "801"
    page = officer.get("/imports/lait/")
    assert page.status_code == 200 and "Statistical neighbours file (optional)" in page.content.decode()
    response = officer.post("/imports/lait/", {
        "file": SimpleUploadedFile("lait.csv", LAIT.encode(), content_type="text/csv"),
        "neighbours": SimpleUploadedFile("sn.csv", NEIGHBOURS.encode(), content_type="text/csv")})
    assert response.status_code == 200
    pending = PendingImport.objects.get()  # kept only from a preview without errors
    assert (pending.option, pending.option_filename) == ("neighbours", "sn.csv") and not Comparator.objects.exists()
    done = officer.post(f"/imports/lait/{pending.pk}/confirm/")
    assert done.status_code == 302
    c = Comparator.objects.get(indicator=cla)
    assert (c.council, c.statistical_neighbours) == (69, 70)  # the neighbours' mean: from the second file
    pending.refresh_from_db()
    assert pending.confirmed_at is not None and bytes(pending.option_content) == b""


def test_the_import_page_refuses_a_neighbours_file_of_the_wrong_type_and_keeps_nothing(cla, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from organisation.models import PendingImport

    response = officer.post("/imports/lait/", {
        "file": SimpleUploadedFile("lait.csv", LAIT.encode(), content_type="text/csv"),
        "neighbours": SimpleUploadedFile("sn.pdf", b"%PDF", content_type="application/pdf")})
    body = response.content.decode()
    assert response.status_code == 200 and "The file must be a CSV (.csv) or Excel (.xlsx) file" in body
    assert "govuk-error-summary" in body and not PendingImport.objects.exists()
    # Kinds without a further file have no such field.
    assert "Statistical neighbours" not in officer.get("/imports/benchmarks/").content.decode()

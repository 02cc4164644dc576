"""The placements report's Excel download: a workbook laid out for Excel and for printing (title rows, a
frozen and filtered header, numbers as numbers in their formats, totals in bold, A4 landscape a page wide),
over the demo; the CSV download as it was; who may download it; and its queries."""

import io
import re
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from organisation.models import ReportingPeriod
from placements import report_workbook, services
from placements.models import PlacementCategory
from tests.conftest import client_for, make_user

XLSX = "/placements/report.xlsx"
CSV = "/placements/report.csv"
HEADER_ROW = 6  # four title rows, a blank row, then the header
# The demo's default range: its last six quarters with a snapshot, all locked.
DEMO_QUARTERS = ["2016/17 Q4", "2017/18 Q1", "2017/18 Q2", "2017/18 Q3", "2017/18 Q4", "2018/19 Q1"]


@pytest.fixture
def demo_db(db, settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())


@pytest.fixture
def officer_client(demo_db):
    return client_for(make_user("wb.officer", "Performance officer"))


@pytest.fixture
def audit_client(demo_db):
    return client_for(make_user("wb.audit", "Audit committee"))


def sheet_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.fullmatch(r'attachment; filename="placements-[\w-]+-to-[\w-]+\.xlsx"', response["Content-Disposition"])
    return load_workbook(io.BytesIO(response.content)).active


def row_of(sheet, heading, category, measure):
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        if [c.value for c in row[:3]] == [heading, category, measure]:
            return row
    raise AssertionError(f"no row {heading} / {category} / {measure}")


def add_snapshots(categories: int, *, period: str = "2019/20 Q1", name: str = "Extra", cost=Decimal("150.50")):
    """Snapshots of new categories in the demo's open quarter, through the services."""
    quarter = ReportingPeriod.objects.get(year=int(period[:4]), quarter=int(period[-1]))
    heading, _ = services.heading_get_or_create(user=None, name=f"{name} heading")
    rows = []
    for n in range(categories):
        category, _ = services.category_get_or_create(user=None, heading=heading, name=f"{name} category {n}")
        rows.append(services.SnapshotInput(category, None, n + 1, cost))
    services.snapshot_save(user=None, period=quarter, rows=rows, reason="test")
    return quarter


# --- the workbook -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("reader", ["officer_client", "audit_client"])
def test_the_workbook_has_title_rows_a_frozen_filtered_header_and_prints_a_page_wide(request, reader):
    sheet = sheet_of(request.getfixturevalue(reader).get(XLSX))
    titles = [sheet.cell(row=r, column=1).value for r in range(1, 5)]
    assert titles[0] == "Children in care placements: finance and activity"
    assert sheet["A1"].font.b
    assert titles[1] == f"{settings.COUNCIL_NAME}: {settings.PLACEMENTS_SERVICE_AREA}: all placement headings"
    assert titles[2].startswith(f"{DEMO_QUARTERS[0]} to {DEMO_QUARTERS[-1]}; changes are since {DEMO_QUARTERS[0]}.")
    assert titles[3].startswith("Every quarter shown is locked: its figures are as reported. Downloaded ")
    assert re.search(r"Downloaded \d{1,2} (January|February|March|April|May|June|July|August|September|October|"
                     r"November|December) \d{4} \d{2}:\d{2}\.$", titles[3])
    assert sheet.cell(row=HEADER_ROW - 1, column=1).value is None
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header == ["Heading", "Category", "Measure"] + DEMO_QUARTERS
    assert all(c.font.b for c in sheet[HEADER_ROW])
    # The header row stays in view (and the three label columns), with a filter over it and every line below.
    assert sheet.freeze_panes == f"D{HEADER_ROW + 1}"
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:I{sheet.max_row}"
    assert [c.value for c in sheet[sheet.max_row][:3]] == ["Split", "Foster care", "in-house share of foster care (%)"]
    # Printed: A4 landscape, one page wide and as many long as it takes, the header row on every page.
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.oddFooter.center.text == "Page &P of &N"
    assert sheet.column_dimensions["C"].width >= len("change in estimated annual cost since 2016/17 Q4 (£k)")


def test_numbers_are_numbers_in_their_formats_and_totals_are_bold(officer_client):
    sheet = sheet_of(officer_client.get(XLSX))
    children = row_of(sheet, "Bristol Residential", "Bristol Home or School", "children")
    assert [c.value for c in children[3:]] == [16, 19, 16, 16, 12, 12]
    assert all(isinstance(c.value, int) and c.number_format == "#,##0" for c in children[3:])
    weekly = row_of(sheet, "Bristol Residential", "Total", "average weekly cost (£)")
    assert weekly[3].value == pytest.approx(3395.79) and isinstance(weekly[3].value, (int, float, Decimal))
    assert weekly[3].number_format == "£#,##0.00"
    annual = row_of(sheet, "Grand Total", "Total", "estimated annual cost (£k)")
    assert [c.value for c in annual[3:]] == [24464, 24488, 23696, 23675, 22306, 22990]
    assert annual[3].number_format == '£#,##0"k"'
    change = row_of(sheet, "Grand Total", "Total", "change in estimated annual cost since 2016/17 Q4 (£k)")
    assert [c.value for c in change[3:]] == [0, 24, -768, -788, -2158, -1474]
    assert change[3].number_format == "#,##0"
    share = row_of(sheet, "Split", "All placements", "in-house share of in-house and external (%)")
    assert share[3].value == pytest.approx(60.2) and share[3].number_format == "0.0"
    assert not [c.coordinate for row in sheet.iter_rows(min_row=HEADER_ROW + 1) for c in row[3:]
                if isinstance(c.value, str)]
    # Totals in bold; a category's lines and the shares not.
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        assert all(c.font.b for c in row) == (row[1].value == "Total"), [c.value for c in row[:3]]
    assert row_of(sheet, "Grand Total", "Total", "children")[0].font.b


def test_the_downloaded_line_is_a_uk_date(officer_client, monkeypatch):
    monkeypatch.setattr(report_workbook, "timezone", SimpleNamespace(localtime=lambda: datetime(2026, 12, 3, 14, 5)))
    sheet = sheet_of(officer_client.get(XLSX))
    assert sheet["A4"].value.endswith("Downloaded 3 December 2026 14:05.")


def test_a_quarter_with_no_figure_is_an_empty_cell_and_an_open_quarter_is_named(officer_client):
    add_snapshots(2)
    sheet = sheet_of(officer_client.get(XLSX))
    header = [c.value for c in sheet[HEADER_ROW]]
    # The open quarter's snapshot moves the range on: six quarters, with the gap between said in words.
    assert header[3:] == ["2017/18 Q1", "2017/18 Q2", "2017/18 Q3", "2017/18 Q4", "2018/19 Q1", "2019/20 Q1"]
    assert "No snapshot was taken for 2018/19 Q2 to 2018/19 Q4" in sheet["A3"].value
    assert sheet["A4"].value.startswith("The figures of locked quarters are as reported; 2019/20 Q1 is not yet "
                                        "locked and may still change.")
    old = row_of(sheet, "Foster Care", "Agency Foster Care", "children")
    new = row_of(sheet, "Extra heading", "Extra category 1", "average weekly cost (£)")
    for cell in (old[-1], *new[3:-1]):
        assert cell.value is None and cell.data_type == "n", cell.coordinate  # no "" in an empty cell
    assert new[-1].value == pytest.approx(150.5) and new[-1].number_format == "£#,##0.00"


def test_the_workbook_follows_the_pages_heading_and_the_csv_keeps_every_heading(officer_client):
    sheet = sheet_of(officer_client.get(XLSX + "?heading=Foster+Care"))
    assert sheet["A2"].value.startswith(f"{settings.COUNCIL_NAME}: {settings.PLACEMENTS_SERVICE_AREA}: "
                                        "Foster Care only")
    assert {r[0].value for r in sheet.iter_rows(min_row=HEADER_ROW + 1)} == {"Foster Care", "Grand Total", "Split"}
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:I{sheet.max_row}"
    # The grand total is the whole council's, as on the page.
    assert row_of(sheet, "Grand Total", "Total", "children")[3].value == 686
    assert officer_client.get(XLSX + "?heading=No+such+heading").status_code == 404
    csv_text = officer_client.get(CSV + "?heading=Foster+Care").content.decode("utf-8-sig")
    assert "\r\nOther,Secure,children," in csv_text


def test_text_that_reads_as_a_formula_is_kept_as_text_with_no_apostrophe_shown(officer_client):
    add_snapshots(1, name="=HYPERLINK(\"http://x\",\"y\")")
    PlacementCategory.objects.filter(name__startswith="=HYPERLINK").update(name="@SUM(1+1)")
    sheet = sheet_of(officer_client.get(XLSX))
    cells = [c for row in sheet.iter_rows() for c in row]
    dangerous = [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
    assert {c.value for c in dangerous} >= {"=HYPERLINK(\"http://x\",\"y\") heading", "@SUM(1+1)"}
    assert all(c.data_type == "s" and c.quotePrefix for c in dangerous)
    assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith("'")]
    assert all(c.data_type != "f" for c in cells)


# --- the CSV, and who may download ---------------------------------------------------------------------------

def test_the_csv_download_is_as_it_was(officer_client):
    response = officer_client.get(CSV)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "heading,category,measure," + ",".join(DEMO_QUARTERS)
    assert lines[1] == "Bristol Residential,Bristol Home or School,children,16,19,16,16,12,12"
    assert lines[2] == ("Bristol Residential,Bristol Home or School,average weekly cost (£),"
                        "4001.00,4001.00,4001.00,4001.00,4001.00,4001.00")
    assert "Foster Care,Total,average weekly cost (£),457.43,458.56,460.28,451.35,450.42,463.78" in lines
    assert "Grand Total,Total,estimated annual cost (£k),24464,24488,23696,23675,22306,22990" in lines
    assert lines[-3:] == ["Split,All placements,in-house share of in-house and external (%),60.2,59.8,60.7,62.1,63.0,61.4",
                          "Split,Foster care,in-house share of foster care (%),68.8,68.3,68.9,69.8,70.2,68.1", ""]
    assert len(lines) == 1 + 24 + 4 * 3 + 3 + 2 + 2 + 1  # header, 12 categories x 2, totals, grand, changes, splits


def test_the_csv_leaves_a_missing_figure_empty(officer_client):
    add_snapshots(1)
    lines = officer_client.get(CSV).content.decode("utf-8-sig").split("\r\n")
    assert lines[0].endswith(",2018/19 Q1,2019/20 Q1")
    assert "Extra heading,Extra category 0,children,,,,,,1" in lines
    assert "Extra heading,Extra category 0,average weekly cost (£),,,,,,150.50" in lines


@pytest.mark.parametrize("path", [XLSX, CSV])
def test_who_may_download_is_as_before(demo_db, path):
    from kpis.models import Indicator

    # Every service manager reads the placements report (organisation.access.can_view_placements), not only
    # the owning area's; someone signed in with no role may not, and a visitor is sent to sign in.
    other_area = Indicator.objects.exclude(service_area__name=settings.PLACEMENTS_SERVICE_AREA).first().service_area
    manager = client_for(make_user("wb.manager", "Service manager", areas=[other_area]))
    assert manager.get(path).status_code == 200
    assert client_for(make_user("wb.nobody")).get(path).status_code == 403
    assert client_for(make_user("wb.executive", "Executive")).get(path).status_code == 200
    from django.test import Client

    assert Client().get(path).status_code == 302
    assert client_for(make_user("wb.officer2", "Performance officer")).get(path.replace(".xlsx", ".pdf")
                                                                              .replace(".csv", ".json")).status_code == 404


# --- queries ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [XLSX, CSV])
def test_the_downloads_queries_do_not_grow_with_the_snapshots(officer_client, path):
    def count(query=""):
        with CaptureQueriesContext(connection) as ctx:
            assert officer_client.get(path + query).status_code == 200
        return len(ctx.captured_queries)

    officer_client.get(path)  # the first request's one-off reads (the session, the demo clock) out of the way
    demo, locked = count(), count("?to=2018-19-Q1")
    add_snapshots(3)  # the open quarter's first snapshots: the report now runs to it
    some = count()
    add_snapshots(40, name="More")  # a new heading of 40 categories
    many = count()
    # A locked last quarter reads its record (a few more queries than an open one), however many snapshots.
    assert many <= some <= demo <= 25 and count("?to=2018-19-Q1") <= locked, (demo, some, many, locked)

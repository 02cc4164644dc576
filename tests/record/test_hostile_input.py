"""Issue 11, "Why": server errors from malformed XLSX files, non-numeric ids and
``next=javascript:...``; an XLSX that expanded to 2 million rows held a worker for 90 s;
files with many bad rows listed every error."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from kpis.models import Actual
from tests.record.support import (
    ACTUAL_COLUMNS,
    error_summary,
    import_command,
    text,
    upload,
    upload_and_confirm,
    write_file,
)

# --- 13. malformed XLSX uploads -----------------------------------------------------------


def workbook_bytes() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ACTUAL_COLUMNS.split(","))
    sheet.append(["DPE007", "2019/20 Q1", 70, None, None, "On track"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_sheet_xml(change) -> bytes:
    """A workbook whose first sheet's XML is changed by ``change`` (str -> str)."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode()).encode()
            target.writestr(info.filename, data)
    return out.getvalue()


def zip_of_a_text_file() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return out.getvalue()


MALFORMED_XLSX = {
    "a truncated zip": lambda: workbook_bytes()[:1500],
    "a zip that is not a workbook": zip_of_a_text_file,
    "sheet XML cut off inside a row": lambda: with_sheet_xml(lambda xml: xml[:xml.index("</row>") + 6]
                                                              + '<row r="2"><c r="A2" t="inlineStr"><is><t>DPE'),
    "sheet XML with text in a number cell": lambda: with_sheet_xml(lambda xml: xml.replace("<v>70</v>", "<v>abc</v>")),
    "random bytes": lambda: bytes(range(256)) * 8,
}


@pytest.mark.parametrize("case", list(MALFORMED_XLSX))
def test_a_malformed_xlsx_upload_is_refused_with_a_message_not_a_server_error(officer, dpe007, case):
    response = upload(officer, "actuals", "actuals.xlsx", MALFORMED_XLSX[case]())
    assert response.status_code == 200
    summary = error_summary(text(response)).lower()
    assert any(word in summary for word in ("excel", "xlsx", "workbook", "sheet")), summary
    assert not Actual.objects.exists()


# --- 13. hostile query values and non-numeric ids -----------------------------------------

HOSTILE_PAGES = [
    "/performance/?directorate=abc",
    "/performance/?exceptions_page=abc",
    "/risks/?page=-1",
    "/risks/?cell=current-x-7",
    "/risks/heat-map/?level=nonsense",
    "/performance/?period=2100-01-Q4",
]


@pytest.mark.parametrize("url", HOSTILE_PAGES)
def test_a_hostile_query_value_is_not_a_server_error(executive, dpe007, locked_quarter, url):
    # A 404 (no such directorate, cell or period) or the page itself are both fine here:
    # what the report found was a 500, so only a server error fails this test.
    assert executive.get(url).status_code != 500


@pytest.mark.parametrize(("url", "data"), [
    ("/risks/schemes/", {"scheme": "abc"}),
    ("/performance/submissions/2019-20-Q1/sign-off/", {"service_area": "abc"}),
])
def test_a_non_numeric_id_posted_by_an_officer_is_not_a_server_error(officer, dpe007, url, data):
    # As above: refusing the id (404) or ignoring it are both fine; a 500 is not.
    assert officer.post(url, data).status_code != 500


def test_a_javascript_next_address_after_a_lock_redirects_to_a_page_of_this_site(officer, open_quarter):
    response = officer.post(f"/periods/{open_quarter.pk}/lock/", {"confirm": "yes", "next": "javascript:alert(1)"})
    assert response.status_code == 302
    location = response["Location"]
    assert not location.lower().startswith("javascript")
    assert location.startswith("/") and not location.startswith("//")


# --- 14. files of more than 50,000 rows -----------------------------------------------------

ROWS_OVER_THE_LIMIT = 60_000
ROW_LIMIT_MESSAGE = re.compile(r"50,?000")


def rows_over_the_limit():
    """60,000 distinct figures; the last repeats the first, so a reader that did read every row
    would stop with a different message (and the old code stops fast)."""
    for number in range(ROWS_OVER_THE_LIMIT - 1):
        yield [f"X{number:06d}", "2019/20 Q1", "1", "", "", ""]
    yield ["X000000", "2019/20 Q1", "1", "", "", ""]


def test_an_xlsx_of_more_than_50000_rows_is_refused_naming_the_limit(officer, dpe007):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(ACTUAL_COLUMNS.split(","))
    for row in rows_over_the_limit():
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    page, confirm_offered = upload_and_confirm(officer, "actuals", "actuals.xlsx", out.getvalue())
    assert ROW_LIMIT_MESSAGE.search(error_summary(page)), error_summary(page)[:500]
    assert not confirm_offered
    assert not Actual.objects.exists()


def test_a_csv_of_more_than_50000_rows_is_refused_by_import_data_naming_the_limit(dpe007, tmp_path):
    content = ACTUAL_COLUMNS + "\n" + "".join(",".join(row) + "\n" for row in rows_over_the_limit())
    error, output = import_command("actuals", write_file(tmp_path, "actuals.csv", content))
    assert error is not None, "import_data must exit non-zero"
    assert ROW_LIMIT_MESSAGE.search(output), output[:500]
    assert not Actual.objects.exists()


# --- 15. more than 100 bad rows -------------------------------------------------------------

def test_a_file_with_150_bad_rows_lists_the_first_100_errors_and_counts_the_rest(officer, dpe007):
    content = ACTUAL_COLUMNS + "\n" + "".join(f"NOPE{n:03d},2019/20 Q1,1,,,\n" for n in range(150))
    response = upload(officer, "actuals", "actuals.csv", content)
    summary = error_summary(text(response))
    assert re.search(r"\brow 101\b", summary)  # the 100th bad row (the header is row 1)...
    assert not re.search(r"\brow 102\b", summary)  # ...is the last one listed
    assert re.search(r"\b50 more errors?\b", summary), summary[-300:]
    assert not Actual.objects.exists()


# --- periods and numbers an import cannot smuggle in ---------------------------------------------

def test_an_import_cannot_add_a_quarter_inside_the_locked_history(officer, area_a, locked_quarter):
    from kpis.models import Target
    from organisation.models import ReportingPeriod
    from tests.kpis.conftest import make_indicator

    make_indicator(area_a, "BCP218")
    page = text(upload(officer, "targets", "t.csv", "code,period,target\nBCP218,2018/19 Q2,1\n"))
    summary = error_summary(page)
    assert "row 2" in summary.lower() and "period" in summary and "2018/19 Q4, which is locked" in summary
    assert not ReportingPeriod.objects.filter(year=2018, quarter=2).exists()
    assert not Target.objects.exists()


def test_a_huge_number_in_a_risk_column_is_refused_naming_the_column(officer, directorate, area_a, locked_quarter,
                                                                     open_quarter):
    page = text(upload(officer, "risks", "r.csv",
                       "reference,register,directorate,period,likelihood,impact,tolerance_likelihood,tolerance_impact\n"
                       f"CRR1,corporate,{directorate.name},2019/20 Q1,{'9' * 5000},7,1,7\n"))
    summary = error_summary(page)
    assert "likelihood" in summary and "is not on the likelihood scale" in summary
    assert "sys.set_int_max_str_digits" not in page

"""The highlight and closure reports downloaded as PDF, Word and XLSX: the facts of the papers in each, DRAFT on
every page of an open quarter, who may download them, bad input, and a query count that does not grow."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from organisation import services as organisation_services
from organisation.models import ReportingPeriod
from tests.programmes.builders import strengthening_families

CONTENT_TYPES = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml"
                 ".document", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@pytest.fixture
def programme(directorate, area_a, open_quarter):
    return strengthening_families(directorate, area_a, open_quarter)


def highlight_url(programme, quarter, fmt) -> str:
    return f"/programmes/{programme.pk}/{quarter.slug}/highlight.{fmt}"


def closure_url(programme, fmt) -> str:
    return f"/programmes/{programme.pk}/closure.{fmt}"


def download(client, url: str, fmt: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    assert len(response.content) > 2000
    return response.content


def docx_text(data: bytes) -> tuple[list[str], str]:
    """The headings, and every word: paragraphs, table cells, headers and footers."""
    document = Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
    return headings, "\n".join(parts)


def xlsx_values(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page: pdftotext (poppler) when installed, else pypdf."""
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
        return [re.sub(r"\s+", " ", page) for page in out.decode().split("\f") if page.strip()]
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def lock(user, quarter) -> ReportingPeriod:
    organisation_services.period_lock(user=user, period=quarter, sign_off_submitted=True)
    return ReportingPeriod.objects.get(pk=quarter.pk)


# --- the facts in each format ------------------------------------------------------------------------

def test_the_highlight_report_in_word_has_its_sections_and_the_papers_facts(officer, programme, open_quarter):
    headings, words = docx_text(download(officer, highlight_url(programme, open_quarter, "docx"), "docx"))
    assert headings == ["Strengthening Families: highlight report, 2019/20 Q1", "Summary", "1. Objectives",
                        "2. Savings against profile, by financial year", "3. Milestones", "4. Risks to delivery"]
    for fact in ("Executive Director, People", "Service Director", "£1,642,067", "£6,118,219", "At risk",
                 "On track", "Off track", "Commentary on objective 3", "Device deployment not completed",
                 "Slipped (183 days late)", "CRR100", "Foster carer shortfall 100", "Medium",
                 "DRAFT: NOT YET SIGNED OFF"):
        assert fact in words, fact
    # Savings at risk: the third year, forecast 10% short.
    assert "Savings at risk (At risk or Undeliverable): £1,828,292" in words


def test_the_closure_report_in_word_follows_the_papers_layout(officer, programme):
    headings, words = docx_text(download(officer, closure_url(programme, "docx"), "docx"))
    assert headings == ["Strengthening Families: closure and handover report", "1. Programme details",
                        "2. Schedule", "3. Budget", "4. Objectives and their status at closure", "5. Benefits map",
                        "6. Benefits yet to be realised", "7. Slippage", "8. Risks to delivery"]
    document = Document(io.BytesIO(download(officer, closure_url(programme, "docx"), "docx")))
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["Capital reserves", "£1,815,000", "£1,815,000", "£1,815,000", "£0"] in cells
    assert ["Total", "£2,832,000", "£2,832,000", "£2,832,000", "£0"] in cells
    assert any(row[1:5] == ["Objective 4: children in care reduce", "Measure 4 monthly", "Life of the programme",
                            "Achieved in part"] for row in cells)
    assert ["Savings profiled for 2019/20 of £1,642,067", "Division 15 forecasting and outturn",
            "Service Director / Budget Working Group", "To April 2020"] in cells
    for fact in ("30/08/2017", "02/10/2019", "Senior Project Manager", "7 objectives: 3 achieved, 3 in part, 1 not",
                 "Social worker recruitment", "Indicator CLASt1: 620", "Above target", "Device deployment not completed"):
        assert fact in words, fact


def test_the_workbooks_keep_money_as_numbers_and_dates_as_dates(officer, programme, open_quarter):
    sheets = xlsx_values(download(officer, highlight_url(programme, open_quarter, "xlsx"), "xlsx"))
    assert list(sheets) == ["Summary", "Objectives", "Savings against profile", "Milestones", "Risks to delivery"]
    savings = sheets["Savings against profile"]
    assert savings[0][0] == "Strengthening Families: highlight report, 2019/20 Q1"
    assert savings[2][0].startswith("DRAFT: 2019/20 Q1 is not yet signed off")
    assert savings[4] == ("Financial year", "Planned", "Forecast", "Delivered", "Variance", "Status")
    assert savings[5][:2] == ("2019/20", 1642067) and savings[5][5] == "On track"
    assert savings[-1][0] == "Total" and savings[-1][1] == 6118219
    assert [row[2] for row in sheets["Objectives"][5:8]] == ["On track", "On track", "At risk"]
    assert sheets["Milestones"][5][2].strftime("%d/%m/%Y") == "01/04/2018"

    closure = xlsx_values(download(officer, closure_url(programme, "xlsx"), "xlsx"))
    assert ("Capital reserves", 1815000, 1815000, 1815000, 0) in closure["Budget"]
    assert any(row[4] == "Achieved in part" for row in closure["Objectives at closure"])
    assert any(row[0] == "Savings profiled for 2019/20 of £1,642,067" for row in closure["Benefits yet to be realised"])
    assert ("Mandate approved", "30/08/2017") in closure["Summary"]


def test_the_pdfs_are_tagged_a4_with_the_facts_and_draft_on_every_page_of_an_open_quarter(officer, programme,
                                                                                          open_quarter):
    for url, facts in ((highlight_url(programme, open_quarter, "pdf"),
                        ("highlight report, 2019/20 Q1", "£1,642,067", "Off track", "CRR100", "Slipped")),
                       (closure_url(programme, "pdf"),
                        ("closure and handover report", "£1,815,000", "Achieved in part", "To April 2020",
                         "7 objectives: 3 achieved, 3 in part, 1 not", "Device deployment not completed"))):
        data = download(officer, url, "pdf")
        assert data.startswith(b"%PDF")
        reader = PdfReader(io.BytesIO(data))
        assert round(float(reader.pages[0].mediabox.height)) == 842  # A4
        assert reader.trailer["/Root"].get("/StructTreeRoot") is not None  # tagged for screen readers
        pages = pdf_pages(data)
        text = " ".join(pages)
        for fact in facts:
            assert fact in text, fact
        for number, page in enumerate(pages, start=1):
            assert "DRAFT: NOT YET SIGNED OFF" in page and f"Page {number} of {len(pages)}" in page


def test_a_locked_quarter_downloads_as_reported_without_draft(officer, officer_user, programme, open_quarter):
    quarter = lock(officer_user, open_quarter)
    pages = pdf_pages(download(officer, highlight_url(programme, quarter, "pdf"), "pdf"))
    assert all("DRAFT" not in page for page in pages)
    assert "2019/20 Q1 (signed off and locked)" in " ".join(pages)
    _, words = docx_text(download(officer, closure_url(programme, "docx"), "docx"))
    assert "DRAFT" not in words and "Achieved in part" in words
    sheets = xlsx_values(download(officer, highlight_url(programme, quarter, "xlsx"), "xlsx"))
    assert "signed off and locked" in sheets["Summary"][2][0]
    response = officer.get(highlight_url(programme, quarter, "xlsx"))
    assert "draft-" not in response["Content-Disposition"]


def test_an_assessment_not_signed_off_in_an_open_quarter_says_so(officer, programme, open_quarter):
    from programmes.models import Assessment

    Assessment.objects.filter(objective__programme=programme, objective__number=1).update(
        state=Assessment.State.SUBMITTED)
    sheets = xlsx_values(download(officer, highlight_url(programme, open_quarter, "xlsx"), "xlsx"))
    assert sheets["Objectives"][5][2] == "On track (submitted, not yet signed off)"


# --- who may download ---------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["officer", "executive", "audit", "manager_a", "manager_b"], indirect=True)
def test_every_role_downloads_both_reports(persona, programme, open_quarter):
    download(persona, highlight_url(programme, open_quarter, "xlsx"), "xlsx")
    download(persona, closure_url(programme, "docx"), "docx")


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_an_outsider_is_refused_and_anonymous_is_sent_to_sign_in(outsider, anonymous, programme, open_quarter, fmt):
    for url in (highlight_url(programme, open_quarter, fmt), closure_url(programme, fmt)):
        assert outsider.get(url).status_code == 403
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_the_risks_to_delivery_are_those_the_reader_may_see(manager_b, officer, programme, open_quarter):
    """Whatever the registers show the reader of the programme's risks, the download shows, and no more."""
    from django.contrib.auth import get_user_model

    from risks.queries import risks_visible_to

    user = get_user_model().objects.get(username="manager.b")
    visible = set(risks_visible_to(user).filter(programmes=programme).values_list("reference", flat=True))
    rows = xlsx_values(download(manager_b, highlight_url(programme, open_quarter, "xlsx"), "xlsx"))["Risks to delivery"]
    shown = {row[0] for row in rows[5:] if row[0] and row[0].startswith("CRR")}
    assert shown == visible


# --- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("period", ["2019-20", "2019-20-Q9", "nonsense", "2030-31-Q1", "2019-20-Q1-x"])
def test_a_year_or_unknown_quarter_is_not_found(officer, programme, open_quarter, period):
    assert officer.get(f"/programmes/{programme.pk}/{period}/highlight.pdf").status_code == 404


def test_a_bad_format_or_programme_is_not_found(officer, programme, open_quarter):
    for url in (highlight_url(programme, open_quarter, "csv"), closure_url(programme, "exe"),
                f"/programmes/{programme.pk + 999}/{open_quarter.slug}/highlight.xlsx",
                f"/programmes/{programme.pk + 999}/closure.docx"):
        assert officer.get(url).status_code == 404, url


def test_a_programme_with_nothing_reported_downloads_a_draft_saying_so(officer, directorate, open_quarter):
    from tests.programmes.builders import make_programme

    bare = make_programme(directorate, name="Better Lives")
    _, words = docx_text(download(officer, closure_url(bare, "docx"), "docx"))
    assert "nothing has been reported" in words and "No budget has been recorded." in words
    _, words = docx_text(download(officer, highlight_url(bare, open_quarter, "docx"), "docx"))
    assert "The programme has no objectives." in words


# --- queries ----------------------------------------------------------------------------------------

def test_the_query_count_does_not_grow_with_the_programme(officer, directorate, area_a, open_quarter,
                                                          django_assert_max_num_queries):
    small = strengthening_families(directorate, area_a, open_quarter, size=1, name="Small")
    large = strengthening_families(directorate, area_a, open_quarter, size=4, name="Large")
    counts = {}
    for name, programme in (("small", small), ("large", large)):
        for url in (highlight_url(programme, open_quarter, "xlsx"), closure_url(programme, "xlsx")):
            with django_assert_max_num_queries(60) as captured:
                download(officer, url, "xlsx")
            counts[(name, url.rsplit("/", 1)[-1])] = len(captured.captured_queries)
    assert counts[("large", "highlight.xlsx")] <= counts[("small", "highlight.xlsx")]
    assert counts[("large", "closure.xlsx")] <= counts[("small", "closure.xlsx")]

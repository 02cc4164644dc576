"""The register PDF carries the corporate risk performance summary for open risks: the five quarters to the
register's, each cell "L x I = rating" with its travel in words, the same figures as the summary page
(/risks/summary/) shows, in natural reference order, after the register and before the scoring matrix (as the
committee's paper orders them); an exempt risk's owner and scores only in the exempt appendix; the queries
flat however many risks."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisation import roles
from organisation.models import Directorate, ReportingPeriod
from organisation.ordering import natural
from risks.models import Risk
from tests.conftest import client_for, make_user
from tests.packs.test_packs import flat, pdf_pages
from tests.risks.conftest import make_risk, review

HEADING = "Corporate risk performance summary for open risks"
Q1 = "2019/20 Q1"
EXEMPT_OWNER = "Head of Confidential Casework"


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())


@pytest.fixture
def officer(demo):
    return client_for(make_user("pdf.officer", roles.PERFORMANCE_OFFICER))


@pytest.fixture
def audit(demo):
    return client_for(make_user("pdf.audit", roles.AUDIT_COMMITTEE))


@pytest.fixture
def exempt_risk(demo):
    """An exempt corporate risk with an owner no other risk has, reviewed in the open quarter."""
    risk = make_risk("CRR31", Directorate.objects.get(name="People"), exempt=True, exempt_paragraph=3,
                     title="Commercial dispute", risk_owner=EXEMPT_OWNER)
    review(risk, Q1, 3, 5, (2, 5))
    return risk


def _pdf_text(client, query: str = "") -> str:
    response = client.get(f"/risks/export.pdf{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return flat(" ".join(pdf_pages(response.content)))


def _summary_part(text: str) -> str:
    """The summary section of the PDF's text: from its heading to the scoring matrix."""
    assert text.count(HEADING) == 1
    start = text.index(HEADING)
    end = text.index("Scoring matrix and criteria")
    assert start < end  # after the register, before the matrix
    assert text.index("Risk title and description") < start
    return text[start:end]


def _web_cells(client, reference: str, query: str = "") -> tuple[list[str], list[tuple[str, str]]]:
    """The summary page's quarters and, for one risk, each quarter's "L x I = rating" (or "No review") and
    travel word, read from the page's context."""
    response = client.get(f"/risks/summary/{query}")
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r.risk.reference == reference)
    cells = [("No review", "") if rating is None else (scored, travel.value)
             for _, rating, travel, scored in row.history]
    return response.context["labels"], cells


def _row_text(part: str, reference: str, following: str | None) -> str:
    start = part.index(f"{reference} ")
    return part[start:part.index(f"{following} ", start)] if following else part[start:]


def _demo_references() -> list[str]:
    return sorted(Risk.objects.filter(status=Risk.Status.OPEN, register="corporate").values_list(
        "reference", flat=True), key=natural)


@pytest.mark.parametrize("who", ["officer", "audit"])
@pytest.mark.parametrize("period", ["", Q1])
def test_the_register_pdf_shows_the_summary_pages_five_quarters(request, who, period, exempt_risk):
    client = request.getfixturevalue(who)
    query = f"?period={ReportingPeriod.for_label(period).slug}" if period else ""
    part = _summary_part(_pdf_text(client, query))
    references = [ref for ref in _demo_references()
                  if f"{ref} " in part]  # the quarter's register: CRR31 is on the open quarter's only
    assert {"CRR9", "CRR10", "CRR23"} <= set(references)
    # Natural reference order: CRR9 before CRR10 (not CRR10, CRR23, CRR9 as text sorts them).
    positions = [part.index(f"{ref} ") for ref in references]
    assert positions == sorted(positions)
    assert part.index("CRR9 ") < part.index("CRR10 ")
    labels, cells = _web_cells(client, "CRR9", query)
    assert len(labels) == 5
    header = part[part.index("Risk owner"):part.index("CRR9 ")]
    assert header.split()[2:] == " ".join(labels).split()  # the same quarter columns, in the same order
    row = _row_text(part, "CRR9", references[references.index("CRR9") + 1])
    assert "Safeguarding vulnerable children" in row
    assert "Executive Director, Adults, Children and Education" in row  # the owner
    # Every quarter's cell as the summary page gives it, in the quarters' order.
    at = 0
    for text, travel in cells:
        at = row.index(text, at) + len(text)
        if travel:
            at = row.index(travel, at) + len(travel)
    assert any(" x " in text for text, _ in cells)  # at least one cell is "L x I = rating"


def test_the_demo_risks_row_for_its_reported_quarter(audit):
    """The demo as it opens (2018/19 Q4, the last quarter reported): CRR9 rated 2 x 7 = 14, new that quarter."""
    part = _summary_part(_pdf_text(audit))
    row = _row_text(part, "CRR9", "CRR10")
    assert row.count("No review") == 4
    assert "2 x 7 = 14" in row and "New" in row
    assert "2017/18 Q4" in part and "2018/19 Q4" in part


def test_an_exempt_risks_owner_and_scores_are_only_in_the_exempt_appendix(officer, audit, exempt_risk):
    query = f"?period={ReportingPeriod.for_label(Q1).slug}"
    for client in (officer, audit):
        text = _pdf_text(client, query)
        part = _summary_part(text)
        row = _row_text(part, "CRR31", None)
        assert "Commercial dispute" in row  # named by reference and title
        assert EXEMPT_OWNER not in text  # nowhere in the public PDF
        assert "3 x 5" not in row and "15" in row  # the rating only
        appendix = _summary_part(_pdf_text(client, query + "&part=exempt"))
        row = _row_text(appendix, "CRR31", None)
        assert EXEMPT_OWNER in row and "3 x 5 = 15" in row
        assert "CRR9 " not in appendix  # the appendix summarises the exempt risks it lists


def test_a_narrowed_register_summarises_the_risks_it_lists(officer, exempt_risk):
    query = f"?period={ReportingPeriod.for_label(Q1).slug}&q=Safeguarding"
    part = _summary_part(_pdf_text(officer, query))
    assert "CRR9 " in part and "CRR10 " in part
    assert "CRR23 " not in part and "CRR31 " not in part


def _add_risks(n: int, start: int) -> None:
    directorate = Directorate.objects.get(name="People")
    for i in range(start, start + n):
        risk = make_risk(f"CRR{100 + i}", directorate, risk_owner=f"Owner {i}")
        review(risk, "2019/20 Q1", 1 + i % 4, 1 + (i * 3) % 7)


def _queries(client, query: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        text = _pdf_text(client, query)
    return len(captured.captured_queries), text


def test_the_pdf_downloads_queries_do_not_grow_with_the_risks(officer, settings):
    settings.SUMMARY_CACHE_SECONDS = 0  # the download built each time, not read from the cache
    query = f"?period={ReportingPeriod.for_label(Q1).slug}"
    _add_risks(3, 0)
    few, text = _queries(officer, query)
    assert "CRR102 " in _summary_part(text)
    _add_risks(30, 3)
    many, text = _queries(officer, query)
    part = _summary_part(text)
    assert "CRR132 " in part and part.index("CRR100 ") < part.index("CRR132 ")
    assert many == few

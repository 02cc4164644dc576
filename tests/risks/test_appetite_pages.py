"""Risk appetite end to end: the categories (the Orange Book's, by default), a category's boundary set by the
performance officer, each risk judged inside or outside it (stored, frozen with a locked quarter), shown on
the risk page, the register filter and the appetite page; each role allowed or refused."""

import io

import pytest
from django.core.management import call_command

from organisation import services as organisation_services
from organisation.models import AuditEvent, ReportingPeriod
from risks.models import CategoryAppetite, Judgement, RiskCategory


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())


def test_the_orange_book_categories_are_there_by_default(db):
    names = set(RiskCategory.objects.values_list("name", flat=True))
    assert {"Strategy", "Governance", "Operations", "Legal", "Property", "Financial", "Commercial", "People",
            "Technology", "Information", "Security", "Project and programme", "Reputational",
            "Safeguarding"} <= names


def _judged(reference, label="2019/20 Q1"):
    return Judgement.objects.get(risk__reference=reference, quarter=ReportingPeriod.for_label(label))


def test_crr9_is_outside_the_averse_safeguarding_appetite(demo):
    judged = _judged("CRR9")
    assert judged.outside_appetite and judged.appetite_level == "averse" and judged.appetite_source == "category"
    assert not _judged("CRR23").outside_appetite or _judged("CRR23").appetite_level == "open"


@pytest.mark.parametrize("persona", ["officer", "executive", "audit"], indirect=True)
def test_readers_see_the_appetite_page_and_the_risk_page_says_it(persona, demo):
    page = persona.get("/risks/appetite/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Safeguarding: Averse" in body and "outside appetite" in body
    risk = persona.get("/risks/CRR9/").content.decode()
    assert "Category and appetite" in risk and "Averse (the Safeguarding category" in risk
    assert "Outside appetite" in risk


def test_the_register_filters_by_appetite(executive, demo):
    outside = executive.get("/risks/?period=2019-20-Q1&level=corporate&appetite=outside").content.decode()
    assert "CRR9" in outside and "CRR10" in outside
    inside = executive.get("/risks/?period=2019-20-Q1&level=corporate&appetite=inside").content.decode()
    assert "CRR9:" not in inside and ">CRR9<" not in inside


@pytest.mark.parametrize("persona", ["executive", "audit", "manager_a", "outsider"], indirect=True)
def test_only_the_performance_officer_sets_appetite(persona, demo):
    category = RiskCategory.objects.get(name="Safeguarding")
    assert persona.get(f"/risks/appetite/{category.pk}/").status_code in (403, 302)
    response = persona.post(f"/risks/appetite/{category.pk}/", {"name": "Safeguarding", "level": "eager",
                                                                "active": "on", "boundary": "level"})
    assert response.status_code in (403, 302)
    assert RiskCategory.objects.get(pk=category.pk).level == "averse"


def test_the_officer_draws_a_boundary_and_open_quarters_are_judged_again(officer, demo):
    category = RiskCategory.objects.get(name="Safeguarding")
    cells = ["1-1", "1-3", "2-1", "2-3", "2-5", "2-7"]  # 2 x 7 inside now
    response = officer.post(f"/risks/appetite/{category.pk}/", {
        "name": "Safeguarding", "level": "averse", "active": "on", "boundary": "drawn", "cell": cells,
        "reason": "Agreed by the audit committee"})
    assert response.status_code == 302
    assert sorted(CategoryAppetite.objects.get(category=category).cells) == sorted(
        [list(map(int, c.split("-"))) for c in cells])
    assert not _judged("CRR9").outside_appetite
    event = AuditEvent.objects.filter(object_type="Risk category").latest("pk")
    assert "cells inside appetite" in event.detail and event.reason == "Agreed by the audit committee"


def test_a_locked_quarter_keeps_the_appetite_it_was_judged_against(officer, officer_user, demo):
    quarter = ReportingPeriod.for_label("2019/20 Q1")
    organisation_services.period_lock(user=officer_user, period=quarter, sign_off_submitted=True)
    assert _judged("CRR9").outside_appetite
    category = RiskCategory.objects.get(name="Safeguarding")
    officer.post(f"/risks/appetite/{category.pk}/", {"name": "Safeguarding", "level": "eager", "active": "on",
                                                     "boundary": "level"})
    assert RiskCategory.objects.get(pk=category.pk).level == "eager"
    judged = _judged("CRR9")
    assert judged.outside_appetite and judged.appetite_level == "averse"  # as reported


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "", "level": "averse"}, "This field is required"),
    ({"name": "Safeguarding", "level": "reckless"}, "Select a valid choice"),
    ({"name": "Safeguarding", "level": "averse", "boundary": "drawn", "cell": ["9-9"]}, "is not a cell of the"),
    ({"name": "Financial", "level": "averse"}, "already exists"),
    ({"name": "x" * 300, "level": "averse"}, "at most"),
])
def test_bad_input_is_refused_and_nothing_is_saved(officer, demo, data, message):
    category = RiskCategory.objects.get(name="Safeguarding")
    response = officer.post(f"/risks/appetite/{category.pk}/", {"active": "on", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert RiskCategory.objects.get(pk=category.pk).name == "Safeguarding"
    assert not CategoryAppetite.objects.filter(category=category).exists()


def test_the_appetite_pages_query_count_does_not_grow(executive, demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert executive.get("/risks/appetite/").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for n in range(10):
        RiskCategory.objects.create(name=f"Extra {n}", level="open")
    assert count() <= small


def test_the_heat_map_draws_the_default_boundary_and_counts_those_outside(executive, demo):
    page = executive.get("/risks/heat-map/?period=2019-20-Q1&level=corporate").content.decode()
    assert "inside the council's default appetite (Cautious)" in page
    assert "app-heatmap--appetite" in page and ", inside appetite" in page
    assert "risks outside their appetite" in page


def test_the_risks_export_says_the_appetite_and_whether_outside(demo):
    from risks.resources import export_rows

    data = export_rows(ReportingPeriod.for_label("2019/20 Q1"))
    rows = {row["reference"]: row for row in data.dict}
    assert rows["CRR9"]["category"] == "Safeguarding"
    assert rows["CRR9"]["appetite"] == "averse" and rows["CRR9"]["outside_appetite"] == "yes"
    assert rows["CRR23"]["appetite"] == "open"


def test_the_risk_page_shows_the_controls_effect(officer, directorate, area_a, open_quarter):
    from tests.risks.conftest import make_risk, review

    risk = make_risk("CRR55", directorate, area_a)
    review(risk, open_quarter.label, 2, 5, inherent_likelihood=4, inherent_impact=7)
    page = officer.get("/risks/CRR55/").content.decode()
    assert "Inherent (before controls) 4 &times; 7 = 28; controls reduce it by 18" in page


def test_the_pack_lists_the_risks_outside_appetite_in_pdf_and_word(demo):
    from datetime import date

    from packs import content, services
    from packs.models import Committee
    from tests.packs.test_packs import docx_text, flat, pdf_pages

    built = services.build(quarter=ReportingPeriod.for_label("2019/20 Q1"),
                           committee=Committee.objects.get(name="People Scrutiny Commission"),
                           meeting_date=date(2019, 10, 14), directorate=None, draft=True)
    assert [ref for ref, _, _ in built.risks.outside_appetite] == ["CRR9", "CRR10"]
    pdf = flat(" ".join(pdf_pages(services.render(built, content.PART_A, "pdf"))))
    assert "Risks outside appetite" in pdf and "CRR9 Safeguarding vulnerable children: outside the averse" in pdf
    word = flat(docx_text(services.render(built, content.PART_A, "docx")))
    assert "CRR10 Safeguarding adults at risk: outside the averse appetite for its category" in word

"""Key risk indicators: a risk linked to the council's own indicators shows their recent status, and a linked
indicator reading Red prompts a review of the risk until it is reviewed in a later quarter."""

import io

import pytest
from django.core.management import call_command

from kpis.models import Indicator
from organisation.models import AuditEvent, ReportingPeriod
from risks import appetite, queries
from risks.models import Risk


@pytest.mark.parametrize(("reds", "last", "prompted"), [
    ([], None, False), ([], (2019, 1), False), ([(2019, 1)], None, True), ([(2019, 1)], (2018, 4), True),
    ([(2019, 1)], (2019, 1), True),  # reviewed in the same quarter: still prompted (a later quarter clears it)
    ([(2019, 1)], (2019, 2), False), ([(2018, 2), (2019, 1)], (2018, 3), True), ([None], None, False)])
def test_the_prompt_and_its_clearing(reds, last, prompted):
    assert appetite.review_prompted(reds, last) is prompted


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())


def test_the_demos_crr9_is_prompted_by_dpe006_and_dpe007(demo):
    quarter = ReportingPeriod.for_label("2019/20 Q1")
    crr9 = Risk.objects.get(reference="CRR9")
    assert set(crr9.indicators.values_list("code", flat=True)) == {"DPE006", "DPE007"}
    assert sorted(queries.reviews_prompted([crr9.pk], quarter)[crr9.pk]) == ["DPE006", "DPE007"]


@pytest.mark.parametrize("persona", ["officer", "executive", "audit"], indirect=True)
def test_the_risk_page_shows_them_and_the_prompt(persona, demo):
    page = persona.get("/risks/CRR9/").content.decode()
    assert "Key risk indicators" in page and "DPE006" in page and "DPE007" in page
    assert "Review prompted: DPE006, DPE007" in page


def test_the_officer_links_and_unlinks_and_it_is_audited(officer, demo):
    response = officer.post("/risks/CRR9/indicators/", {"indicators": "dpe006; BCP212"})
    assert response.status_code == 302
    assert set(Risk.objects.get(reference="CRR9").indicators.values_list("code", flat=True)) == {"DPE006", "BCP212"}
    event = AuditEvent.objects.filter(object_label="CRR9", detail__startswith="key risk indicators").latest("pk")
    assert "linked BCP212" in event.detail and "unlinked DPE007" in event.detail


@pytest.mark.parametrize("codes", ["NOPE1", "DPE006, NOPE2", "x" * 3000])
def test_an_unknown_code_changes_nothing(officer, demo, codes):
    officer.post("/risks/CRR9/indicators/", {"indicators": codes})
    assert set(Risk.objects.get(reference="CRR9").indicators.values_list("code", flat=True)) == {"DPE006", "DPE007"}


@pytest.mark.parametrize("role", ["Executive", "Audit committee", "Service manager"])
def test_only_the_performance_officer_links_them(demo, role):
    from organisation.models import ServiceArea
    from tests.conftest import client_for, make_user

    areas = [ServiceArea.objects.get(name__startswith="Children")] if role == "Service manager" else []
    persona = client_for(make_user(f"kri.{role.split()[0].lower()}", role, areas=areas))
    assert persona.post("/risks/CRR9/indicators/", {"indicators": "BCP212"}).status_code in (403, 404)
    assert set(Risk.objects.get(reference="CRR9").indicators.values_list("code", flat=True)) == {"DPE006", "DPE007"}


def test_the_export_says_review_prompted(demo):
    from risks.resources import export_rows

    rows = {row["reference"]: row for row in export_rows(ReportingPeriod.for_label("2019/20 Q1")).dict}
    assert rows["CRR9"]["review_prompted"] == "yes" and rows["CRR10"]["review_prompted"] == "no"


def test_the_reads_do_not_grow_with_the_links(demo, django_assert_max_num_queries):
    quarter = ReportingPeriod.for_label("2019/20 Q1")
    ids = list(Risk.objects.values_list("pk", flat=True))
    with django_assert_max_num_queries(3):
        queries.reviews_prompted(ids, quarter)
    for risk in Risk.objects.all():
        risk.indicators.set(Indicator.objects.all()[:10])
    with django_assert_max_num_queries(3):
        queries.reviews_prompted(ids, quarter)


def test_the_owners_task_says_the_review_is_prompted(demo):
    from organisation import clock
    from organisation import tasks as task_lists

    titles = [t.title for t in task_lists.all_tasks(clock.today()) if t.kind == "review"]
    assert any("CRR9" in t and "review prompted: DPE006, DPE007 Red" in t for t in titles)


def test_the_register_marks_a_prompted_review(executive, demo):
    body = executive.get("/risks/?period=2019-20-Q1&level=corporate").content.decode()
    assert "Review prompted" in body and "DPE006, DPE007 Red" in body

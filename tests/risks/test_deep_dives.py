"""Deep dives: risks outside appetite or target for three quarters or more running, with their history,
controls, actions and key risk indicators on one page; a locked quarter as reported; exempt detail only to
those who may read it."""

import pytest

from organisation import services as organisation_services
from organisation.models import ReportingPeriod
from risks import appetite
from risks.models import RiskAction, RiskCategory
from tests.risks.conftest import make_risk, review


@pytest.mark.parametrize(("flags", "run"), [([], 0), ([True], 1), ([True, False], 0), ([False, True, True], 2),
                                            ([True, None, True, True, True], 3), ([None], 0)])
def test_quarters_running(flags, run):
    assert appetite.quarters_running(flags) == run


QUARTERS = ["2018/19 Q3", "2018/19 Q4", "2019/20 Q1"]


@pytest.fixture
def long_outside(directorate, area_a, open_quarter, db):
    for label in QUARTERS:
        ReportingPeriod.for_label(label)
    RiskCategory.objects.filter(name="Safeguarding").update(level="averse")
    risk = make_risk("CRR9", directorate, area_a, category="Safeguarding", risk_owner="Director of Children")
    short = make_risk("CRR10", directorate, area_a)
    for label in QUARTERS:
        review(risk, label, 2, 7, controls="Quarterly audit of case files")
    review(short, "2019/20 Q1", 2, 7)
    RiskAction.objects.create(risk=risk, description="Recruit six social workers", owner="Head of service")
    from risks import judging

    judging.refresh(quarters=[ReportingPeriod.for_label(q) for q in QUARTERS])
    return risk


@pytest.mark.parametrize("persona", ["officer", "executive", "audit"], indirect=True)
def test_readers_see_the_long_standing_ones_only(persona, long_outside, open_quarter):
    page = persona.get(f"/risks/deep-dives/?period={open_quarter.slug}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "CRR9" in body and "Recruit six social workers" in body and "Quarterly audit of case files" in body
    assert ">CRR10<" not in body  # outside for one quarter only
    assert "Outside appetite (Averse) for" in body or "Outside its target for" in body


def test_an_exempt_risks_detail_is_kept_from_a_manager(manager_a, long_outside, open_quarter):
    long_outside.exempt = True
    long_outside.exempt_paragraph = 3
    long_outside.save()
    from risks import judging

    judging.refresh(quarters=[open_quarter])
    body = manager_a.get(f"/risks/deep-dives/?period={open_quarter.slug}").content.decode()
    assert "Quarterly audit of case files" not in body and "Director of Children" not in body
    assert "2 &times; 7" not in body


def test_nothing_listed_says_so(executive, open_quarter):
    body = executive.get(f"/risks/deep-dives/?period={open_quarter.slug}").content.decode()
    assert "No risk has been outside its appetite or its target for three quarters" in body


def test_the_query_count_does_not_grow(executive, long_outside, directorate, area_a, open_quarter):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert executive.get(f"/risks/deep-dives/?period={open_quarter.slug}").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for n in range(8):
        risk = make_risk(f"DD{n}", directorate, area_a)
        for label in QUARTERS:
            review(risk, label, 2, 7)
    from risks import judging

    judging.refresh(quarters=[ReportingPeriod.for_label(q) for q in QUARTERS])
    assert count() <= small


def test_a_locked_quarter_lists_what_it_reported(executive, officer_user, long_outside, open_quarter):
    organisation_services.period_lock(user=officer_user, period=open_quarter, sign_off_submitted=True)
    RiskCategory.objects.filter(name="Safeguarding").update(level="eager")  # later, and not through a service
    body = executive.get(f"/risks/deep-dives/?period={open_quarter.slug}").content.decode()
    assert "CRR9" in body and "Outside appetite (Averse)" in body

"""No error from any record (issue 18): an indicator, risk, category, service area or directorate created
after a quarter was locked is shown for that quarter as not part of it (or left out), never a server error,
for every role that reads it."""

from __future__ import annotations

import pytest

from kpis.models import Indicator
from organisation import roles
from organisation import services as organisation_services
from organisation.models import Directorate, ReportingPeriod, ServiceArea
from placements.models import PlacementCategory, PlacementHeading
from tests.conftest import client_for, make_user
from tests.kpis.conftest import make_indicator
from tests.risks.conftest import make_risk, review

LOCKED = "2019-20-Q1"


@pytest.fixture
def created_after(directorate, area_a, open_quarter):
    officer = make_user("lock-officer", roles.PERFORMANCE_OFFICER)
    make_indicator(area_a, "DPE007")
    review(make_risk("CRR9", directorate, area_a), "2019/20 Q1")
    organisation_services.period_lock(user=officer, period=open_quarter, sign_off_submitted=True)
    ReportingPeriod.for_label("2019/20 Q2")
    later = Directorate.objects.create(name="Growth")
    new_area = ServiceArea.objects.create(directorate=later, name="Regeneration")
    make_indicator(new_area, "NEW1")
    make_risk("CRR99", later, new_area)
    heading = PlacementHeading.objects.create(name="New heading", order=9)
    PlacementCategory.objects.create(heading=heading, name="New category", provision="external", order=9)
    return new_area


@pytest.mark.parametrize("role", [roles.PERFORMANCE_OFFICER, roles.EXECUTIVE, roles.AUDIT_COMMITTEE,
                                  roles.SERVICE_MANAGER])
def test_records_created_after_the_lock_never_break_a_locked_quarters_pages(created_after, role):
    client = client_for(make_user(f"reader-{role}", role, areas=[created_after]))
    area = created_after.pk
    urls = [
        f"/performance/?period={LOCKED}", f"/performance/service-areas/{area}/?period={LOCKED}",
        f"/performance/indicators/NEW1/?period={LOCKED}", f"/performance/entry/{LOCKED}/{area}/",
        f"/performance/report/{LOCKED}.xlsx", f"/performance/report/{LOCKED}.csv",
        f"/risks/?period={LOCKED}", f"/risks/CRR99/?period={LOCKED}", f"/risks/heat-map/?period={LOCKED}",
        f"/risks/summary/?period={LOCKED}", f"/risks/export.csv?period={LOCKED}",
        f"/risks/export.xlsx?period={LOCKED}", f"/risks/export.pdf?period={LOCKED}",
        f"/placements/?period={LOCKED}", f"/placements/report.xlsx?period={LOCKED}",
        f"/placements/entry/{LOCKED}/", f"/?period={LOCKED}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), f"{url}: {response.status_code}"
    if role != roles.SERVICE_MANAGER:
        page = client.get(f"/performance/indicators/NEW1/?period={LOCKED}").content.decode()
        assert "was not part of" in page
    assert Indicator.objects.filter(code="NEW1").exists()


def test_the_locked_quarter_is_the_one_shown(created_after, officer):
    register = officer.get(f"/risks/?period={LOCKED}").content.decode()
    assert "CRR99" not in register and "CRR9" in register
    dashboard = officer.get(f"/performance/?period={LOCKED}").content.decode()
    assert "NEW1" not in dashboard and "DPE007" in dashboard

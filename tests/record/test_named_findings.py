"""Two findings of issue 18 held by name (the record machine holds them among random steps too): unticking
"exempt" after the lock puts no Part B detail into the locked quarter's public register or a later pack, and a
locked year's benchmarks refuse changes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kpis import services as kpi_services
from organisation import roles
from organisation import services as organisation_services
from organisation.models import ReportingPeriod
from organisation.records import RecordError
from packs import content as pack_content
from packs.models import Committee
from risks import services as risk_services
from risks.models import Risk
from tests.conftest import make_user
from tests.kpis.conftest import make_indicator
from tests.risks.conftest import make_risk, review
from tests.urlwalk import readable_text

SECRET = "Zqxpartbdetail"


@pytest.fixture
def locked_with_exempt(directorate, area_a, open_quarter):
    officer = make_user("exempt-officer", roles.PERFORMANCE_OFFICER)
    risk = make_risk("CRR20", directorate, area_a, exempt=True, exempt_paragraph=3,
                     description=f"{SECRET} description", causes=f"{SECRET} causes")
    review(risk, "2019/20 Q1", controls=f"{SECRET} controls", actions=f"{SECRET} actions")
    organisation_services.period_lock(user=officer, period=open_quarter, sign_off_submitted=True)
    risk = Risk.objects.get(pk=risk.pk)
    risk.exempt = False
    risk_services.risk_save(user=officer, risk=risk)  # unticked after the lock
    return officer


def test_unticking_exempt_after_the_lock_keeps_the_detail_out_of_that_quarters_part_a(locked_with_exempt, audit):
    for url in ("/risks/export.csv?period=2019-20-Q1", "/risks/export.xlsx?period=2019-20-Q1",
                "/risks/export.pdf?period=2019-20-Q1", "/risks/?period=2019-20-Q1"):
        response = audit.get(url)
        assert response.status_code == 200
        assert SECRET not in readable_text(response), url
    part_b = readable_text(audit.get("/risks/export.pdf?period=2019-20-Q1&part=exempt"))
    assert SECRET in part_b and "CRR20" in part_b
    quarter = ReportingPeriod.for_label("2019/20 Q1")
    pack = pack_content.build(quarter=quarter, committee=Committee.objects.get(name="Audit Committee"),
                              meeting_date=date(2019, 10, 14), directorate=None)
    assert [line.reference for line in pack.exempt] == ["CRR20"]


def test_a_locked_years_benchmarks_refuse_changes_and_a_blank_may_be_filled(area_a, db):
    officer = make_user("bench-officer", roles.PERFORMANCE_OFFICER)
    indicator = make_indicator(area_a, "DPE007")
    year = ReportingPeriod.for_label("2018/19")
    kpi_services.comparator_set(user=officer, indicator=indicator, year=year, values={"england": Decimal("40")})
    for n in range(1, 5):
        quarter = ReportingPeriod.for_label(f"2018/19 Q{n}")
        organisation_services.period_lock(user=officer, period=quarter, sign_off_submitted=True)
    with pytest.raises(RecordError, match="its england benchmark stays as reported"):
        kpi_services.comparator_set(user=officer, indicator=indicator, year=year, values={"england": Decimal("41")})
    kpi_services.comparator_set(user=officer, indicator=indicator, year=year,
                                values={"england": Decimal("40"), "regional": Decimal("38")})
    assert indicator.comparators.get().regional == Decimal("38")

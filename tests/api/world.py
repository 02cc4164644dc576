"""A small council for the API's tests: two service areas, an indicator each, risks on every register (one
exempt), controls, internal audit recommendations, a placement snapshot and two programmes with objectives,
assessments and savings, in the open quarter 2019/20 Q1 and the locked 2018/19 Q4."""

from __future__ import annotations

from decimal import Decimal

from kpis.models import Actual, Indicator, Target
from organisation.models import ReportingPeriod
from placements.models import PlacementCategory, PlacementHeading, PlacementSnapshot
from programmes.models import Assessment, Objective, Programme, Saving
from risks.models import AuditRecommendation, ControlReview
from tests.risks.conftest import make_risk, review

SECRET = "Part B only: the provider named in the safeguarding case"


def build(directorate, area_a, area_b, open_quarter, *, extra: int = 0) -> dict:
    """The world, with ``extra`` more indicators, risks, controls, recommendations, placement categories and
    programmes (for the query-count tests)."""
    year = ReportingPeriod.for_label("2019/20")
    indicators = []
    for n in range(2 + extra):
        area = area_a if n % 2 == 0 else area_b
        indicator = Indicator.objects.create(code=f"DPE{n + 1:03d}", title=f"Indicator {n + 1}", service_area=area,
                                             polarity="higher", unit="percent")
        Target.objects.create(indicator=indicator, period=year, value=Decimal(90))
        Actual.objects.create(indicator=indicator, period=open_quarter, value=Decimal(70 + n), state="submitted")
        indicators.append(indicator)
    risks = {
        "CRR9": make_risk("CRR9", directorate, area_a, register="corporate"),
        "CRR5": make_risk("CRR5", directorate, area_a, register="corporate", exempt=True, description=SECRET,
                          causes=SECRET, risk_owner=SECRET),
        "DRR1": make_risk("DRR1", directorate, area_b, register="directorate"),
        "SRR1": make_risk("SRR1", directorate, area_a, register="service"),
        "SRR2": make_risk("SRR2", directorate, area_b, register="service"),
    }
    for n in range(extra):
        risks[f"SRX{n}"] = make_risk(f"SRX{n}", directorate, area_a if n % 2 else area_b, register="service")
    for reference, risk in risks.items():
        secret = SECRET if reference == "CRR5" else "Controls in place"
        review(risk, "2019/20 Q1", 3, 4, (2, 2), controls=secret, actions=secret)
        ControlReview.objects.create(risk=risk, period=open_quarter, control=f"{reference} control",
                                     owner=SECRET if reference == "CRR5" else "Owner", line=2)
    first = AuditRecommendation.objects.create(source="Internal audit 2018/19", recommendation="Check costs",
                                               owner="Head of service")
    first.risks.set([risks["SRR1"]])
    second = AuditRecommendation.objects.create(source="Internal audit 2018/19", recommendation="Train staff")
    second.risks.set([risks["SRR2"]])
    for n in range(extra):
        found = AuditRecommendation.objects.create(source="Internal audit 2019/20", recommendation=f"Item {n}")
        found.risks.set([risks["SRR1"], risks["CRR5"]])
    heading = PlacementHeading.objects.create(name="Foster Care", is_foster_care=True)
    for n in range(1 + extra):
        category = PlacementCategory.objects.create(heading=heading, name=f"In-house {n}", provision="in_house")
        PlacementSnapshot.objects.create(period=open_quarter, category=category, children=3,
                                         average_weekly_cost=Decimal(300))
    programmes = build_programmes(directorate, area_a, area_b, open_quarter, extra=extra)
    return {"indicators": indicators, "risks": risks, "programmes": programmes}


def build_programmes(directorate, area_a, area_b, open_quarter, *, extra: int = 0) -> dict:
    """Better Lives (area A: savings reported in 2019/20 Q1 for 2019/20 and 2020/21, one of them at risk; two
    objectives, one assessed in both quarters) and Digital Council (area B, tolerance 5%: a saving only in the
    locked 2018/19 Q4, 10% short so Undeliverable), and ``extra`` more programmes each with a saving line and an
    assessed objective."""
    locked = ReportingPeriod.objects.filter(year=2018, quarter=4).first()
    year, next_year = ReportingPeriod.for_label("2019/20"), ReportingPeriod.for_label("2020/21")
    better = Programme.objects.create(name="Better Lives", directorate=directorate, service_area=area_a,
                                      sponsor="Director of People", senior_responsible_owner="Sam Owner",
                                      manager="Pat Manager", status="running")
    one = Objective.objects.create(programme=better, number=1, objective="Fewer children in residential care")
    Objective.objects.create(programme=better, number=2, objective="More foster carers recruited")
    Assessment.objects.create(objective=one, period=open_quarter, rag="At risk", state="submitted")
    # By the rules: On track (forecast meets the plan), then At risk (10% short, inside the 15% tolerance).
    Saving.objects.create(programme=better, year=year, period=open_quarter, planned=Decimal("1000000.00"),
                          forecast=Decimal("1000000.00"), delivered=Decimal("250000.50"), owner="Head of care",
                          forum="Programme board")
    Saving.objects.create(programme=better, year=next_year, period=open_quarter, planned=Decimal("500000.00"),
                          forecast=Decimal("450000.00"), owner="Head of care", forum="Programme board")
    digital = Programme.objects.create(name="Digital Council", directorate=directorate, service_area=area_b,
                                       status="mandated", savings_tolerance=Decimal(5))
    if locked is not None:
        Assessment.objects.create(objective=one, period=locked, rag="On track", state="signed_off")
        Saving.objects.create(programme=digital, year=ReportingPeriod.for_label("2018/19"), period=locked,
                              planned=Decimal("200000.00"), forecast=Decimal("180000.00"), owner="CIO")
    more = []
    for n in range(extra):
        found = Programme.objects.create(name=f"Programme {n:03d}", directorate=directorate,
                                         service_area=area_a if n % 2 else area_b)
        objective = Objective.objects.create(programme=found, number=1, objective=f"Objective {n}")
        Assessment.objects.create(objective=objective, period=open_quarter, rag="On track")
        Saving.objects.create(programme=found, year=year, period=open_quarter, planned=Decimal(1000 + n),
                              forecast=Decimal(900), rag="At risk" if n % 3 == 0 else "")
        more.append(found)
    return {"Better Lives": better, "Digital Council": digital, "more": more}

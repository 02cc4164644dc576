import pytest

from organisation.models import ReportingPeriod
from risks.models import Risk, RiskReview


def make_risk(reference, directorate, area=None, *, register="corporate", kind="threat", exempt=False, **extra):
    fields = {"title": f"Risk {reference}", "description": "What could happen", "causes": "Why",
              "risk_owner": "Director"} | extra
    return Risk.objects.create(reference=reference, directorate=directorate, service_area=area, register=register,
                               kind=kind, exempt=exempt, **fields)


def review(risk, label, likelihood=2, impact=7, tolerance=(1, 7), **extra):
    return RiskReview.objects.create(risk=risk, period=ReportingPeriod.for_label(label), likelihood=likelihood,
                                     impact=impact, tolerance_likelihood=tolerance[0],
                                     tolerance_impact=tolerance[1], **({"controls": "Controls", "actions": "Actions"} | extra))


@pytest.fixture
def corporate_risk(directorate, area_a, open_quarter, locked_quarter):
    risk = make_risk("CRR9", directorate, area_a)
    review(risk, "2018/19 Q4")
    return risk


@pytest.fixture
def service_risk(directorate, area_a, open_quarter, locked_quarter):
    risk = make_risk("SRR1", directorate, area_a, register="service")
    review(risk, "2018/19 Q4", 3, 5, (2, 3))
    return risk


@pytest.fixture
def other_service_risk(directorate, area_b, open_quarter, locked_quarter):
    risk = make_risk("SRR2", directorate, area_b, register="service")
    review(risk, "2018/19 Q4", 1, 1, (1, 1))
    return risk

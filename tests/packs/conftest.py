import pytest

from tests.risks.conftest import make_risk, review


@pytest.fixture
def corporate_risk(directorate, area_a, open_quarter, locked_quarter):
    risk = make_risk("CRR9", directorate, area_a)
    review(risk, "2018/19 Q4")
    return risk

"""Issue 11, "Why": one weekly cost of 100000000 took down the executive's home page and
the placements report; a "/" in a risk reference or indicator code, or a period such as
2100/01 Q4, did the same to the registers, the dashboard and the periods page."""

import pytest

from kpis.models import Indicator
from organisation.models import ReportingPeriod
from placements.models import PlacementSnapshot
from risks.models import Risk
from tests.record.support import error_summary, text, upload_and_confirm

# --- 10. a weekly cost of 100000000 -------------------------------------------------------


def test_a_weekly_cost_of_100000000_on_the_placements_form_is_refused_naming_the_weekly_cost(
        manager_a, executive, area_a, open_quarter, foster_care):
    prefix = f"c{foster_care.pk}"
    response = manager_a.post(f"/placements/entry/{open_quarter.slug}/", {
        f"{prefix}-children": "3", f"{prefix}-weekly_cost": "100000000", f"{prefix}-version": "0",
    })
    assert executive.get("/home/").status_code == 200
    assert executive.get("/placements/").status_code == 200
    assert not PlacementSnapshot.objects.exists()
    assert response.status_code == 200
    assert "weekly cost" in error_summary(text(response)).lower()


def test_a_placements_import_with_a_weekly_cost_of_100000000_is_a_row_error_on_that_column(
        officer, executive, open_quarter):
    page, confirm_offered = upload_and_confirm(officer, "placements", "placements.csv",
                                               "period,heading,category,children,average_weekly_cost\n"
                                               "2019/20 Q1,Foster Care,In-house foster care,3,100000000\n")
    assert executive.get("/placements/").status_code == 200
    assert not PlacementSnapshot.objects.exists()
    assert 'row 2, column "average_weekly_cost"' in page
    assert not confirm_offered


# --- 11. a "/" in a reference or code --------------------------------------------------

def test_a_slash_in_a_new_risk_reference_is_refused_with_a_message(officer, executive, directorate, area_a,
                                                                    open_quarter):
    response = officer.post("/risks/new/", {
        "reference": "CRR/9", "title": "Safeguarding", "description": "", "causes": "", "consequences": "",
        "kind": "threat", "register": "corporate", "directorate": directorate.pk, "service_area": area_a.pk,
        "risk_owner": "Director", "action_owner": "", "portfolio": "", "strategy_themes": "", "treatment": "treat",
        "date_identified": "",
    })
    assert not Risk.objects.filter(reference="CRR/9").exists()
    assert "reference" in error_summary(text(response)).lower()
    for url in ("/risks/", "/risks/heat-map/"):
        assert executive.get(url).status_code == 200


def test_a_slash_in_a_new_indicator_code_is_refused_with_a_message(officer, executive, area_a, open_quarter):
    response = officer.post("/performance/manage/new/", {
        "code": "DPE/7", "title": "Pathway plans", "description": "", "service_area": area_a.pk,
        "polarity": "higher", "unit": "percent", "precision": "1", "frequency": "quarterly",
        "accumulation": "snapshot", "commitment": "", "tolerance": "", "owner": "", "active": "on",
    })
    assert not Indicator.objects.filter(code="DPE/7").exists()
    assert "code" in error_summary(text(response)).lower()
    assert executive.get("/performance/").status_code == 200


def test_an_indicators_import_with_a_slash_in_the_code_is_a_row_error_on_code(officer, executive, open_quarter):
    page, confirm_offered = upload_and_confirm(
        officer, "indicators", "indicators.csv",
        "code,title,directorate,service_area,polarity,unit,frequency\n"
        "DPE/7,Pathway plans,People,Children & Families Services,higher,percent,quarterly\n")
    assert executive.get("/performance/").status_code == 200
    assert 'row 2, column "code"' in page
    assert not confirm_offered
    assert not Indicator.objects.filter(code="DPE/7").exists()


def test_a_risks_import_with_a_slash_in_the_reference_is_a_row_error_on_reference(officer, executive, open_quarter):
    page, confirm_offered = upload_and_confirm(
        officer, "risks", "risks.csv",
        "reference,title,kind,register,directorate,service_area,period,likelihood,impact,tolerance_likelihood,"
        "tolerance_impact\nCRR/9,Safeguarding,threat,corporate,People,Children & Families Services,2019/20 Q1,"
        "2,7,1,7\n")
    for url in ("/risks/", "/risks/heat-map/"):
        assert executive.get(url).status_code == 200
    assert 'row 2, column "reference"' in page
    assert not confirm_offered
    assert not Risk.objects.filter(reference="CRR/9").exists()


# --- 12. a far-future period ------------------------------------------------------------

FAR_FUTURE_FILES = {
    "targets": "code,period,target\nDPE007,2100/01 Q4,90\n",
    "actuals": "code,period,value\nDPE007,2100/01 Q4,80\n",
    "risks": "reference,title,kind,register,directorate,service_area,period,likelihood,impact,tolerance_likelihood,"
             "tolerance_impact\nCRR9,Safeguarding,threat,corporate,People,Children & Families Services,2100/01 Q4,"
             "2,7,1,7\n",
    "placements": "period,heading,category,children,average_weekly_cost\n"
                  "2100/01 Q4,Foster Care,In-house foster care,3,500\n",
}


@pytest.mark.parametrize("kind", list(FAR_FUTURE_FILES))
def test_an_import_for_2100_01_q4_is_a_row_error_on_period_and_the_pages_still_load(
        officer, executive, dpe007, kind):
    page, confirm_offered = upload_and_confirm(officer, kind, f"{kind}.csv", FAR_FUTURE_FILES[kind])
    assert officer.get("/periods/").status_code == 200
    for url in ("/performance/", "/risks/"):
        assert executive.get(url).status_code == 200
    assert 'row 2, column "period"' in page
    assert not confirm_offered
    assert not ReportingPeriod.objects.filter(year=2100).exists()

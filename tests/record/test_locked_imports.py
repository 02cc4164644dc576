"""Issue 11, "Why": locked, signed-off quarters changed through the web import and
``import_data`` (figures, risk reviews and placement snapshots accepted for locked
quarters; an actuals row without numerator and denominator blanked them; a risks
row blanked the risk's title and owner); annual figures never locked."""

from decimal import Decimal

import pytest

from kpis.models import Actual, Target
from organisation.models import ReportingPeriod
from placements.models import PlacementSnapshot
from risks.models import Risk, RiskReview
from tests.kpis.conftest import make_indicator, set_actual, set_target
from tests.record.support import (
    RISK_COLUMNS,
    error_summary,
    import_command,
    upload_and_confirm,
    write_file,
)
from tests.risks.conftest import make_risk, review

LOCKED_ROW_ERROR = "row 2: 2018/19 Q4 is locked; ask the performance team to reopen it"

# One row per kind for the locked quarter 2018/19 Q4, each changing what was reported.
LOCKED_QUARTER_FILES = {
    "actuals": "code,period,value\nDPE007,2018/19 Q4,99\n",
    "targets": "code,period,target\nDPE007,2018/19 Q4,50\n",
    "risks": RISK_COLUMNS + "\nCRR9,Risk CRR9,What could happen,Why,threat,corporate,People,"
                            "Children & Families Services,Director,,,,2018/19 Q4,4,7,1,7,Controls,Actions\n",
    "placements": "period,heading,category,children,average_weekly_cost\n"
                  "2018/19 Q4,Foster Care,In-house foster care,9,100\n",
}


@pytest.fixture
def reported_quarter(directorate, area_a, open_quarter, locked_quarter, foster_care):
    """2018/19 Q4, locked, with a signed-off figure, a target, a risk review and a placement snapshot."""
    indicator = make_indicator(area_a, "DPE007")
    set_target(indicator, "2018/19 Q4", 90)
    set_actual(indicator, "2018/19 Q4", 75.8, state="signed_off", reported_value=Decimal("75.8"),
               commentary="As reported")
    review(make_risk("CRR9", directorate, area_a), "2018/19 Q4")
    PlacementSnapshot.objects.create(period=locked_quarter, category=foster_care, children=5,
                                     average_weekly_cost=Decimal("100"))
    return locked_quarter


def the_record() -> dict:
    """Everything stored: figures, targets, risk reviews and placement snapshots."""
    return {
        "actuals": list(Actual.objects.order_by("pk").values_list(
            "indicator__code", "period__year", "period__quarter", "value", "numerator", "denominator",
            "commentary", "state")),
        "targets": list(Target.objects.order_by("pk").values_list(
            "indicator__code", "period__year", "period__quarter", "value")),
        "reviews": list(RiskReview.objects.order_by("pk").values_list(
            "risk__reference", "period__year", "period__quarter", "likelihood", "impact")),
        "snapshots": list(PlacementSnapshot.objects.order_by("pk").values_list(
            "period__year", "period__quarter", "category__name", "children", "average_weekly_cost")),
    }


# --- 1. rows for a locked quarter ---------------------------------------------

@pytest.mark.parametrize("kind", list(LOCKED_QUARTER_FILES))
def test_a_web_import_row_for_a_locked_quarter_is_a_row_numbered_error_and_saves_nothing(
        officer, reported_quarter, kind):
    before = the_record()
    page, confirm_offered = upload_and_confirm(officer, kind, f"{kind}.csv", LOCKED_QUARTER_FILES[kind])
    assert the_record() == before
    assert LOCKED_ROW_ERROR in page
    assert not confirm_offered


@pytest.mark.parametrize("kind", list(LOCKED_QUARTER_FILES))
def test_an_import_data_row_for_a_locked_quarter_is_a_row_numbered_error_and_saves_nothing(
        reported_quarter, tmp_path, kind):
    before = the_record()
    error, output = import_command(kind, write_file(tmp_path, f"{kind}.csv", LOCKED_QUARTER_FILES[kind]))
    assert the_record() == before
    assert error is not None, "import_data must exit non-zero"
    assert LOCKED_ROW_ERROR in output


# --- 2. optional columns left out are never blanked -----------------------------

def test_an_actuals_file_without_the_optional_columns_keeps_the_stored_numerator_denominator_and_commentary(
        area_a, open_quarter, tmp_path):
    indicator = make_indicator(area_a, "DPE007")
    set_actual(indicator, "2019/20 Q1", 75.8, numerator=Decimal("144"), denominator=Decimal("190"),
               commentary="Two teams returned late")
    error, output = import_command("actuals", write_file(tmp_path, "actuals.csv",
                                                         "code,period,value\nDPE007,2019/20 Q1,75.8\n"))
    assert error is None, output
    figure = Actual.objects.get(indicator=indicator)
    assert (figure.value, figure.numerator, figure.denominator, figure.commentary) == (
        Decimal("75.8"), Decimal("144"), Decimal("190"), "Two teams returned late")


def test_a_risks_file_without_the_optional_columns_keeps_the_risks_title_and_owner(
        officer, directorate, area_a, open_quarter, locked_quarter):
    risk = make_risk("CRR9", directorate, area_a)  # "Risk CRR9", owned by "Director"
    review(risk, "2018/19 Q4")
    content = ("reference,kind,register,directorate,service_area,period,likelihood,impact,tolerance_likelihood,"
               "tolerance_impact\nCRR9,threat,corporate,People,Children & Families Services,2019/20 Q1,2,5,1,5\n")
    page, confirm_offered = upload_and_confirm(officer, "risks", "risks.csv", content)
    assert confirm_offered, error_summary(page)  # a valid file: the review for 2019/20 Q1 is imported
    assert RiskReview.objects.filter(risk=risk, period__year=2019, period__quarter=1, impact=5).exists()
    risk = Risk.objects.get(pk=risk.pk)
    assert (risk.title, risk.risk_owner) == ("Risk CRR9", "Director")


# --- 7. annual figures lock with their year's quarters ---------------------------

@pytest.fixture
def reported_annual_figure(area_a, open_quarter):
    """An annual indicator's signed-off 2018/19 figure, every quarter of 2018/19 locked (the year row is not)."""
    indicator = make_indicator(area_a, "ANN1", frequency="annual", unit="number")
    set_target(indicator, "2018/19", 50)
    set_actual(indicator, "2018/19", 60, state="signed_off", reported_value=Decimal("60"), commentary="Published")
    for quarter in (1, 2, 3, 4):
        period = ReportingPeriod.for_label(f"2018/19 Q{quarter}")
        period.state = ReportingPeriod.State.LOCKED
        period.save()
    return Actual.objects.get(indicator=indicator)


def test_an_annual_figure_cannot_be_changed_through_the_entry_form_of_a_locked_quarter(
        officer, area_a, reported_annual_figure):
    figure = reported_annual_figure
    response = officer.post(f"/performance/entry/2018-19-Q4/{area_a.pk}/", {
        "action": "submit", f"i{figure.indicator_id}-value": "65", f"i{figure.indicator_id}-numerator": "",
        f"i{figure.indicator_id}-denominator": "", f"i{figure.indicator_id}-commentary": "Revised",
        f"i{figure.indicator_id}-version": str(figure.version),
    })
    assert response.status_code == 403
    assert Actual.objects.get(pk=figure.pk).value == Decimal("60")


def test_an_annual_figure_cannot_be_changed_by_import_data_once_its_years_quarters_are_locked(
        reported_annual_figure, tmp_path):
    error, output = import_command("actuals", write_file(tmp_path, "actuals.csv",
                                                         "code,period,value\nANN1,2018/19,65\n"))
    assert Actual.objects.get(pk=reported_annual_figure.pk).value == Decimal("60")
    assert error is not None, "import_data must exit non-zero"
    assert any(line.startswith("row 2") and "locked" in line for line in output.replace("error: ", "").splitlines())

"""Issue 11, "Why": forms and imports accepted different things (a numerator above its
denominator; a value of 92.1 with 100/200 saved and the manager never told); exempt
risk detail was pre-filled for someone who may not read it."""

from decimal import Decimal

from kpis.models import Actual
from tests.record.support import ACTUAL_COLUMNS, import_command, text, write_file
from tests.risks.conftest import make_risk, review

# --- 16. one validation for forms and imports ------------------------------------------------


def test_an_actuals_import_row_with_a_numerator_above_its_denominator_is_a_row_error(dpe007, tmp_path):
    error, output = import_command("actuals", write_file(tmp_path, "actuals.csv",
                                                         ACTUAL_COLUMNS + "\nDPE007,2019/20 Q1,100,150,100,\n"))
    assert not Actual.objects.exists()
    assert error is not None, "import_data must exit non-zero"
    assert any(line.startswith("row 2") and "numerator" in line
               for line in output.replace("error: ", "").splitlines()), output


def test_a_value_that_disagrees_with_its_numerator_and_denominator_is_not_submitted_until_explained(
        manager_a, area_a, dpe007):
    url = f"/performance/entry/2019-20-Q1/{area_a.pk}/"
    prefix = f"i{dpe007.pk}"
    figure = {"action": "submit", f"{prefix}-value": "92.1", f"{prefix}-numerator": "100",
              f"{prefix}-denominator": "200", f"{prefix}-commentary": "", f"{prefix}-version": "0"}

    response = manager_a.post(url, figure)
    assert not Actual.objects.filter(indicator=dpe007, state=Actual.State.SUBMITTED).exists()
    assert response.status_code == 200
    assert "50.0" in text(response)  # 100 / 200 as a percentage, for the manager to compare with 92.1

    explained = figure | {f"{prefix}-commentary": "92.1 is the audited figure; 100 of 200 counts one team only"}
    assert "to the performance team?" in text(manager_a.post(url, explained))  # accepted: asks to confirm
    response = manager_a.post(url, explained | {"action": "confirm-submit"})
    assert response.status_code == 302
    submitted = Actual.objects.get(indicator=dpe007)
    assert (submitted.state, submitted.value) == (Actual.State.SUBMITTED, Decimal("92.1"))


# --- 18. exempt risk detail --------------------------------------------------------------------

def test_a_service_manager_never_sees_an_exempt_risks_controls_pre_filled_in_the_review_form(
        manager_a, directorate, area_a, open_quarter, locked_quarter):
    risk = make_risk("SRR5", directorate, area_a, register="service", exempt=True)
    review(risk, "2018/19 Q4", controls="SECRET CONTROL TEXT")
    response = manager_a.get(f"/risks/{risk.reference}/review/2019-20-Q1/")
    assert "SECRET CONTROL TEXT" not in text(response)

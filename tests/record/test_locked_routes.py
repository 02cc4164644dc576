"""Issue 11, "Why": locked, signed-off quarters changed through the admin, a switch of
the risk scoring scheme, target and polarity edits and ``load_demo_data``; lock and
reopen left no trail."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from kpis.models import Actual, Indicator, Target
from kpis.services import figures_sign_off
from organisation.models import ReportingPeriod
from risks.models import Risk, RiskReview, ScoringScheme
from tests.conftest import client_for, opened
from tests.kpis.conftest import make_indicator, set_actual, set_target
from tests.record.support import export_rows, rows_containing, text
from tests.risks.conftest import make_risk, review


def lock(label: str) -> ReportingPeriod:
    period = ReportingPeriod.for_label(label)
    period.state = ReportingPeriod.State.LOCKED
    period.save()
    return period


@pytest.fixture
def reported_red_figure(area_a, open_quarter, locked_quarter):
    """DPE007 (higher is better) signed off at 75.8 against the 2018/19 target of 90 - Well below target, Red -
    while 2018/19 Q4 was open, then the quarter locked. 2018/19 Q1 is still open, so the year's target may
    change for it."""
    indicator = make_indicator(area_a, "DPE007")
    set_target(indicator, "2018/19", 90)
    ReportingPeriod.for_label("2018/19 Q1")
    with opened(locked_quarter):  # signed off while the quarter was open, as the officer would
        set_actual(indicator, "2018/19 Q4", 75.8, state="submitted", commentary="Recruitment gaps")
        figures_sign_off(user=None, period=locked_quarter)
    figure = Actual.objects.get(indicator=indicator)
    assert (figure.state, figure.signed_status, figure.reported_value) == (
        "signed_off", "Well below target", Decimal("75.8"))
    return indicator


# --- 3. the admin --------------------------------------------------------------

def test_the_admin_cannot_overwrite_a_signed_off_figure_in_a_locked_quarter(staff_officer_user, reported_red_figure):
    figure = Actual.objects.get(indicator=reported_red_figure)
    response = client_for(staff_officer_user).post(f"/admin/kpis/actual/{figure.pk}/change/", {
        "indicator": figure.indicator_id, "period": figure.period_id, "value": "95", "numerator": "",
        "denominator": "", "commentary": "Recruitment gaps", "state": "signed_off", "entered_by": "",
        "entered_at_0": "", "entered_at_1": "", "submitted_at_0": "", "submitted_at_1": "", "signed_off_by": "",
        "signed_off_at_0": "", "signed_off_at_1": "", "reported_value": "75.8",
    })
    assert Actual.objects.get(pk=figure.pk).value == Decimal("75.8")
    assert response.status_code == 403


def test_deleting_an_indicator_with_figures_in_the_admin_keeps_the_indicator_and_its_figures(
        staff_officer_user, reported_red_figure):
    client_for(staff_officer_user).post(f"/admin/kpis/indicator/{reported_red_figure.pk}/delete/", {"post": "yes"})
    assert Indicator.objects.filter(pk=reported_red_figure.pk).exists()
    assert Actual.objects.filter(indicator_id=reported_red_figure.pk).count() == 1


def test_deleting_a_risk_with_reviews_in_the_admin_keeps_the_risk_and_its_reviews(
        staff_officer_user, directorate, area_a, locked_quarter):
    risk = make_risk("CRR9", directorate, area_a)
    review(risk, "2018/19 Q4")
    client_for(staff_officer_user).post(f"/admin/risks/risk/{risk.pk}/delete/", {"post": "yes"})
    assert Risk.objects.filter(pk=risk.pk).exists()
    assert RiskReview.objects.filter(risk_id=risk.pk).count() == 1


# --- 4. a switch of scoring scheme -----------------------------------------------

@pytest.fixture
def high_risk_in_locked_quarter(directorate, area_a, open_quarter, locked_quarter):
    """CRR20 reviewed in 2018/19 Q4 at likelihood 4 x impact 5 = 20, High on the Council 4x4 scheme
    (it would be Critical on the Standard 5x5)."""
    assert ScoringScheme.current().name == "Council 4x4"
    risk = make_risk("CRR20", directorate, area_a)
    review(risk, "2018/19 Q4", 4, 5, (1, 5))
    return risk


def switch_to_standard_5x5(officer) -> None:
    standard = ScoringScheme.objects.get(name="Standard 5x5")
    officer.post("/risks/schemes/", {"scheme": standard.pk})
    assert ScoringScheme.current() == standard


def test_switching_the_scoring_scheme_keeps_a_locked_quarters_risk_level_on_the_register(
        officer, high_risk_in_locked_quarter):
    switch_to_standard_5x5(officer)
    rows = rows_containing(text(officer.get("/risks/?period=2018-19-Q4")), ">CRR20<")
    assert len(rows) == 1
    assert "High" in rows[0] and "Critical" not in rows[0]


def test_switching_the_scoring_scheme_keeps_a_locked_quarters_risk_level_in_the_risks_export(
        officer, high_risk_in_locked_quarter):
    switch_to_standard_5x5(officer)
    rows = [r for r in export_rows("risks", period="2018/19 Q4") if r["reference"] == "CRR20"]
    assert [r["level"] for r in rows] == ["High"]


# --- 5. target and polarity edits ------------------------------------------------

def edit_target(officer, indicator) -> None:
    officer.post(f"/performance/manage/{indicator.code}/targets/", {"form": "target", "t-period": "2018/19",
                                                                    "t-value": "70"})
    # 75.8 against 70 would be Above target: the edit is for 2018/19 Q1, still open.
    assert Target.objects.get(indicator=indicator, period__year=2018, period__quarter=None).value == Decimal("70")


def edit_polarity(officer, indicator) -> None:
    officer.post(f"/performance/manage/{indicator.code}/edit/", {
        "code": indicator.code, "title": indicator.title, "description": "", "service_area": indicator.service_area_id,
        "polarity": "lower", "unit": "percent", "precision": "1", "frequency": "quarterly",
        "accumulation": "snapshot", "commitment": "", "tolerance": "", "owner": "", "active": "on",
    })
    # 75.8 against 90, lower is better, would be Well above target.
    assert Indicator.objects.get(pk=indicator.pk).polarity == "lower"


EDITS = {"target": edit_target, "polarity": edit_polarity}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_does_not_change_a_locked_signed_off_judgement_on_the_dashboard(
        officer, executive, reported_red_figure, edit):
    EDITS[edit](officer, reported_red_figure)
    rows = rows_containing(text(executive.get("/performance/?period=2018-19-Q4")), ">DPE007<")
    assert rows
    assert all("Well below target" in row for row in rows)


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_does_not_change_a_locked_signed_off_judgement_in_the_kpi_report(officer, reported_red_figure, edit):
    EDITS[edit](officer, reported_red_figure)
    rows = [r for r in export_rows("kpi-report", period="2018/19 Q4") if r["code"] == "DPE007"]
    assert [r["status"] for r in rows] == ["Well below target"]


def test_a_target_edit_for_a_year_whose_quarters_are_all_locked_is_refused_saying_so(officer, reported_red_figure):
    for quarter in (1, 2, 3, 4):
        lock(f"2018/19 Q{quarter}")
    response = officer.post(f"/performance/manage/{reported_red_figure.code}/targets/",
                            {"form": "target", "t-period": "2018/19", "t-value": "70"}, follow=True)
    assert Target.objects.get(indicator=reported_red_figure, period__quarter=None).value == Decimal("90")
    assert "locked" in text(response)


# --- 6. load_demo_data -------------------------------------------------------------

def load_demo() -> None:
    call_command("load_demo_data", "--no-users", stdout=io.StringIO())


def test_load_demo_data_never_reopens_a_quarter_locked_since_it_last_ran(db):
    load_demo()
    lock("2019/20 Q1")
    load_demo()
    assert ReportingPeriod.objects.get(year=2019, quarter=1).state == ReportingPeriod.State.LOCKED


def test_load_demo_data_signs_off_the_figures_of_the_quarters_it_locks_and_leaves_the_open_quarter_to_sign_off(db):
    load_demo()
    locked = Actual.objects.filter(period__quarter__isnull=False, period__state=ReportingPeriod.State.LOCKED)
    still_open = Actual.objects.filter(period__year=2019, period__quarter=1)
    assert locked.exists() and still_open.exists()
    assert set(locked.values_list("state", flat=True)) == {Actual.State.SIGNED_OFF}
    assert set(still_open.filter(value__isnull=False).values_list("state", flat=True)) == {Actual.State.SUBMITTED}
    assert not still_open.filter(state=Actual.State.SIGNED_OFF).exists()


# --- 8. lock and reopen leave a trail ----------------------------------------------

def test_locking_and_reopening_a_quarter_are_in_the_audit_trail_with_who_and_why(officer, officer_user, open_quarter):
    officer.post(f"/periods/{open_quarter.pk}/lock/", {"confirm": "yes"})
    assert ReportingPeriod.objects.get(pk=open_quarter.pk).is_locked
    officer.post(f"/periods/{open_quarter.pk}/reopen/", {"reason": "Correcting DPE007"})
    assert not ReportingPeriod.objects.get(pk=open_quarter.pk).is_locked

    out = io.StringIO()
    call_command("export_data", "audit-trail", format="csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "when,who,action,object,period,detail,reason"
    rows = export_rows("audit-trail")
    officer_names = {officer_user.username, officer_user.get_full_name()}
    assert any("lock" in r["action"].lower() and "reopen" not in r["action"].lower() and r["who"] in officer_names
               for r in rows)
    assert any("reopen" in r["action"].lower() and r["reason"] == "Correcting DPE007" and r["who"] in officer_names
               for r in rows)


def test_a_reopen_without_a_reason_is_refused(officer, locked_quarter):
    response = officer.post(f"/periods/{locked_quarter.pk}/reopen/", {"reason": ""}, follow=True)
    assert ReportingPeriod.objects.get(pk=locked_quarter.pk).is_locked
    assert response.status_code != 404  # the reopen route exists...
    assert "reason" in text(response).lower()  # ...and asks for the reason

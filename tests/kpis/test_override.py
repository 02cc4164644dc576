"""The reported status: the rules give it; the performance officer may report another at sign-off, with a
reason (the published Q1 2019/20 report calls BCP218, 65% against 65%, "Well above" as the best rate since
records began). Both are kept, the override is marked wherever the status is shown, summaries count it."""

from decimal import Decimal

import pytest

from kpis import queries
from kpis.models import Actual
from organisation.models import AuditEvent
from organisation.services import period_lock
from tests.kpis.conftest import make_indicator, set_actual, set_target

URL = "/performance/submissions/2019-20-Q1/BCP218/status/"
REASON = "The best rate since records began"


@pytest.fixture
def bcp218(area_a, open_quarter):
    indicator = make_indicator(area_a, "BCP218")
    set_target(indicator, "2019/20", 65)
    set_actual(indicator, "2019/20 Q1", 65, state="submitted", commentary="Best ever")
    return indicator


def test_an_officer_reports_a_status_with_a_reason_and_both_are_kept(officer, bcp218, open_quarter):
    response = officer.post(URL, {"status": "Well above target", "reason": REASON})
    assert response.status_code == 302
    row = queries.judge_quarter([bcp218], open_quarter)[0]
    assert (row.status.value, row.rule_status.value, row.override_reason) == ("Well above target", "On target",
                                                                               REASON)
    event = AuditEvent.objects.get(action="status_overridden")
    assert event.reason == REASON and "the rules' status -> Well above target" in event.detail


def test_the_override_is_marked_on_the_dashboard_and_counted_in_the_summary(officer, executive, bcp218):
    officer.post(URL, {"status": "Well below target", "reason": "Data later found to be wrong"})
    page = executive.get("/performance/?period=2019-20-Q1").content.decode()
    assert "reported status (the rules give on target): Data later found to be wrong" in page
    assert "0% (0)" in page  # the summary counts the reported status: none on or above target


def test_the_override_is_the_status_of_the_record_once_signed_off_and_locked(officer, officer_user, bcp218,
                                                                              open_quarter):
    officer.post(URL, {"status": "Well above target", "reason": REASON})
    officer.post("/performance/submissions/2019-20-Q1/sign-off/", {"confirm": "yes"})
    period_lock(user=officer_user, period=open_quarter)
    open_quarter.refresh_from_db()
    row = queries.judge_quarter([bcp218], open_quarter)[0]
    assert row.recorded and row.status.value == "Well above target" and row.rule_status.value == "On target"
    assert Actual.objects.get().signed_status == "Well above target"


def test_a_reason_is_needed_and_a_bad_status_is_refused(officer, bcp218):
    response = officer.post(URL, {"status": "Well above target", "reason": " "})
    assert response.status_code == 400 and "Give the reason for reporting this status" in response.content.decode()
    response = officer.post(URL, {"status": "Brilliant", "reason": "x"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not Actual.objects.get().status_override


def test_clearing_the_override_goes_back_to_the_rules(officer, bcp218, open_quarter):
    officer.post(URL, {"status": "Well above target", "reason": REASON})
    officer.post(URL, {"status": "", "reason": ""})
    row = queries.judge_quarter([bcp218], open_quarter)[0]
    assert row.status.value == "On target" and not row.overridden


@pytest.mark.parametrize("persona", ["manager_a", "executive", "audit"], indirect=True)
def test_only_officers_report_a_status(persona, bcp218):
    assert persona.post(URL, {"status": "Well above target", "reason": "x"}).status_code == 403
    assert not Actual.objects.get().status_override


def test_a_draft_or_a_locked_quarter_has_no_status_to_report(officer, area_a, open_quarter, locked_quarter):
    draft = make_indicator(area_a, "DRAFT1")
    set_actual(draft, "2019/20 Q1", Decimal(10))
    assert officer.get("/performance/submissions/2019-20-Q1/DRAFT1/status/").status_code == 404
    assert officer.get("/performance/submissions/2018-19-Q4/DRAFT1/status/").status_code == 404
    assert officer.get("/performance/submissions/2019-20-Q1/NOPE/status/").status_code == 404

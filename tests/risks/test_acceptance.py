"""Formal acceptance of a risk outside appetite: by the second line, never by the risk's owner, with a reason
and an expiry; an expired acceptance shows as such and becomes the second line's task; a locked quarter keeps
the acceptance it reported."""

from datetime import date, timedelta

import pytest

from organisation import clock
from organisation.models import AuditEvent, ReportingPeriod
from organisation.records import InvalidWrite, RecordError
from risks import assurance, controls, judging
from risks.models import Judgement, RiskAcceptance
from tests.conftest import make_user

from .conftest import make_risk, review

# --- the rule, without a database -------------------------------------------------------------------

@pytest.mark.parametrize(("expires", "withdrawn", "today", "state"), [
    (None, False, date(2019, 7, 1), "none"),
    (date(2019, 6, 30), False, date(2019, 6, 29), "accepted"),
    (date(2019, 6, 30), False, date(2019, 6, 30), "accepted"),  # holds to the end of its expiry date
    (date(2019, 6, 30), False, date(2019, 7, 1), "expired"),
    (date(2019, 6, 30), True, date(2019, 6, 1), "withdrawn"),
    (date(2019, 6, 30), True, date(2019, 8, 1), "withdrawn"),
])
def test_acceptance_state(expires, withdrawn, today, state):
    assert assurance.acceptance_state(expires, withdrawn, today) == state


@pytest.mark.parametrize(("expires", "refused"), [
    (None, "enter the date"), (date(2019, 7, 1), "after"), (date(2019, 6, 1), "after"),
    (date(2019, 7, 2), None), (date(2021, 7, 1), None), (date(2021, 7, 2), "at most two years"),
    (date(2030, 1, 1), "at most two years")])
def test_the_expiry_must_come_after_the_day_and_within_two_years(expires, refused):
    problem = assurance.check_acceptance(date(2019, 7, 1), expires)
    assert (problem is None) if refused is None else (refused in problem)


# --- the service --------------------------------------------------------------------------------------

@pytest.fixture
def outside(corporate_risk):
    """CRR9 rated 2 x 7 = 14 High: outside the default (cautious) appetite in the open quarter."""
    judged = controls.latest_judgement(corporate_risk)
    assert judged is not None and judged.outside_appetite
    return corporate_risk


def in_a_year():
    return clock.today() + timedelta(days=365)


def test_an_officer_accepts_and_it_is_stored_judged_and_audited(outside, officer_user):
    acceptance = controls.risk_accept(user=officer_user, risk=outside, justification="Beyond our control",
                                      expires=in_a_year())
    assert (acceptance.likelihood, acceptance.impact) == (2, 7)
    judged = Judgement.objects.get(risk=outside, quarter=ReportingPeriod.for_label("2019/20 Q1"))
    assert judged.accepted_until == in_a_year()
    assert AuditEvent.objects.filter(object_label="CRR9", detail__startswith="accepted outside appetite").exists()
    assert not judging.check()  # the stored judgement agrees with the rules


def test_a_second_acceptance_replaces_the_first(outside, officer_user):
    first = controls.risk_accept(user=officer_user, risk=outside, justification="One", expires=in_a_year())
    controls.risk_accept(user=officer_user, risk=outside, justification="Two", expires=in_a_year() - timedelta(1))
    first.refresh_from_db()
    assert first.withdrawn_on == clock.today()
    assert controls.acceptances([outside.pk])[outside.pk].justification == "Two"


def test_the_owner_cannot_accept_their_own_risk(outside, db):
    owner = make_user("owner", "Performance officer", first_name="Risk", last_name="Owner")
    outside.risk_owner = "Risk Owner"
    outside.save()
    with pytest.raises(RecordError, match="You own CRR9"):
        controls.risk_accept(user=owner, risk=outside, justification="Mine", expires=in_a_year())
    assert not RiskAcceptance.objects.exists()


@pytest.mark.parametrize("user_fixture", ["manager_a_user", "executive_user", "audit_user"])
def test_only_the_second_line_accepts(outside, user_fixture, request):
    user = request.getfixturevalue(user_fixture)
    with pytest.raises(RecordError, match="Only the second line"):
        controls.risk_accept(user=user, risk=outside, justification="x", expires=in_a_year())


def test_a_risk_inside_appetite_has_nothing_to_accept(directorate, area_a, open_quarter, locked_quarter,
                                                      officer_user):
    low = make_risk("CRR1", directorate, area_a)
    review(low, "2018/19 Q4", 1, 1, (1, 1))
    with pytest.raises(RecordError, match="not outside appetite"):
        controls.risk_accept(user=officer_user, risk=low, justification="x", expires=in_a_year())


@pytest.mark.parametrize(("justification", "expires", "field"), [
    ("", None, "justification"), ("   ", None, "justification"), ("x" * 4001, None, "justification"),
    ("bad\x00byte", None, "justification"), ("ok", "past", "expires"), ("ok", "far", "expires"),
    ("ok", "today", "expires"), ("ok", "year-9999", "expires")])
def test_bad_input_saves_nothing(outside, officer_user, justification, expires, field):
    today = clock.today()
    when = {None: in_a_year(), "past": today - timedelta(days=1), "far": today + timedelta(days=800),
            "today": today, "year-9999": date(9999, 12, 31)}[expires]
    with pytest.raises(InvalidWrite) as caught:
        controls.risk_accept(user=officer_user, risk=outside, justification=justification, expires=when)
    assert field in caught.value.errors
    assert not RiskAcceptance.objects.exists()


def test_withdrawing_needs_a_reason_and_clears_the_judgement(outside, officer_user):
    controls.risk_accept(user=officer_user, risk=outside, justification="x", expires=in_a_year())
    with pytest.raises(InvalidWrite):
        controls.acceptance_withdraw(user=officer_user, risk=outside, reason=" ")
    controls.acceptance_withdraw(user=officer_user, risk=outside, reason="Treated instead")
    assert Judgement.objects.get(risk=outside, quarter__quarter=1, quarter__year=2019).accepted_until is None
    with pytest.raises(RecordError, match="no acceptance in force"):
        controls.acceptance_withdraw(user=officer_user, risk=outside, reason="again")


def test_a_locked_quarter_keeps_the_acceptance_it_reported(outside, officer_user):
    from organisation import services as organisation_services

    controls.risk_accept(user=officer_user, risk=outside, justification="x", expires=in_a_year())
    quarter = ReportingPeriod.for_label("2019/20 Q1")
    organisation_services.period_lock(user=officer_user, period=quarter, sign_off_submitted=True, reason="test")
    controls.acceptance_withdraw(user=officer_user, risk=outside, reason="Treated instead")
    judging.refresh()
    assert Judgement.objects.get(risk=outside, quarter=quarter).accepted_until == in_a_year()


def test_an_expired_acceptance_is_the_second_lines_task(outside, officer_user):
    from organisation import tasks as task_lists

    controls.risk_accept(user=None, risk=outside, justification="Winter pressures", approver_name="Priya Shah",
                         on=clock.today() - timedelta(days=200), expires=clock.today() - timedelta(days=10))
    found = [t for t in task_lists.all_tasks(clock.today()) if t.kind == "acceptance"]
    assert len(found) == 1
    assert "CRR9" in found[0].title and "expired" in found[0].title
    assert officer_user.pk in found[0].people


# --- the pages --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("persona", "status"), [
    ("officer", 200), ("executive", 200), ("audit", 200), ("manager_a", 200), ("manager_b", 404),
    ("outsider", 403), ("anonymous", 302)], indirect=["persona"])
def test_who_reads_the_acceptance_page(outside, persona, status):
    response = persona.get("/risks/CRR9/accept/")
    assert response.status_code in ((status,) if status != 403 else (403, 404))


@pytest.mark.parametrize("persona", ["executive", "audit", "manager_a"], indirect=True)
def test_only_an_officer_posts_it(outside, persona):
    response = persona.post("/risks/CRR9/accept/", {"justification": "x", "expires": in_a_year().isoformat()})
    assert response.status_code == 403
    assert not RiskAcceptance.objects.exists()


def test_the_officer_accepts_on_the_page_and_the_register_and_risk_page_say_so(outside, officer):
    page = officer.get("/risks/CRR9/accept/").content.decode()
    assert "Accept it" in page and "Outside appetite" in page
    response = officer.post("/risks/CRR9/accept/", {"justification": "Agreed by the executive",
                                                    "expires": in_a_year().strftime("%d/%m/%Y")})
    assert response.status_code == 302
    assert "Accepted" in officer.get("/risks/CRR9/").content.decode()
    register = officer.get("/risks/?period=2019-20-Q1").content.decode()
    assert "Accepted</strong>" in register and f"until {in_a_year():%-d %b %Y}" in register


@pytest.mark.parametrize(("data", "message"), [
    ({"justification": "", "expires": "01/01/2020"}, "Say why the council accepts"),
    ({"justification": "x", "expires": "31/02/2020"}, "Enter the expiry as a date"),
    ({"justification": "x", "expires": ""}, "Enter the date the acceptance expires"),
    ({"justification": "x", "expires": "01/06/2019"}, "The expiry must be after"),
    ({"justification": "x", "expires": "01/01/1999"}, "outside the dates this system accepts"),
])
def test_bad_input_on_the_page_is_an_error_summary(outside, officer, data, message):
    response = officer.post("/risks/CRR9/accept/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page
    assert not RiskAcceptance.objects.exists()


def test_an_expired_acceptance_shows_as_expired(outside, officer):
    controls.risk_accept(user=None, risk=outside, justification="Winter", approver_name="Priya Shah",
                         on=clock.today() - timedelta(days=200), expires=clock.today() - timedelta(days=10))
    assert "Acceptance expired" in officer.get("/risks/CRR9/").content.decode()
    assert "Acceptance expired" in officer.get("/risks/?period=2019-20-Q1").content.decode()


def test_export_has_accepted_until(outside, officer_user):
    from risks.resources import risks_export

    controls.risk_accept(user=officer_user, risk=outside, justification="x", expires=in_a_year())
    data = risks_export("2019/20 Q1")
    assert data.dict[0]["accepted_until"] == in_a_year().isoformat()

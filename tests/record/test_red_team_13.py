"""Red-team regression tests for issue 13 (running the quarter): deadlines, tasks, reminders and chasers,
sending a figure back with a question. Each test that fails reproduces a defect through the route an
officer, a manager or cron would use; the rest pin behaviour an attacker or auditor would probe."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis.models import Actual
from organisation import roles
from organisation.models import AuditEvent, ServiceArea
from risks.models import RiskAction
from tests.conftest import client_for, make_user
from tests.kpis.conftest import make_indicator, set_actual
from tests.risks.conftest import make_risk, review

AFTER = "2019-07-26"  # a week after the default figures deadline of 2019/20 Q1 (Friday 19 July 2019)
DEADLINES = {"figures": "19/07/2019", "reviews": "19/07/2019", "sign_off": "02/08/2019", "committee": "14/10/2019"}


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def entry_data(indicator, actual, **extra) -> dict:
    prefix = f"i{indicator.pk}"
    data = {f"{prefix}-value": str(actual.value) if actual.value is not None else "",
            f"{prefix}-numerator": "", f"{prefix}-denominator": "",
            f"{prefix}-commentary": actual.commentary, f"{prefix}-version": str(actual.version)}
    data.update({f"{prefix}-{k}": v for k, v in extra.items()})
    return data


@pytest.fixture
def submitted(dpe007):
    return set_actual(dpe007, "2019/20 Q1", 75.8, state="submitted", commentary="Recruitment gaps")


def send_back(officer, quarter, code, question):
    return officer.post(f"/performance/submissions/{quarter.slug}/{code}/send-back/", {"question": question})


# --- defects: the send-back round trip ---------------------------------------------------------------

def test_the_history_of_a_sent_back_figure_shows_the_whole_question_and_the_answer(
        officer, manager_a, dpe007, submitted, area_a, open_quarter):
    """Issue 13: "the question, answer and outcome are in the figure's history". The indicator page's change
    history shows the question cut at 100 characters (it is only the change reason) and never the answer."""
    question = "Is 75.8 the June figure or the quarter's average? " + "Please explain the method in full. " * 5
    assert send_back(officer, open_quarter, "DPE007", question).status_code == 302
    actual = Actual.objects.get(pk=submitted.pk)
    entry = f"/performance/entry/{open_quarter.slug}/{area_a.pk}/"
    data = entry_data(dpe007, actual, answer="The quarter's average of the three months")
    assert manager_a.post(entry, data | {"action": "confirm-submit"}).status_code == 302
    page = text(officer.get(f"/performance/indicators/DPE007/?period={open_quarter.slug}"))
    history = page[page.find("Change history"):]
    assert question.strip() in history
    assert "The quarter's average of the three months" in history


def test_a_question_sent_back_after_the_sign_off_date_is_not_overdue_and_escalated_the_next_day(
        officer, officer_user, manager_a_user, dpe007, submitted, open_quarter, mailoutbox):
    """A question's due date is the figures date, else the sign-off date - even when that has passed: a figure
    sent back on 20 August (sign-off was 2 August) is chased the next morning and escalated at once to the
    performance team, before the manager has had a working day to answer it."""
    manager_a_user.email = "ann@example.org"
    manager_a_user.save()
    officer_user.email = "officer@example.org"
    officer_user.save()
    assert officer.post(f"/periods/{open_quarter.pk}/deadlines/", DEADLINES).status_code == 302
    assert send_back(officer, open_quarter, "DPE007", "Why so low?").status_code == 302
    Actual.objects.filter(pk=submitted.pk).update(question_at=datetime(2019, 8, 20, 10, tzinfo=UTC))
    output = run("--dry-run", "--today", "2019-08-21")
    lines = [line.split() for line in output.splitlines() if "question on DPE007" in line]
    assert lines and all(words[0] == "reminder" for words in lines), output


def test_the_lock_page_says_which_figures_await_the_answer_to_a_question(officer, dpe007, submitted, open_quarter):
    """Locking a quarter with a figure sent back and not yet answered abandons the question for ever (the
    figure reads "not submitted", the manager's form is read-only, the task disappears); the lock page only
    says "1 figure is a draft", not that the performance team is waiting for an answer."""
    assert send_back(officer, open_quarter, "DPE007", "Why so low?").status_code == 302
    page = text(officer.get(f"/periods/{open_quarter.pk}/lock/"))
    warning = page[page.find("Not everything"):page.find("Sign off the submitted")]
    assert "question" in warning.lower() and "DPE007" in warning


# --- defects: reminders and chasers ------------------------------------------------------------------

@pytest.fixture
def review_late_in_b(area_b, directorate, open_quarter, locked_quarter):
    """2019/20 Q1 being run: a risk of area B (no manager) not reviewed."""
    risk = make_risk("CRR9", directorate, area_b, title="Safeguarding")
    review(risk, "2018/19 Q4")
    return open_quarter


def test_an_escalation_for_an_inactive_head_of_service_goes_to_the_performance_officer(
        review_late_in_b, area_b, officer_user, mailoutbox):
    """reminders.py: the head step goes to "the head of service of the task's area, else the performance
    officers". A head of service who has left (account deactivated) still counts as the head, so the
    escalation goes to no one: the dry run says "Cannot be told: head.b (not active)" and that is all."""
    officer_user.email = "officer@example.org"
    officer_user.save()
    area_b.head_of_service = make_user("head.b", roles.EXECUTIVE, email="head@example.org", is_active=False)
    area_b.save()
    run("--today", "2019-07-24")  # three working days late: the head of service's step
    told = {m.to[0]: m.body for m in mailoutbox}
    assert "Review CRR9 Safeguarding" in told.get("officer@example.org", "")


def test_someone_listed_as_an_areas_manager_without_the_service_manager_role_is_not_chased(
        review_late_in_b, area_b, mailoutbox):
    """Tasks go to every user in the area's managers, whatever their role; only service managers may open the
    area's forms (access.manages_service_area). Someone who moved to another role (or lost it) is still
    chased by email with links they cannot open, the task is not escalated as unassigned, and their own home
    page says nothing is due."""
    former = make_user("former.b", roles.EXECUTIVE, [area_b], email="former@example.org")
    assert client_for(former).get("/risks/CRR9/review/2019-20-Q1/").status_code == 403  # what the link gives
    run("--today", "2019-07-22")
    assert "former@example.org" not in [m.to[0] for m in mailoutbox]


def test_moving_a_deadline_later_reminds_again_before_the_new_date(officer, manager_a_user, dpe007, open_quarter,
                                                                   mailoutbox):
    """Task keys hold no due date (only actions' do), so a reminder sent before the old figures date counts as
    sent for the new one: extended by two weeks, the manager hears nothing before the new date."""
    manager_a_user.email = "ann@example.org"
    manager_a_user.save()
    assert officer.post(f"/periods/{open_quarter.pk}/deadlines/", DEADLINES).status_code == 302
    run("--today", "2019-07-16")  # three working days before 19 July
    assert any("Enter and submit" in m.body for m in mailoutbox if m.to == ["ann@example.org"])
    mailoutbox.clear()
    moved = DEADLINES | {"figures": "02/08/2019", "reviews": "02/08/2019", "sign_off": "09/08/2019"}
    assert officer.post(f"/periods/{open_quarter.pk}/deadlines/", moved).status_code == 302
    run("--today", "2019-07-30")  # three working days before the new date, 2 August
    assert any("Enter and submit" in m.body and "2 August 2019" in m.body
               for m in mailoutbox if m.to == ["ann@example.org"])


def test_a_second_run_on_the_same_day_sends_no_second_digest(officer, manager_a_user, dpe007, submitted,
                                                            area_a, directorate, open_quarter, locked_quarter,
                                                            mailoutbox):
    """"One digest per person per day" (issue 13), and the README and docker-compose.yml run send_reminders
    hourly. Anything that becomes due between runs (here a question sent back at 10:00) goes in a second
    email the same day."""
    manager_a_user.email = "ann@example.org"
    manager_a_user.save()
    review(make_risk("CRR8", directorate, area_a), "2018/19 Q4")
    run("--today", "2019-07-30")  # CRR8's review is overdue
    assert [m.to for m in mailoutbox] == [["ann@example.org"]]
    assert send_back(officer, open_quarter, "DPE007", "Why so low?").status_code == 302
    Actual.objects.filter(pk=submitted.pk).update(question_at=datetime(2019, 7, 30, 9, tzinfo=UTC))
    run("--today", "2019-07-30")  # an hour later: the question is due on sign-off day, 2 August
    assert [m.to for m in mailoutbox] == [["ann@example.org"]]


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_today_is_refused_not_taken_as_the_real_date(value, db):
    """`send_reminders --today "$DAY"` with DAY unset sends the real day's email instead of failing."""
    with pytest.raises(CommandError, match="--today"):
        run("--today", value)


# --- pinned: what held under attack ------------------------------------------------------------------

def test_the_tasks_csv_neutralises_formulas_and_no_task_shows_an_exempt_actions_detail(
        officer, directorate, open_quarter, locked_quarter, mailoutbox):
    evil = ServiceArea.objects.create(directorate=directorate, name="=HYPERLINK(\"http://x\",\"y\")")
    manager = make_user("evil", roles.SERVICE_MANAGER, [evil], first_name="@SUM(1+1)", last_name="x",
                        email="evil@example.org")
    make_indicator(evil, "EV1")
    risk = make_risk("CRR77", directorate, evil, title="+cmd|' /C calc'!A0", exempt=True)
    review(risk, "2018/19 Q4")
    RiskAction.objects.create(risk=risk, description="Secret exempt plan", due_date=datetime(2019, 7, 1).date())
    body = officer.get("/tasks/export.csv").content.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(body)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert "Secret exempt plan" not in body and "Complete an action (exempt) on CRR77" in body
    assert "Secret exempt plan" not in client_for(manager).get("/home/").content.decode()
    run("--today", AFTER)
    assert mailoutbox and all("Secret exempt plan" not in m.body + str(m.alternatives) for m in mailoutbox)


def test_nothing_is_sent_on_a_bank_holiday_or_a_leap_day_saturday(manager_a_user, dpe007, open_quarter, mailoutbox):
    manager_a_user.email = "ann@example.org"
    manager_a_user.save()
    assert "0 messages" in run("--today", "2019-08-26")
    assert "0 messages" in run("--today", "2020-02-29")


def test_hostile_questions_answers_and_reasons_are_refused(officer, manager_a, dpe007, submitted, area_a,
                                                           open_quarter):
    r = send_back(officer, open_quarter, "DPE007", "Why\x00?")
    assert r.status_code == 400
    r = officer.post(f"/periods/{open_quarter.pk}/deadlines/", DEADLINES | {"reason": "x\x00"})
    assert r.status_code == 400
    assert send_back(officer, open_quarter, "DPE007", "Why?").status_code == 302
    actual = Actual.objects.get(pk=submitted.pk)
    entry = f"/performance/entry/{open_quarter.slug}/{area_a.pk}/"
    for answer, action in (("a\x00b", "confirm-submit"), ("a" * 4001, "draft"), ("   ", "confirm-submit")):
        r = manager_a.post(entry, entry_data(dpe007, actual, answer=answer) | {"action": action})
        # A NUL is refused before any view (organisation.middleware.RefuseNulMiddleware), the rest by the form.
        assert r.status_code < 500 and ("govuk-error-summary" in r.content.decode()
                                        or "NUL character" in r.content.decode())
        assert Actual.objects.get(pk=submitted.pk).answer == ""
    assert Actual.objects.get(pk=submitted.pk).question_pending


def test_another_areas_manager_cannot_save_submit_or_confirm(manager_b, dpe007, submitted, area_a, open_quarter):
    entry = f"/performance/entry/{open_quarter.slug}/{area_a.pk}/"
    data = entry_data(dpe007, submitted, value="1", commentary="x")
    for action in ("submit", "confirm-submit", "draft"):
        assert manager_b.post(entry, data | {"action": action}).status_code == 403


def build(area_a, directorate, start, stop):
    for n in range(start, stop):
        area = ServiceArea.objects.create(directorate=directorate, name=f"Area {n}")
        make_user(f"m{n}", roles.SERVICE_MANAGER, [area, area_a], email=f"m{n}@example.org")
        indicator = make_indicator(area, f"Q{n}")
        set_actual(indicator, "2019/20 Q1", 5, state="draft", question="Why?",
                   question_at=datetime(2019, 7, 20, tzinfo=UTC))
        make_indicator(area, f"R{n}")
        risk = make_risk(f"CRR{100 + n}", directorate, area, exempt=n % 2 == 0)
        review(risk, "2018/19 Q4")
        RiskAction.objects.create(risk=risk, description="Do it", due_date=datetime(2019, 7, 1).date())


def test_tasks_and_home_queries_do_not_grow_with_areas_people_questions_and_actions(
        officer, manager_a, area_a, directorate, open_quarter, locked_quarter, dpe007):
    def count(client, url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)
    urls = ("/tasks/", "/home/", "/tasks/export.csv")
    build(area_a, directorate, 0, 1)
    before = {url: count(officer, url) for url in urls} | {"m": count(manager_a, "/home/")}
    build(area_a, directorate, 1, 9)
    after = {url: count(officer, url) for url in urls} | {"m": count(manager_a, "/home/")}
    assert after == before


@pytest.mark.parametrize("url", [
    "/performance/submissions/2019-20-Q1/" + "A" * 5000 + "/send-back/",
    "/performance/submissions/2019-20-Q9/DPE007/send-back/",
    "/performance/submissions/9999-00-Q1/DPE007/send-back/",
    "/performance/submissions/2019-20-Q%C2%B9/DPE007/send-back/",
    "/performance/entry/2019-20-Q1/%C2%B2/",
    "/performance/entry/2019-20-Q%00/1/",
    "/periods/0/deadlines/",
])
def test_weird_addresses_give_not_found(officer, submitted, url):
    for method in (officer.get, officer.post):
        r = method(url, {"question": "Why?"}) if method == officer.post else method(url)
        assert r.status_code in (400, 404)


def test_a_years_deadlines_page_is_not_found(officer, open_quarter):
    from organisation.models import ReportingPeriod
    year = ReportingPeriod.for_label("2019/20")
    assert officer.get(f"/periods/{year.pk}/deadlines/").status_code == 404


def test_answering_by_import_leaves_the_question_pending_and_the_figure_a_draft(officer, dpe007, submitted,
                                                                                open_quarter, tmp_path):
    assert send_back(officer, open_quarter, "DPE007", "Why so low?").status_code == 302
    path = tmp_path / "actuals.csv"
    path.write_text("code,period,value,numerator,denominator,commentary\nDPE007,2019/20 Q1,80,,,Answer: average\n")
    call_command("import_data", "actuals", str(path), stdout=io.StringIO())
    actual = Actual.objects.get(pk=submitted.pk)
    assert actual.state == "draft" and actual.question_pending
    assert officer.post(f"/performance/submissions/{open_quarter.slug}/sign-off/", {"confirm": "yes"}).status_code == 302
    assert Actual.objects.get(pk=submitted.pk).state == "draft"  # a pending question is never signed off


def test_a_locked_quarters_figure_is_not_sent_back(officer, dpe007, locked_quarter, open_quarter):
    from tests.conftest import opened
    with opened(locked_quarter):
        actual = set_actual(dpe007, "2018/19 Q4", 70, state="submitted", commentary="c")
    url = f"/performance/submissions/{locked_quarter.slug}/DPE007/send-back/"
    assert officer.get(url).status_code == 404
    assert officer.post(url, {"question": "Why?"}).status_code == 404
    assert Actual.objects.get(pk=actual.pk).state == "submitted" and not AuditEvent.objects.filter(
        action=AuditEvent.Action.SENT_BACK).exists()


@pytest.mark.parametrize("url", ["/periods/99999999999999999999/deadlines/",
                                 "/performance/entry/2019-20-Q1/99999999999999999999/"])
def test_an_out_of_range_id_is_not_found(officer, open_quarter, url):
    assert officer.get(url).status_code == 404


def test_a_nul_in_the_indicator_code_of_the_send_back_address_is_not_a_server_error(officer, submitted):
    """On PostgreSQL (production) the code goes to the database as typed: "A string literal cannot contain NUL"
    is a 500 (the indicator, status and targets pages share the fault; SQLite passes)."""
    url = "/performance/submissions/2019-20-Q1/DPE007%00/send-back/"
    assert officer.get(url).status_code == 404
    assert officer.post(url, {"question": "Why?"}).status_code == 404

"""Running the quarter: deadlines, everyone's own tasks, the performance officer's overview, reminders and
chasers by email (send_reminders), and sending a figure back with a question - by role, with bad input and
query counts."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis.models import Actual
from organisation import demo, roles
from organisation.models import AuditEvent, QuarterDeadlines, ReminderPreference, SentReminder
from placements.models import PlacementCategory, PlacementHeading
from tests.conftest import make_user
from tests.kpis.conftest import make_indicator, set_actual
from tests.risks.conftest import make_risk, review

DEADLINES = {"figures": "19/07/2019", "reviews": "22/07/2019", "sign_off": "02/08/2019", "committee": "14/10/2019"}
AFTER = "2019-07-26"  # a week after the default figures deadline of 2019/20 Q1 (Friday 19 July 2019)


def officer_name(client) -> str:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    return user.get_full_name() or user.username


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def quarter_run(dpe007, area_a, area_b, directorate, open_quarter, locked_quarter, settings):
    """2019/20 Q1 being run: DPE007 (area A) not entered, a risk of area B not reviewed, no snapshot."""
    settings.PLACEMENTS_SERVICE_AREA = area_a.name
    risk = make_risk("CRR9", directorate, area_b, title="Safeguarding")
    review(risk, "2018/19 Q4")
    heading = PlacementHeading.objects.create(name="Foster Care", is_foster_care=True)
    PlacementCategory.objects.create(heading=heading, name="In-house", provision="in_house")
    return open_quarter


# --- deadlines -------------------------------------------------------------------------------------

def test_the_officer_sets_a_quarters_deadlines_and_they_are_audited(officer, open_quarter):
    page = officer.get(f"/periods/{open_quarter.pk}/deadlines/")
    assert page.status_code == 200 and "uses the default dates" in text(page)
    assert 'value="19/07/2019"' in page.content.decode()  # the default figures date, prefilled
    response = officer.post(f"/periods/{open_quarter.pk}/deadlines/", DEADLINES | {"reason": "Committee moved"})
    assert response.status_code == 302
    stored = QuarterDeadlines.objects.get(quarter=open_quarter)
    assert (stored.reviews, stored.committee) == (date(2019, 7, 22), date(2019, 10, 14))
    event = AuditEvent.objects.get(action=AuditEvent.Action.DEADLINES_SET)
    assert "committee: 02/09/2019 -> 14/10/2019" in event.detail and event.reason == "Committee moved"


@pytest.mark.parametrize("changes,field,message", [
    ({"figures": ""}, "figures", "Enter the date: figures due"),
    ({"figures": "31/02/2019"}, "figures", "Figures due: enter a date like 19/07/2019"),
    ({"figures": "30/06/2019"}, "figures", "must fall after 2019/20 Q1 ends (30/06/2019)"),
    ({"committee": "01/01/2999"}, "committee", "is too far ahead"),
    ({"sign_off": "18/07/2019"}, "sign_off", "sign-off must fall on or after the figures and the risk reviews"),
    ({"committee": "01/08/2019"}, "committee", "The committee must meet on or after sign-off"),
])
def test_bad_deadlines_are_refused_naming_the_field_and_nothing_is_saved(officer, open_quarter, changes, field,
                                                                         message):
    response = officer.post(f"/periods/{open_quarter.pk}/deadlines/", DEADLINES | changes)
    page = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in page
    assert f'href="#id_{field}"' in page and message.lower() in page.lower()
    assert not QuarterDeadlines.objects.exists()


def test_a_locked_quarters_deadlines_are_not_changed(officer, locked_quarter):
    response = officer.post(f"/periods/{locked_quarter.pk}/deadlines/", {
        "figures": "23/04/2019", "reviews": "23/04/2019", "sign_off": "07/05/2019", "committee": "10/06/2019"})
    assert response.status_code == 400 and "is locked" in text(response)
    assert not QuarterDeadlines.objects.exists()


@pytest.mark.parametrize("persona,status", [("executive", 403), ("audit", 403), ("manager_a", 403),
                                            ("outsider", 403), ("anonymous", 302)], indirect=["persona"])
def test_only_the_performance_officer_sets_deadlines_and_sees_everyones_tasks(persona, status, open_quarter):
    for url in (f"/periods/{open_quarter.pk}/deadlines/", "/tasks/", "/tasks/export.csv"):
        assert persona.get(url).status_code == status, url
    assert persona.post(f"/periods/{open_quarter.pk}/deadlines/", DEADLINES).status_code == status
    assert not QuarterDeadlines.objects.exists()


# --- tasks ----------------------------------------------------------------------------------------

def test_each_manager_sees_their_own_tasks_first_on_the_home_page(manager_a, manager_b, quarter_run):
    home = text(manager_a.get("/home/"))
    assert home.index("Your tasks") < home.index("Your figures")
    assert "Enter and submit 1 figure for Children & Families Services, 2019/20 Q1 (DPE007)" in home
    assert "Record the children's placements snapshot for 2019/20 Q1" in home and "statutory return" in home
    assert "Overdue" in home and "Review CRR9" not in home  # area B's risk is not area A's task
    other = text(manager_b.get("/home/"))
    assert "Review CRR9 Safeguarding for 2019/20 Q1" in other and "DPE007" not in other.split("Your tasks")[1][:400]


def test_a_submitted_figure_is_no_longer_a_task(manager_a, dpe007, quarter_run):
    set_actual(dpe007, "2019/20 Q1", 92, state="submitted", commentary="On track")
    assert "Enter and submit 1 figure" not in text(manager_a.get("/home/"))


def test_the_executive_is_told_when_nothing_is_due(executive, quarter_run):
    assert "Nothing is due from you for 2019/20 Q1" in text(executive.get("/home/"))


def test_the_officer_sees_everyones_tasks_by_area_and_person_with_a_csv(officer, quarter_run, manager_a_user):
    home = text(officer.get("/home/"))
    assert "Everyone's tasks: 3 outstanding, 3 overdue" in home
    page = text(officer.get("/tasks/"))
    assert "By person" in page and "Ann Able" in page
    # Area B has no service manager and no head of service: its risk review goes to the performance officer.
    assert "No one assigned" not in page
    rows = list(csv.DictReader(io.StringIO(officer.get("/tasks/export.csv").content.decode("utf-8-sig"))))
    assert {r["kind"] for r in rows} == {"figures", "review", "snapshot"}
    assert all(r["overdue"] == "yes" and r["link"].startswith("http://testserver/") for r in rows)
    assert next(r for r in rows if r["kind"] == "figures")["people"] == "Ann Able"
    assert next(r for r in rows if r["kind"] == "review")["people"] == officer_name(officer)


def test_the_tasks_pages_queries_do_not_grow_with_the_data(officer, quarter_run, area_a, directorate):
    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert officer.get(url).status_code == 200
        return len(captured)

    before = {url: count(url) for url in ("/tasks/", "/home/")}
    for n in range(10):
        make_indicator(area_a, f"PI{n}")
        review(make_risk(f"CRR{100 + n}", directorate, area_a), "2018/19 Q4")
    assert {url: count(url) for url in before} == before


# --- reminders by email ----------------------------------------------------------------------------

def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_lists_who_would_get_what_and_sends_nothing(quarter_run, manager_a_user, officer_user,
                                                              mailoutbox):
    output = run("--dry-run", "--today", AFTER)
    assert "(dry run: nothing sent)" in output
    assert "To Ann Able <" not in output  # manager.a has no email address in the fixtures
    assert "Cannot be told: Ann Able (no email address)" in output
    assert not mailoutbox and not SentReminder.objects.exists()


def test_chasers_go_once_by_email_with_text_html_and_links_and_late_areas_escalate(
        quarter_run, manager_a_user, officer_user, area_b, mailoutbox, settings):
    settings.SITE_URL = "https://performance.example.gov.uk"
    manager_a_user.email = "ann@example.org"
    manager_a_user.save()
    officer_user.email = "officer@example.org"
    officer_user.save()
    head = make_user("head.b", roles.EXECUTIVE, email="head@example.org", first_name="Hattie", last_name="Head")
    area_b.head_of_service = head
    area_b.save()

    output = run("--today", AFTER)
    by_person = {m.to[0]: m for m in mailoutbox}
    # Area B's late review goes to its head of service; area A has none, so its late returns go to the officer.
    assert set(by_person) == {"ann@example.org", "head@example.org", "officer@example.org"}
    assert "Review CRR9" not in by_person["officer@example.org"].body
    ann = by_person["ann@example.org"]
    assert "overdue" in ann.subject.lower()
    assert "Enter and submit 1 figure for Children & Families Services" in ann.body
    assert "https://performance.example.gov.uk/performance/entry/2019-20-Q1/" in ann.body
    html = ann.alternatives[0][0] if hasattr(ann.alternatives[0], "__getitem__") else ann.alternatives[0].content
    assert '<a href="https://performance.example.gov.uk/placements/entry/2019-20-Q1/">' in html
    head_mail = by_person["head@example.org"]
    assert "Review CRR9 Safeguarding" in head_mail.body and "escalated to the head of service" in head_mail.body.lower()
    assert "Sent 3 digests." in output
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REMINDERS_SENT).exists()

    mailoutbox.clear()
    assert "0 messages for 0 people" in run("--today", AFTER)  # never the same message twice
    assert not mailoutbox
    run("--today", "2019-07-29")  # six working days late: the performance officer is told of area B's review
    [mail] = mailoutbox
    assert mail.to == ["officer@example.org"] and "Review CRR9" in mail.body and "Enter and submit" not in mail.body


def test_reminders_turned_off_leave_only_the_statutory_chaser(quarter_run, manager_a, manager_a_user, mailoutbox):
    manager_a_user.email = "ann@example.org"
    manager_a_user.save()
    assert manager_a.post("/account/", {"reminders": "off"}).status_code == 302
    assert not ReminderPreference.objects.get(user=manager_a_user).reminders
    run("--today", "2019-07-22")
    [mail] = mailoutbox
    assert "placements snapshot" in mail.body and "Enter and submit" not in mail.body


def test_the_account_page_refuses_a_bad_preference(manager_a):
    response = manager_a.post("/account/", {"reminders": "maybe"})
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    assert not ReminderPreference.objects.exists()


def test_nothing_is_sent_at_the_weekend(quarter_run, manager_a_user, mailoutbox):
    manager_a_user.email = "ann@example.org"
    manager_a_user.save()
    assert "0 messages" in run("--today", "2019-07-20")  # a Saturday
    assert not mailoutbox


@pytest.mark.parametrize("value", ["26/07/2019", "2019-13-01", "tomorrow"])
def test_a_bad_today_is_refused(value, db):
    with pytest.raises(CommandError, match="is not a date: write it as YYYY-MM-DD"):
        run("--today", value)


def test_on_the_demo_data_a_week_after_the_deadline_each_manager_is_chased_and_late_areas_escalate(db, settings):
    settings.DEBUG = True
    demo.load_data()
    demo.create_users()
    output = run("--dry-run", "--today", AFTER)
    chunks = {chunk.split(" <")[0]: chunk for chunk in output.split("To ")[1:]}
    assert set(chunks) == {"Chloe Adams", "Sam Okafor", "Hannah Hughes", "Priya Shah"}
    assert "chaser   Record the children's placements snapshot" in chunks["Chloe Adams"]
    assert "chaser   Review CRR10" in chunks["Sam Okafor"]
    assert "head     Review CRR9" in chunks["Hannah Hughes"]  # head of Children & Families Services
    assert "head     Review CRR10" in chunks["Priya Shah"]  # Adult Social Care has no head of service


# --- send back with a question ---------------------------------------------------------------------

@pytest.fixture
def submitted(dpe007):
    return set_actual(dpe007, "2019/20 Q1", 75.8, state="submitted", commentary="Recruitment gaps")


def test_the_send_back_round_trip(officer, manager_a, dpe007, submitted, area_a, open_quarter):
    url = f"/performance/submissions/{open_quarter.slug}/DPE007/send-back/"
    assert "Send it back" in text(officer.get(url))
    assert officer.post(url, {"question": "Is 75.8 the June figure or the quarter's average?"}).status_code == 302
    actual = Actual.objects.get(pk=submitted.pk)
    assert actual.state == "draft" and actual.question_pending
    assert "Sent back with a question" in text(officer.get(f"/performance/submissions/{open_quarter.slug}/"))

    # The manager sees the question on the home page and the form, and must answer it to submit.
    assert "Answer the performance team's question on DPE007" in text(manager_a.get("/home/"))
    entry = f"/performance/entry/{open_quarter.slug}/{area_a.pk}/"
    form = text(manager_a.get(entry))
    assert "Is 75.8 the June figure or the quarter's average?" in form and "Your answer" in form
    prefix = f"i{dpe007.pk}"
    data = {f"{prefix}-value": "75.8", f"{prefix}-numerator": "", f"{prefix}-denominator": "",
            f"{prefix}-commentary": "Recruitment gaps", f"{prefix}-version": str(actual.version)}
    refused = manager_a.post(entry, data | {"action": "submit"})
    assert "answer the performance team's question before you submit" in text(refused)
    answered = data | {f"{prefix}-answer": "The quarter's average of the three months"}
    assert "to the performance team?" in text(manager_a.post(entry, answered | {"action": "submit"}))
    assert manager_a.post(entry, answered | {"action": "confirm-submit"}).status_code == 302
    actual.refresh_from_db()
    assert actual.state == "submitted" and not actual.question_pending
    assert actual.answer == "The quarter's average of the three months"

    # The outcome: signed off; question, answer and outcome are in the audit trail and the history.
    officer.post(f"/performance/submissions/{open_quarter.slug}/sign-off/", {"confirm": "yes"})
    trail = {e.action: e for e in AuditEvent.objects.filter(object_label__contains="DPE007")}
    assert "Is 75.8 the June figure" in trail[AuditEvent.Action.SENT_BACK].detail
    assert "answer: The quarter's average" in trail[AuditEvent.Action.ANSWERED].detail
    signed = AuditEvent.objects.get(action=AuditEvent.Action.SIGNED_OFF)
    assert "signed off after their questions were answered: DPE007" in signed.detail
    reasons = list(actual.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons[-3:] == ["sent back: Is 75.8 the June figure or the quarter's average?",
                            "answered and resubmitted", "signed off after the question was answered"]


@pytest.mark.parametrize("persona", ["manager_a", "executive", "audit", "outsider"], indirect=True)
def test_only_the_performance_officer_sends_back(persona, submitted, open_quarter):
    url = f"/performance/submissions/{open_quarter.slug}/DPE007/send-back/"
    assert persona.get(url).status_code == 403
    assert persona.post(url, {"question": "Why?"}).status_code == 403
    assert Actual.objects.get(pk=submitted.pk).state == "submitted"


@pytest.mark.parametrize("question,message", [("", "Write the question"), ("   ", "Write the question"),
                                              ("x" * 4001, "4,000 characters or fewer")])
def test_a_send_back_needs_a_question(officer, submitted, open_quarter, question, message):
    response = officer.post(f"/performance/submissions/{open_quarter.slug}/DPE007/send-back/", {"question": question})
    assert response.status_code == 400 and message in response.content.decode()
    assert Actual.objects.get(pk=submitted.pk).state == "submitted"


def test_only_a_submitted_figure_of_an_open_quarter_is_sent_back(officer, dpe007, open_quarter):
    url = f"/performance/submissions/{open_quarter.slug}/DPE007/send-back/"
    assert officer.get(url).status_code == 404  # no figure
    set_actual(dpe007, "2019/20 Q1", 70, state="draft")
    assert officer.post(url, {"question": "Why?"}).status_code == 404
    assert officer.get("/performance/submissions/2019-20-Q1/NOPE/send-back/").status_code == 404


def test_the_indicator_page_offers_the_send_back_to_the_officer_only(officer, executive, submitted, open_quarter):
    url = f"/performance/indicators/DPE007/?period={open_quarter.slug}"
    assert "Send this figure back with a question" in text(officer.get(url))
    assert "Send this figure back" not in text(executive.get(url))


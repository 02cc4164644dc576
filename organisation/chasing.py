"""Sending the day's reminders and chasers: organisation/reminders.py chooses, this gathers the facts from
the database and sends one email digest per person (plain text and HTML, each task linking straight to its
form), recording each message so that it is never sent twice. The `send_reminders` command runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from . import access, roles, services, tasks
from . import quarter as running
from .deadlines import Step
from .models import ReminderPreference, SentReminder, ServiceArea
from .reminders import Digest, Person, select, undelivered


@dataclass
class Plan:
    today: date
    digests: list[Digest]
    cannot: list[str]  # people who would be told but have no email address or are not active
    tasks: int


def plan(today: date) -> Plan:
    """Who is to be sent what today (nothing is sent)."""
    found = tasks.all_tasks(today)
    # A head of service who can be told (active, with an email address); else escalations go to the officers.
    heads = {pk: head for pk, head in ServiceArea.objects.filter(
        head_of_service__is_active=True).exclude(head_of_service__email="").values_list("pk", "head_of_service_id")}
    officers = sorted(access.users_with_role(roles.PERFORMANCE_OFFICER).values_list("pk", flat=True))
    ids = {pk for task in found for pk in task.people} | set(heads.values()) | set(officers)
    off = set(ReminderPreference.objects.filter(user_id__in=ids, reminders=False).values_list("user_id", flat=True))
    people = {user.pk: Person(user.pk, user.get_full_name() or user.get_username(), user.email,
                              reminders_on=user.pk not in off, active=user.is_active)
              for user in get_user_model().objects.filter(pk__in=ids)}
    keys = {f"{s.value}:{task.key}" for task in found for s in Step}
    sent = set(SentReminder.objects.filter(user_id__in=ids, key__in=keys).values_list("user_id", "key"))
    rule = running.rule()
    holidays = running.holidays_around(today, *(t.due for t in found))
    digests = select(today, found, people, heads, officers, sent, rule, holidays)
    # One digest per person per day: whoever was sent one today hears of anything new tomorrow.
    today_sent = set(SentReminder.objects.filter(sent_on=today, user_id__in=[d.person.id for d in digests])
                     .values_list("user_id", flat=True))
    digests = [d for d in digests if d.person.id not in today_sent]
    return Plan(today, digests, undelivered(found, people, heads, officers, today, rule, holidays), len(found))


def _subject(digest: Digest) -> str:
    counts = {}
    for step, messages in digest.by_step():
        name = "due soon" if step == Step.REMINDER else "overdue"
        counts[name] = counts.get(name, 0) + len(messages)
    parts = [f"{n} {name}" for name, n in sorted(counts.items(), key=lambda item: item[0] != "overdue")]
    return f"{settings.SERVICE_NAME}: {', '.join(parts)}"


def render(digest: Digest, today: date) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one person's digest."""
    context = {
        "person": digest.person, "groups": [(step, messages) for step, messages in digest.by_step()],
        "today": today, "site": settings.SITE_URL, "council": settings.COUNCIL_NAME,
        "service": settings.SERVICE_NAME, "account_url": settings.SITE_URL + reverse("account:index"),
        "Step": Step,
    }
    return (_subject(digest), render_to_string("email/reminders.txt", context),
            render_to_string("email/reminders.html", context))


def send(found: Plan) -> tuple[int, list[str]]:
    """Send each digest and record its messages as sent; a failure is reported and retried next run."""
    sent, failures = 0, []
    for digest in found.digests:
        subject, text, html = render(digest, found.today)
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [digest.person.email])
        message.attach_alternative(html, "text/html")
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - one mail server refusal must not stop the others
            failures.append(f"{digest.person.name} <{digest.person.email}>: not sent ({exc})")
            continue
        services.reminders_sent(user_keys=[(digest.person.id, m.key) for m in digest.messages], today=found.today)
        sent += 1
    if sent or failures:
        services.reminders_run_recorded(today=found.today, digests=sent,
                                        messages=sum(len(d.messages) for d in found.digests), failures=len(failures))
    return sent, failures

"""The performance tasks of the quarters being run (organisation/tasks.py): figures to enter and submit
per service area, questions to answer, and the performance team's sign-off."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import timezone

from organisation import quarter as running
from organisation import tasks as task_lists
from organisation.deadlines import Deadline, add_working_days
from organisation.models import ReportingPeriod, ServiceArea
from organisation.reminders import Task

from .models import Actual, Indicator

QUESTION_DAYS = 3  # working days a manager has to answer a question sent after the figures deadline (so
# they are reminded of it on the next run)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


@dataclass
class Outstanding:
    """What a quarter still needs from the service areas, in one reading shared by the tasks, the reminders
    and the lock page (so they always agree): the figures not yet submitted per area (quarterly ones, and
    annual ones whose year's figure is not in yet), the questions waiting for an answer, and how many
    submitted figures await sign-off."""

    to_enter: dict[int, list[tuple[str, bool, bool, bool]]]  # area -> (code, statutory, annual, entered as draft)
    questions: list[tuple[int, str, int, object, bool]]  # (indicator, code, area, asked at, statutory)
    submitted: int

    @property
    def not_submitted(self) -> int:
        return sum(len(codes) for codes in self.to_enter.values())

    @property
    def drafts(self) -> int:
        return sum(1 for codes in self.to_enter.values() for *_, draft in codes if draft)


def outstanding(quarter: ReportingPeriod, indicators=None, year=None) -> Outstanding:
    """The quarter's outstanding figures (see Outstanding): two queries, whatever the number of indicators."""
    if indicators is None:
        indicators = list(Indicator.objects.filter(active=True).values_list("pk", "code", "service_area_id",
                                                                            "frequency", "statutory"))
    if year is None:
        year = ReportingPeriod.objects.filter(year=quarter.year, quarter__isnull=True).first()
    period_ids = [quarter.pk] + ([year.pk] if year else [])
    figures = {(i, p): (state, value, question, question_at, answered_at, reported_in)
               for i, p, state, value, question, question_at, answered_at, reported_in in
               Actual.objects.filter(period_id__in=period_ids).values_list(
                   "indicator_id", "period_id", "state", "value", "question", "question_at", "answered_at",
                   "reported_in_id")}
    to_enter: dict[int, list[tuple[str, bool, bool, bool]]] = defaultdict(list)
    questions = []
    submitted = 0
    for pk, code, area_id, frequency, statutory in indicators:
        annual = frequency == Indicator.Frequency.ANNUAL
        period_id = year.pk if annual and year else quarter.pk
        found = figures.get((pk, period_id))
        if found is not None and found[5] not in (None, quarter.pk):
            continue  # a year's figure reported in another quarter
        state, value, question, question_at, answered_at, _ = found or ("", None, "", None, None, None)
        if bool(question) and (answered_at is None or (question_at and answered_at < question_at)):
            questions.append((pk, code, area_id, question_at, statutory))
            continue
        if state == Actual.State.SUBMITTED:
            submitted += 1
        if state in ("", Actual.State.DRAFT):
            # An annual indicator's year figure is due with each quarter's return until it is submitted.
            to_enter[area_id].append((code, statutory, annual, state == Actual.State.DRAFT))
    return Outstanding(dict(to_enter), questions, submitted)


def provider(quarters: list[ReportingPeriod], dates: dict[int, dict[Deadline, date]], today: date) -> list[Task]:
    areas = {a.pk: a for a in ServiceArea.objects.all()}
    owners = task_lists.area_owners()
    officers = task_lists.performance_officers()
    indicators = list(Indicator.objects.filter(active=True).values_list("pk", "code", "service_area_id",
                                                                        "frequency", "statutory"))
    tasks: list[Task] = []
    holidays = running.holidays_around(today, *(q.end for q in quarters))
    for quarter in quarters:
        due = dates[quarter.pk]
        found = outstanding(quarter, indicators)
        for pk, code, area_id, question_at, statutory in found.questions:
            asked = timezone.localtime(question_at).date() if question_at else due[Deadline.FIGURES]
            # Due with the figures, but never fewer than QUESTION_DAYS working days after it was asked.
            answer_by = max(due[Deadline.FIGURES], add_working_days(asked, QUESTION_DAYS, holidays))
            tasks.append(Task(
                key=f"question:{quarter.slug}:{pk}:{question_at:%Y%m%d%H%M%S}:{answer_by:%Y%m%d}" if question_at
                else f"question:{quarter.slug}:{pk}:{answer_by:%Y%m%d}",
                title=f"Answer the performance team's question on {code} and submit it again",
                due=answer_by,
                url=reverse("kpis:entry", args=[quarter.slug, area_id]), area_id=area_id,
                area=areas[area_id].name, people=owners.get(area_id) or officers, statutory=statutory,
                kind="question"))
        for area_id, codes in sorted(found.to_enter.items()):
            annual = sum(1 for _, _, is_annual, _ in codes if is_annual)
            of_which = f"; {annual} of them the {quarter.value.financial_year.label} annual result" \
                       f"{'s' if annual != 1 else ''}" if annual else ""
            tasks.append(Task(
                key=f"figures:{quarter.slug}:area:{area_id}:{due[Deadline.FIGURES]:%Y%m%d}",
                title=f"Enter and submit {_plural(len(codes), 'figure')} for {areas[area_id].name}, {quarter.label} "
                      f"({', '.join(c for c, *_ in codes[:6])}{'...' if len(codes) > 6 else ''}{of_which})",
                due=due[Deadline.FIGURES], url=reverse("kpis:entry", args=[quarter.slug, area_id]),
                area_id=area_id, area=areas[area_id].name, people=owners.get(area_id) or officers,
                statutory=any(s for _, s, *_ in codes), kind="figures"))
        if found.submitted:
            tasks.append(Task(
                key=f"sign-off:{quarter.slug}:{due[Deadline.SIGN_OFF]:%Y%m%d}",
                title=f"Check and sign off {_plural(found.submitted, 'submitted figure')} for {quarter.label}",
                due=due[Deadline.SIGN_OFF], url=reverse("kpis:submissions", args=[quarter.slug]),
                people=officers, kind="sign-off"))
    return tasks

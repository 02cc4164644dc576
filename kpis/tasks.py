"""The performance tasks of the quarters being run (organisation/tasks.py): figures to enter and submit
per service area, questions to answer, and the performance team's sign-off."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.urls import reverse
from django.utils import timezone

from organisation import access, roles
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


def provider(quarters: list[ReportingPeriod], dates: dict[int, dict[Deadline, date]], today: date) -> list[Task]:
    areas = {a.pk: a for a in ServiceArea.objects.all()}
    managers = task_lists.area_managers()
    indicators = list(Indicator.objects.filter(active=True).values_list("pk", "code", "service_area_id",
                                                                        "frequency", "statutory"))
    officers = tuple(sorted(access.users_with_role(roles.PERFORMANCE_OFFICER).values_list("pk", flat=True)))
    tasks: list[Task] = []
    holidays = running.holidays_around(today, *(q.end for q in quarters))
    for quarter in quarters:
        due = dates[quarter.pk]
        year = ReportingPeriod.objects.filter(year=quarter.year, quarter__isnull=True).first()
        period_ids = [quarter.pk] + ([year.pk] if year else [])
        figures = {(i, p): (state, value, question, question_at, answered_at, reported_in)
                   for i, p, state, value, question, question_at, answered_at, reported_in in
                   Actual.objects.filter(period_id__in=period_ids).values_list(
                       "indicator_id", "period_id", "state", "value", "question", "question_at", "answered_at",
                       "reported_in_id")}
        to_enter: dict[int, list[tuple[str, bool]]] = defaultdict(list)
        submitted = 0
        for pk, code, area_id, frequency, statutory in indicators:
            period_id = year.pk if frequency == Indicator.Frequency.ANNUAL and year else quarter.pk
            found = figures.get((pk, period_id))
            if found is not None and found[5] not in (None, quarter.pk):
                continue  # a year's figure reported in another quarter
            state, value, question, question_at, answered_at, _ = found or ("", None, "", None, None, None)
            pending = bool(question) and (answered_at is None or (question_at and answered_at < question_at))
            if pending:
                asked = timezone.localtime(question_at).date() if question_at else due[Deadline.FIGURES]
                # Due with the figures, but never fewer than QUESTION_DAYS working days after it was asked.
                answer_by = max(due[Deadline.FIGURES], add_working_days(asked, QUESTION_DAYS, holidays))
                tasks.append(Task(
                    key=f"question:{quarter.slug}:{pk}:{question_at:%Y%m%d%H%M%S}:{answer_by:%Y%m%d}" if question_at
                    else f"question:{quarter.slug}:{pk}:{answer_by:%Y%m%d}",
                    title=f"Answer the performance team's question on {code} and submit it again",
                    due=answer_by,
                    url=reverse("kpis:entry", args=[quarter.slug, area_id]), area_id=area_id,
                    area=areas[area_id].name, people=managers.get(area_id, ()), statutory=statutory,
                    kind="question"))
                continue
            if state == Actual.State.SUBMITTED:
                submitted += 1
            if state in ("", Actual.State.DRAFT) and frequency != Indicator.Frequency.ANNUAL:
                to_enter[area_id].append((code, statutory))
        for area_id, codes in sorted(to_enter.items()):
            tasks.append(Task(
                key=f"figures:{quarter.slug}:area:{area_id}:{due[Deadline.FIGURES]:%Y%m%d}",
                title=f"Enter and submit {_plural(len(codes), 'figure')} for {areas[area_id].name}, {quarter.label} "
                      f"({', '.join(c for c, _ in codes[:6])}{'...' if len(codes) > 6 else ''})",
                due=due[Deadline.FIGURES], url=reverse("kpis:entry", args=[quarter.slug, area_id]),
                area_id=area_id, area=areas[area_id].name, people=managers.get(area_id, ()),
                statutory=any(s for _, s in codes), kind="figures"))
        if submitted:
            tasks.append(Task(
                key=f"sign-off:{quarter.slug}:{due[Deadline.SIGN_OFF]:%Y%m%d}", title=f"Check and sign off {_plural(submitted, 'submitted figure')}"
                                                      f" for {quarter.label}",
                due=due[Deadline.SIGN_OFF], url=reverse("kpis:submissions", args=[quarter.slug]),
                people=officers, kind="sign-off"))
    return tasks

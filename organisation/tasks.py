"""Everyone's own list of what is due: tasks gathered from each domain app, for the home page, the
performance officer's overview and the reminders.

Each app registers a provider (from its AppConfig.ready()): provider(quarters, deadlines, today) -> list of
reminders.Task, for every person. A task belongs to the managers of its service area (Task.people); the
home page shows a user the tasks that are theirs, the performance officer every task.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from . import quarter as running
from .deadlines import Deadline
from .models import ReportingPeriod
from .reminders import Task

Provider = Callable[[list[ReportingPeriod], dict[int, dict[Deadline, date]], date], list[Task]]
_PROVIDERS: list[Provider] = []


def area_managers() -> dict[int, tuple[int, ...]]:
    """Each service area's active service managers (those holding the role: someone merely listed on an area
    is given none of its tasks), in one query."""
    from django.contrib.auth import get_user_model

    from . import roles

    through = get_user_model().managed_service_areas.through
    found: dict[int, list[int]] = {}
    for area_id, user_id in through.objects.filter(
            user__is_active=True, user__groups__name=roles.SERVICE_MANAGER).values_list(
            "servicearea_id", "user_id").distinct().order_by("servicearea_id", "user_id"):
        found.setdefault(area_id, []).append(user_id)
    return {area_id: tuple(ids) for area_id, ids in found.items()}


def register(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


@dataclass(frozen=True)
class Shown:
    """A task as a page shows it to someone on a day."""

    task: Task
    overdue: bool
    days: int  # calendar days to the deadline (negative: late by that many)

    @property
    def when(self) -> str:
        if self.days == 0:
            return "due today"
        if self.days > 0:
            return f"due in {self.days} day{'s' if self.days != 1 else ''}"
        return f"{-self.days} day{'s' if self.days != -1 else ''} overdue"


def all_tasks(today: date, *, quarters: list[ReportingPeriod] | None = None, request=None) -> list[Task]:
    """Every outstanding task of the quarters being run, by due date (kept in the summaries cache while the
    data is unchanged: organisation/summaries.py)."""
    from . import summaries

    quarters = running.being_run(today) if quarters is None else quarters
    if not quarters:
        return []

    def compute() -> list[Task]:
        dates = running.dates_many(quarters)
        found: list[Task] = []
        for provider in _PROVIDERS:
            found += provider(quarters, dates, today)
        return sorted(found, key=lambda t: (t.due, t.area, t.title))

    return summaries.cached("tasks", (today, tuple(q.pk for q in quarters)), compute, request=request)


def shown(tasks: list[Task], today: date) -> list[Shown]:
    return [Shown(t, today > t.due, (t.due - today).days) for t in tasks]


def for_user(user, today: date, *, quarters: list[ReportingPeriod] | None = None, request=None) -> list[Shown]:
    """The tasks that are the user's own (their areas' returns), overdue first."""
    mine = [t for t in all_tasks(today, quarters=quarters, request=request) if user.pk in t.people]
    return shown(mine, today)

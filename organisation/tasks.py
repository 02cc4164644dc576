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


def area_owners() -> dict[int, tuple[int, ...]]:
    """Whose each service area's tasks are: its active service managers; an area with none goes to its head of
    service (if active), else to the performance officers, so no return is left with no one to do it. In
    three queries, whatever the number of areas."""
    from .models import ServiceArea

    managers = area_managers()
    heads = heads_of_service()
    officers = performance_officers()
    owners: dict[int, tuple[int, ...]] = {}
    for area_id in ServiceArea.objects.values_list("pk", flat=True):
        head = heads.get(area_id)
        owners[area_id] = managers.get(area_id) or ((head,) if head else officers)
    return owners


def performance_officers() -> tuple[int, ...]:
    from . import access, roles

    return tuple(sorted(access.users_with_role(roles.PERFORMANCE_OFFICER).values_list("pk", flat=True)))


def heads_of_service() -> dict[int, int]:
    """Each service area's active head of service (area id -> user id)."""
    from .models import ServiceArea

    return dict(ServiceArea.objects.filter(head_of_service__is_active=True).values_list("pk", "head_of_service_id"))


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


def overdue_in_areas_headed_by(user, today: date, *, quarters: list[ReportingPeriod] | None = None,
                               request=None) -> list[Shown]:
    """A head of service's view: the overdue returns of the service areas she heads, whoever holds them."""
    areas = {area_id for area_id, head_id in heads_of_service().items() if head_id == user.pk}
    if not areas:
        return []
    return [s for s in shown([t for t in all_tasks(today, quarters=quarters, request=request)
                              if t.area_id in areas], today) if s.overdue]

"""The placements task of the quarters being run (organisation/tasks.py): the quarter's snapshot, a
statutory return (its chaser goes even to someone who turned reminders off)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from organisation import tasks as task_lists
from organisation.deadlines import Deadline
from organisation.models import ReportingPeriod
from organisation.reminders import Task

from . import report
from .models import PlacementSnapshot


def provider(quarters: list[ReportingPeriod], dates: dict[int, dict[Deadline, date]], today: date) -> list[Task]:
    area = report.owning_service_area()
    people = (task_lists.area_owners().get(area.pk) if area else None) or task_lists.performance_officers()
    recorded = set(PlacementSnapshot.objects.filter(period__in=quarters).values_list("period_id", flat=True))
    return [
        Task(key=f"snapshot:{quarter.slug}:{dates[quarter.pk][Deadline.FIGURES]:%Y%m%d}", title=f"Record the children's placements snapshot for {quarter.label}",
             due=dates[quarter.pk][Deadline.FIGURES], url=reverse("placements:entry", args=[quarter.slug]),
             area_id=area.pk if area else None, area=area.name if area else "", people=people, statutory=True,
             kind="snapshot")
        for quarter in quarters if quarter.pk not in recorded
    ]

"""The risk tasks of the quarters being run (organisation/tasks.py): risks to review, actions due."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse

from organisation import tasks as task_lists
from organisation.deadlines import Deadline
from organisation.models import ReportingPeriod, ServiceArea
from organisation.reminders import Task

from . import queries
from .models import Risk, RiskAction, RiskReview

ACTIONS_AHEAD = timedelta(days=14)  # an open action shows as a task this long before it is due


def provider(quarters: list[ReportingPeriod], dates: dict[int, dict[Deadline, date]], today: date) -> list[Task]:
    areas = {a.pk: a for a in ServiceArea.objects.all()}
    owners = task_lists.area_owners()
    officers = task_lists.performance_officers()
    tasks: list[Task] = []
    for quarter in quarters:
        due = dates[quarter.pk][Deadline.REVIEWS]
        unreviewed = Risk.objects.filter(status=Risk.Status.OPEN).exclude(
            Exists(RiskReview.objects.filter(risk=OuterRef("pk"), period=quarter)))
        found = list(unreviewed.order_by("reference").values_list("pk", "reference", "title", "service_area_id"))
        prompted = queries.reviews_prompted([pk for pk, *_ in found], quarter)  # key risk indicators read Red
        for pk, reference, title, area_id in found:
            why = f" (review prompted: {', '.join(prompted[pk])} Red)" if pk in prompted else ""
            tasks.append(Task(
                key=f"review:{quarter.slug}:risk:{pk}:{due:%Y%m%d}", title=f"Review {reference} {title} for {quarter.label}{why}",
                due=due, url=reverse("risks:review", args=[reference, quarter.slug]), area_id=area_id,
                area=areas[area_id].name if area_id in areas else "", people=owners.get(area_id) or officers,
                kind="review"))
    if quarters:
        latest = max(q.end for q in quarters)
        horizon = max(today, latest) + ACTIONS_AHEAD
        for pk, reference, exempt, description, due_date, area_id in RiskAction.objects.filter(
                status=RiskAction.Status.OPEN, risk__status=Risk.Status.OPEN, due_date__isnull=False,
                due_date__lte=horizon).values_list("pk", "risk__reference", "risk__exempt", "description",
                                                   "due_date", "risk__service_area_id").order_by("due_date"):
            what = "an action (exempt)" if exempt else f'"{description[:80]}{"..." if len(description) > 80 else ""}"'
            tasks.append(Task(
                key=f"action:{pk}:{due_date:%Y%m%d}", title=f"Complete {what} on {reference}", due=due_date,
                url=reverse("risks:risk", args=[reference]), area_id=area_id,
                area=areas[area_id].name if area_id in areas else "", people=owners.get(area_id) or officers,
                kind="action"))
    tasks += _expired_acceptances(today, areas, officers)
    from . import audit_actions

    tasks += audit_actions.tasks(today, owners, officers, areas)  # internal audit's agreed actions overdue
    return tasks


def _expired_acceptances(today: date, areas, officers) -> list[Task]:
    """An acceptance outside appetite that has expired is the second line's task: accept again, or treat."""
    from .controls import acceptances

    found = acceptances(Risk.objects.filter(status=Risk.Status.OPEN).values_list("pk", flat=True))
    out = []
    for acceptance in found.values():
        if acceptance.expires >= today:
            continue
        risk = acceptance.risk
        out.append(Task(
            key=f"acceptance:{acceptance.pk}:{acceptance.expires:%Y%m%d}",
            title=f"Acceptance of {risk.reference} outside appetite expired on {acceptance.expires:%-d %B %Y}: "
                  "accept it again or treat the risk",
            due=acceptance.expires, url=reverse("risks:accept", args=[risk.reference]), area_id=risk.service_area_id,
            area=areas[risk.service_area_id].name if risk.service_area_id in areas else "", people=officers,
            kind="acceptance"))
    return out

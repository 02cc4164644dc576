from __future__ import annotations

from organisation import access, summaries
from organisation.home import Panel
from organisation.services import Outstanding

from . import report as reports


def placements_panel(request) -> Panel | None:
    user = request.user
    quarters = reports.quarters_with_snapshots()
    if access.is_executive(user) or access.is_performance_officer(user):
        if not quarters:
            return None
        latest, baseline = quarters[-1], quarters[max(0, len(quarters) - 6)]

        def compute() -> dict:
            result = reports.build([latest], baseline, pick=lambda names: [])  # the totals only
            return {"total": result.grand[0], "change": result.changes[0], "foster": result.foster_splits[0],
                    "target": result.target_in_house}

        figures = summaries.cached("placements-executive-panel", (latest.pk, baseline.pk), compute, request=request)
        return Panel("placements/panel_executive.html", {"latest": latest, "baseline": baseline, **figures}, order=30)
    area = reports.owning_service_area()
    if area is not None and access.manages_service_area(user, area.pk):
        from organisation.models import ReportingPeriod

        open_quarter = ReportingPeriod.objects.latest_quarter()
        entered = bool(open_quarter and any(q.pk == open_quarter.pk for q in quarters))
        return Panel("placements/panel_manager.html", {"quarter": open_quarter, "entered": entered}, order=30)
    return None


def lock_check(quarter) -> list[Outstanding]:
    """A quarter with no placement snapshot (when there are placement categories)."""
    from .models import PlacementCategory, PlacementSnapshot

    if PlacementSnapshot.objects.filter(period=quarter).exists() or not PlacementCategory.objects.filter(
            active=True).exists():
        return []
    return [Outstanding(f"No children's placement snapshot has been entered for {quarter.label}", 1)]

from __future__ import annotations

from organisation import access, clock, summaries
from organisation.home import Panel
from organisation.models import ReportingPeriod
from organisation.services import Outstanding

from . import queries, scoring
from .models import Risk


def risk_panel(request) -> Panel | None:
    user = request.user
    if access.is_executive(user) or access.is_performance_officer(user) or access.is_audit_committee(user):
        quarter = queries.default_quarter(user)
        if quarter is None:
            return None
        if access.is_audit_committee(user) and not (access.is_executive(user) or access.is_performance_officer(user)):
            stored = queries.stored_register(user, quarter)
            if stored is not None:
                return Panel("risks/panel_audit.html", {"quarter": quarter, "count": stored.count(),
                                                        "outside_count": stored.outside_count()}, order=20)
            found = queries.register(user, quarter, facts=True)
            return Panel("risks/panel_audit.html", {"quarter": quarter, "count": found.total,
                                                    "outside_count": len(found.outside)}, order=20)

        def compute() -> dict:
            # The register's own figures: the same as the register and heat map pages (counted in the database
            # over the stored judgements where the quarter has them).
            stored = queries.stored_register(user, quarter)
            if stored is not None:
                return {"outside": stored.outside(10), "outside_count": stored.outside_count(),
                        "total": stored.count(), "grid": stored.heat_map("threat", "current"),
                        "scheme": stored.scheme}
            found = queries.register(user, quarter, facts=True)
            return {"outside": found.outside[:10], "outside_count": len(found.outside), "total": found.total,
                    "grid": found.heat_map("threat", "current"), "scheme": found.scheme}

        registers, areas = access.risk_visibility(user)
        figures = summaries.cached(
            "risk-executive-panel", (quarter.pk, quarter.state, tuple(sorted(registers)), tuple(sorted(areas))),
            compute, request=request,
        )
        scheme = figures["scheme"]
        return Panel("risks/panel_executive.html", {
            "quarter": quarter, **figures,
            "impacts": [(v, scheme.impacts[scoring.Kind.THREAT][v]) for v in scheme.impact_values("threat")],
            "band_positions": {b.name: i + 1 for i, b in enumerate(scheme.levels)},
        }, order=20)
    if access.is_service_manager(user):
        quarter = ReportingPeriod.objects.latest_quarter()
        if quarter is None:
            return None
        due = queries.reviews_due(user, quarter, clock.today())
        return Panel("risks/panel_manager.html", {"quarter": quarter, "due": due}, order=20)
    return None


def lock_check(quarter) -> list[Outstanding]:
    """Open risks with no review in the quarter: locked, their last review is carried forward."""
    from django.urls import reverse

    from .models import RiskReview

    due = Risk.objects.filter(status=Risk.Status.OPEN).exclude(
        pk__in=RiskReview.objects.filter(period=quarter).values("risk_id")).count()
    if not due:
        return []
    return [Outstanding(f"{due} open risk{'s have' if due != 1 else ' has'} no review for {quarter.label}: "
                        f"{'their' if due != 1 else 'its'} last review will be carried forward", due,
                        reverse("risks:register") + f"?period={quarter.slug}")]

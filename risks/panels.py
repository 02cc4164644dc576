from __future__ import annotations

from django.utils import timezone

from organisation import access, summaries
from organisation.home import Panel
from organisation.models import ReportingPeriod
from organisation.services import Outstanding

from . import queries, scoring
from .models import Risk


def risk_panel(request) -> Panel | None:
    user = request.user
    if access.is_executive(user) or access.is_performance_officer(user) or access.is_audit_committee(user):
        quarter = queries.default_quarter()
        if quarter is None:
            return None
        model, scheme = queries.active_scheme()
        risks = queries.risks_visible_to(user).filter(status=Risk.Status.OPEN)
        if access.is_audit_committee(user) and not (access.is_executive(user) or access.is_performance_officer(user)):
            return Panel("risks/panel_audit.html", {"quarter": quarter, "count": risks.count()}, order=20)
        def compute() -> dict:
            rows = [r for r in queries.rows_for(queries.risk_facts(risks), quarter, scheme, ids=risks.values("pk"))
                    if r.reviewed_this_quarter]
            outside = [r for r in rows if r.outside]
            return {"outside": outside[:10], "outside_count": len(outside),
                    "grid": scoring.heat_map(scheme, scoring.Kind.THREAT, [
                        (r.review.likelihood, r.review.impact) for r in rows if r.risk.kind == "threat"])}

        # Keyed by what this user may see and by the scheme (activated without a history record).
        registers, areas = access.risk_visibility(user)
        figures = summaries.cached(
            "risk-executive-panel",
            (quarter.pk, model.pk, repr(model.definition), tuple(sorted(registers)), tuple(sorted(areas))),
            compute, request=request,
        )
        return Panel("risks/panel_executive.html", {
            "quarter": quarter, "scheme": scheme, **figures,
            "impacts": [(v, scheme.impacts[scoring.Kind.THREAT][v]) for v in scheme.impact_values("threat")],
            "band_positions": {b.name: i + 1 for i, b in enumerate(scheme.levels)},
        }, order=20)
    if access.is_service_manager(user):
        quarter = ReportingPeriod.objects.latest_quarter()
        if quarter is None:
            return None
        due = queries.reviews_due(user, quarter, timezone.localdate())
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

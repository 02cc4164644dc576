from __future__ import annotations

from django.utils import timezone

from organisation import access
from organisation.home import Panel
from organisation.models import ReportingPeriod

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
        rows = [r for r in queries.rows_for(queries.risk_facts(risks), quarter, scheme, ids=risks.values("pk"))
                if r.reviewed_this_quarter]
        grid = scoring.heat_map(scheme, scoring.Kind.THREAT, [(r.review.likelihood, r.review.impact) for r in rows
                                                              if r.risk.kind == "threat"])
        outside = [r for r in rows if r.outside]
        return Panel("risks/panel_executive.html", {
            "quarter": quarter, "outside": outside[:10], "outside_count": len(outside), "grid": grid,
            "scheme": scheme,
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

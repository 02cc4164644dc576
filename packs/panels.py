"""The committee packs panel of the home page: the latest issued packs, to download as issued."""

from __future__ import annotations

from organisation import access
from organisation.home import Panel

from .models import Pack
from .views import FILES


def packs_panel(request) -> Panel | None:
    user = request.user
    if not access.can_view_packs(user):
        return None
    latest = list(Pack.objects.select_related("committee", "quarter", "directorate").defer(*FILES.values())[:3])
    # The audit committee reads the papers first; others after their own figures.
    order = 5 if access.is_audit_committee(user) and not access.is_performance_officer(user) else 40
    return Panel("packs/panel.html", {"packs": latest, "show_exempt": access.can_view_exempt(user),
                                      "can_issue": access.can_issue_packs(user)}, order=order)

"""The home page's programmes panel: for each programme running or closed with savings, what is planned and
what is at risk in the newest quarter it reported savings in."""

from __future__ import annotations

from django.db.models import F, OuterRef, Subquery

from organisation import access
from organisation.home import Panel

from . import rules
from .models import Programme, Saving

SHOWN = (Programme.Status.RUNNING, Programme.Status.CLOSED)


def _newest_period(programme_ref: str) -> Subquery:
    return Subquery(Saving.objects.filter(programme=OuterRef(programme_ref))
                    .order_by("-period__year", "-period__quarter").values("period")[:1])


def savings_summaries() -> list[dict]:
    """One entry per programme shown, in name order, in one query whatever the number of programmes and
    lines: its name, status, the quarter, the lines' total planned, how many financial years they cover, and
    the planned savings At risk or Undeliverable (Saving.status with the programme's tolerance)."""
    lines = list(Saving.objects.filter(programme__status__in=SHOWN)
                 .annotate(newest=_newest_period("programme")).filter(period_id=F("newest"))
                 .select_related("programme", "year", "period")
                 .order_by("programme__name", "programme_id", "year__year"))
    by_programme: dict[int, list[Saving]] = {}
    for line in lines:
        by_programme.setdefault(line.programme_id, []).append(line)
    out = []
    for items in by_programme.values():
        programme = items[0].programme
        tolerance = programme.savings_tolerance
        # Saving.status: the status recorded at the lock, else the RAG entered, else judged from the amounts
        # with the programme's tolerance (programmes.rules.saving_status).
        at_risk_lines = [s for s in items if s.status(tolerance).at_risk]
        at_risk = sum((s.planned for s in at_risk_lines), rules.ZERO)
        planned = rules.savings_total(s.line() for s in items).planned
        out.append({
            "pk": programme.pk, "name": programme.name, "status": programme.get_status_display(),
            "quarter": items[0].period.label, "years": len({s.year_id for s in items}),
            "planned": planned, "planned_text": rules.money_short(planned),
            "at_risk": at_risk, "at_risk_text": rules.money_short(at_risk),
            "at_risk_lines": len(at_risk_lines),
        })
    return out


def programmes_panel(request) -> Panel | None:
    if not access.can_view_programmes(request.user):
        return None
    # Not cached: one query, over only each programme's newest quarter of savings (the summaries' stamp does
    # not cover the programmes' tables).
    programmes = savings_summaries()
    if not programmes:
        return None
    return Panel("programmes/panel_savings.html", {"programmes": programmes}, order=35)

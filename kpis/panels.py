"""The performance panels of the role-based home page."""

from __future__ import annotations

from organisation import access, summaries
from organisation.home import Panel
from organisation.services import Outstanding

from . import queries
from . import status as rules


def kpi_panel(request) -> Panel | None:
    user = request.user
    quarter = queries.default_quarter(user)
    if quarter is None:
        return None
    if access.is_performance_officer(user):
        from .views import submission_progress

        return Panel("kpis/panel_officer.html", {"quarter": quarter, "progress": submission_progress(quarter)},
                     order=10)
    if access.is_executive(user):
        def compute() -> dict:
            found = queries.stored_scope(user, quarter)
            if found is not None:  # counted in the database over the stored judgements
                return {"summary": found.summary, "exceptions": found.exceptions[:5],
                        "exception_count": found.exceptions.count()}
            indicators = queries.indicators_visible_to(user)
            rows = queries.judge_quarter(queries.indicator_facts(indicators), quarter, ids=indicators.values("pk"))
            exceptions = queries.worst_first(rows)
            return {"summary": rules.summarise((r.status, r.direction) for r in rows),
                    "exceptions": exceptions[:5], "exception_count": len(exceptions)}

        # Every executive sees every indicator: one summary per quarter and data stamp.
        figures = summaries.cached("kpi-executive-panel", (quarter.pk,), compute, request=request)
        return Panel("kpis/panel_executive.html", {"quarter": quarter, **figures}, order=10)
    if access.is_service_manager(user):
        indicators = list(queries.indicators_for_entry(user))
        rows = queries.judge_quarter(indicators, quarter)
        missing = [r for r in rows if r.value is None]
        not_submitted = [r for r in rows if r.actual is None or r.actual.state == "draft"]
        summary = rules.summarise((r.status, r.direction) for r in rows)
        return Panel("kpis/panel_manager.html", {
            "quarter": quarter, "rows": rows, "missing": missing, "not_submitted": not_submitted,
            "summary": summary, "exceptions": queries.worst_first(rows),
        }, order=10)
    return None


def lock_check(quarter) -> list[Outstanding]:
    """What locking the quarter would leave: figures not entered, drafts, submitted but not signed off."""
    from django.urls import reverse

    from .tasks import outstanding

    found = outstanding(quarter)  # the same reading as the tasks and the reminders
    link = reverse("kpis:submissions", args=[quarter.slug])
    out = []
    n, drafts = found.not_submitted, found.drafts
    if n:
        parts = [f"{n - drafts} not entered" if n - drafts else "", f"{drafts} draft{'s' if drafts != 1 else ''}"
                 if drafts else ""]
        out.append(Outstanding(
            f"{n} figure{'s' if n != 1 else ''} not submitted ({', '.join(p for p in parts if p)}): locked, "
            f"{'they' if n != 1 else 'it'} will read \"not submitted\" and never be reported", n, link))
    if found.submitted:
        waiting = found.submitted
        out.append(Outstanding(f"{waiting} submitted figure{'s' if waiting != 1 else ''} not yet signed off "
                               "(sign them off below, or they will read \"not submitted\")", waiting, link))
    if found.questions:
        asked = sorted(found.questions, key=lambda q: q[1])
        codes = ", ".join(code for _, code, *_ in asked)
        out.append(Outstanding(f"{codes}: sent back with a question not yet answered (locked now, "
                               f"{'they' if len(asked) != 1 else 'it'} will read \"not submitted\" and the question "
                               "will go unanswered)", len(asked), link))
    return out


def _periods_of(quarter):
    """The quarter and its financial year (a year's figure is reported in a quarter's forms)."""
    from django.db.models import Q

    from organisation.models import ReportingPeriod

    return ReportingPeriod.objects.filter(Q(pk=quarter.pk) | Q(year=quarter.year, quarter__isnull=True))

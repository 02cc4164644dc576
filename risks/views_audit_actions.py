"""The pages of internal-audit recommendations and their agreed actions: the list (live, or as a locked quarter
recorded it), adding one, and one recommendation's page (its form, and every revision of its due date)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from organisation import access, clock, parsing
from organisation.models import ReportingPeriod
from organisation.records import ConcurrentEdit, InvalidWrite, RecordError
from organisation.shortcuts import get_quarter_or_404

from . import audit_actions
from .audit_forms import RecommendationForm, UpdateForm
from .models import AuditRecommendation

PER_PAGE = 50
PRIORITY_FILTERS = {"high": "High", "medium": "Medium", "low": "Low"}


def _choice(request: HttpRequest, name: str, allowed: dict) -> str:
    value = (request.GET.get(name) or "").strip().lower()
    if value and value not in allowed:
        raise Http404(f"Not a {name}")
    return value


def audit_actions_list(request: HttpRequest) -> HttpResponse:
    """Every recommendation the user reads, overdue first, filtered by status and priority; with ?period= a
    locked quarter's, as recorded at its lock."""
    user = request.user
    if not access.can_view_audit_actions(user):
        raise PermissionDenied
    status = _choice(request, "status", audit_actions.STATUS_FILTERS)
    priority = _choice(request, "priority", PRIORITY_FILTERS)
    quarter = get_quarter_or_404(request.GET.get("period"), lambda: None) if request.GET.get("period") else None
    today = clock.today()
    as_at, not_recorded = today, False
    query = request.GET.copy()
    query.pop("page", None)
    if quarter is not None and quarter.is_locked:
        entries = audit_actions.recorded(quarter)
        not_recorded = entries is None
        rows = audit_actions.rows_recorded(entries or [], user, status=status, priority=priority)
        as_at = audit_actions.recorded_as_at(entries) or quarter.recorded_at
        page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
        shown = list(page.object_list)
    else:
        found = audit_actions.listing(user, today, status=status, priority=priority)
        page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
        shown = audit_actions.rows_of(page.object_list, user, today)
    return render(request, "risks/audit_actions.html", {
        "rows": shown, "page": page, "page_query": query.urlencode(), "quarter": quarter, "as_at": as_at,
        "not_recorded": not_recorded, "status": status, "priority": priority,
        "statuses": audit_actions.STATUS_FILTERS, "priorities": PRIORITY_FILTERS,
        "quarters": ReportingPeriod.objects.quarters().filter(state=ReportingPeriod.State.LOCKED).order_by(
            "-year", "-quarter"),
        "can_add": access.can_add_audit_actions(user),
    })


def _errors_to_form(form, exc: InvalidWrite) -> None:
    for name, message in exc.errors.items():
        text = message[:1].upper() + message[1:]
        form.add_error(name if name in form.fields else None, text)


def _conflict_message(exc: ConcurrentEdit) -> str:
    by = exc.conflicts[0].by if exc.conflicts else "someone else"
    return (f"{by} saved this recommendation after you opened it, so nothing was saved: open it again to see "
            "their changes, then make yours")


def audit_action_new(request: HttpRequest) -> HttpResponse:
    if not access.can_add_audit_actions(request.user):
        raise PermissionDenied
    form = RecommendationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rec = AuditRecommendation(**{name: data[name] for name in audit_actions.FIELDS})
        try:
            saved = audit_actions.recommendation_save(
                user=request.user, rec=rec, risk_refs=audit_actions.split_references(data["risks"]),
                reason=data["reason"])
        except InvalidWrite as exc:
            _errors_to_form(form, exc)
        except RecordError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"The recommendation from {saved.source} is saved.")
            return redirect("risks:audit_action", pk=saved.pk)
    return render(request, "risks/audit_action.html", {"form": form, "rec": None, "row": None, "revisions": [],
                                                       "full": True},
                  status=400 if request.method == "POST" else 200)


def audit_action(request: HttpRequest, pk: str) -> HttpResponse:
    """One recommendation: the performance officer changes anything; a manager of a linked risk's area its
    agreed action, status and revised due date; the other readers read it, with every revision."""
    user = request.user
    if not access.can_view_audit_actions(user):
        raise PermissionDenied
    number = parsing.record_id(pk)
    if number is None or number > 2**62:
        raise Http404
    rec = get_object_or_404(AuditRecommendation.objects.prefetch_related("risks"), pk=number)
    areas = {risk.service_area_id for risk in rec.risks.all()}
    if not access.can_view_audit_action(user, areas):
        raise Http404
    full = access.can_add_audit_actions(user)
    limited = not full and access.can_update_audit_action(user, areas)
    if request.method == "POST" and not (full or limited):
        raise PermissionDenied
    today = clock.today()
    form = None
    conflict = False
    if full or limited:
        form_class = RecommendationForm if full else UpdateForm
        initial = {name: getattr(rec, name) for name in audit_actions.FIELDS if name in form_class.base_fields}
        initial["revision_reason"] = ""  # the current reason is shown beside it; a new one goes with a new date
        initial["version"] = rec.version
        if full:
            initial["risks"] = "; ".join(sorted((r.reference for r in rec.risks.all()), key=audit_actions.natural_key))
        form = form_class(request.POST if request.method == "POST" else None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            changed = AuditRecommendation.objects.get(pk=rec.pk)
            for name in (audit_actions.FIELDS if full else audit_actions.MANAGER_FIELDS):
                if name == "revision_reason":
                    # Blank: the reason stays that of the current revision.
                    changed.revision_reason = data["revision_reason"] or rec.revision_reason
                else:
                    setattr(changed, name, data[name])
            try:
                audit_actions.recommendation_save(
                    user=user, rec=changed, reason=data["reason"],
                    expected_version=data["version"] if data["version"] is not None else 0,  # none posted: stale
                    risk_refs=audit_actions.split_references(data["risks"]) if full else None)
            except ConcurrentEdit as exc:
                form.add_error(None, _conflict_message(exc))
                conflict = True
            except InvalidWrite as exc:
                _errors_to_form(form, exc)
            except RecordError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"The recommendation from {changed.source} is saved.")
                return redirect("risks:audit_action", pk=rec.pk)
    row = audit_actions.row_of(rec, user, today)
    status = 409 if conflict else (400 if request.method == "POST" else 200)
    return render(request, "risks/audit_action.html", {
        "form": form, "rec": rec, "row": row, "full": full, "revisions": audit_actions.revisions_of(rec),
    }, status=status)


def audit_actions_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The list as a download (formats.md's `audit-actions` columns), of what the user reads: now, or with
    ?period= a locked quarter's record."""
    from organisation.interchange.responses import download_response

    from . import audit_resources

    user = request.user
    if not access.can_view_audit_actions(user):
        raise PermissionDenied
    quarter = get_quarter_or_404(request.GET.get("period"), lambda: None) if request.GET.get("period") else None
    if quarter is not None and quarter.is_locked:
        entries = [e for e in audit_actions.recorded(quarter) or [] if audit_actions._entry_visible(user, e)]
        name = f"audit-actions-{quarter.slug}"
    else:
        entries = audit_actions.entries_of(audit_actions.visible(user), clock.today())
        name = f"audit-actions-{clock.today():%Y-%m-%d}"
    return download_response(audit_resources._rows(entries), fmt, name, title="Internal audit recommendations")

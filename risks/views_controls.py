"""Pages for a risk's controls (reviewed each quarter) and its formal acceptance outside appetite."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from organisation import access, clock
from organisation.records import ConcurrentEdit, InvalidWrite, RecordError

from . import assurance, controls
from .forms import AcceptanceForm, ControlForm, WithdrawForm
from .models import Judgement, Risk
from .views import _quarter, _visible_risk


def _controls_risk(request: HttpRequest, reference: str, quarter=None) -> tuple[Risk, str]:
    """The risk, and its reference and title as the quarter reported them (a locked quarter's, as locked)."""
    risk = _visible_risk(request.user, reference)
    judged = None
    if quarter is not None and quarter.is_locked:
        judged = Judgement.objects.filter(risk=risk, quarter=quarter).only("reference", "title", "exempt").first()
    # A control of an exempt risk is its detail: Part B, for those who may read it - exempt now, or when the
    # quarter was locked.
    if (risk.exempt or (judged is not None and judged.exempt)) and not access.can_view_exempt(request.user):
        raise PermissionDenied
    if judged is not None:
        named = f"{judged.reference or risk.reference} {judged.title}"
    elif quarter is not None and quarter.is_locked:
        named = f"{risk.reference} (not on the register in {quarter.label})"  # nothing it reported to name it by
    else:
        named = f"{risk.reference} {risk.title}"
    return risk, named


def _editable(user, risk: Risk, quarter) -> bool:
    return risk.status == Risk.Status.OPEN and access.can_review_risk(user, risk.service_area_id, quarter)


@require_http_methods(["GET", "HEAD"])
def controls_page(request: HttpRequest, reference: str, period: str) -> HttpResponse:
    quarter = _quarter(period)
    risk, named = _controls_risk(request, reference, quarter)
    rows = controls.shown([risk.pk], quarter).get(risk.pk, [])
    chosen = controls.labels()
    return render(request, "risks/controls.html", {
        "risk": risk, "named": named, "quarter": quarter, "rows": rows,
        "editable": _editable(request.user, risk, quarter),
        "from_label": rows[0].period.label if rows and rows[0].period_id != quarter.pk else "",
        "weakest": [(name, assurance.weakest([c.assurance for c in rows if c.line == n], chosen))
                    for n, name in assurance.LINES.items()],
    })


@require_http_methods(["GET", "HEAD", "POST"])
def control_edit(request: HttpRequest, reference: str, period: str, pk: int | None = None) -> HttpResponse:
    quarter = _quarter(period)
    risk, _ = _controls_risk(request, reference, quarter)
    if not _editable(request.user, risk, quarter):
        raise PermissionDenied
    row = None
    if pk is not None:
        row = next((c for c in controls.shown([risk.pk], quarter).get(risk.pk, []) if c.pk == pk), None)
        if row is None:
            raise Http404("No such control in this quarter")
    labels = controls.labels()
    initial = {"version": row.version if row and row.period_id == quarter.pk else 0}
    if row is not None:
        initial |= {name: getattr(row, name) for name in controls.CONTROL_FIELDS}
    if request.method == "POST" and request.POST.get("action") == "remove" and row is not None:
        try:
            controls.control_remove(user=request.user, risk=risk, period=quarter, control=row.control)
        except RecordError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f'"{row.control}" removed from {risk.reference}\'s controls for {quarter.label}.')
        return redirect("risks:controls", reference=risk.reference, period=quarter.slug)
    form = ControlForm(request.POST if request.method == "POST" else None, initial=initial, labels=labels)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            controls.control_save(
                user=request.user, risk=risk, period=quarter, original=row.control if row else None,
                version=(data.get("version") or 0) if row and row.period_id == quarter.pk else None,
                data=controls.ControlInput(**{name: data.get(name) for name in controls.CONTROL_FIELDS}))
        except ConcurrentEdit as exc:
            conflict = exc.conflicts[0].by
        except InvalidWrite as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message[0].upper() + message[1:])
        except RecordError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{risk.reference}'s control saved for {quarter.label}.")
            return redirect("risks:controls", reference=risk.reference, period=quarter.slug)
    return render(request, "risks/control_form.html", {
        "risk": risk, "quarter": quarter, "form": form, "row": row, "conflict": conflict,
    }, status=409 if conflict else (400 if request.method == "POST" else 200))


def _judged_outside(risk: Risk):
    judged = controls.latest_judgement(risk)
    return judged, bool(judged and judged.outside_appetite)


@require_http_methods(["GET", "HEAD", "POST"])
def accept(request: HttpRequest, reference: str) -> HttpResponse:
    """A formal acceptance of a risk outside appetite, by the second line: read by all who read the risk,
    given or withdrawn by a performance officer who does not own the risk."""
    risk = _visible_risk(request.user, reference)
    may = access.is_performance_officer(request.user)
    if request.method == "POST" and not may:
        raise PermissionDenied
    judged, outside = _judged_outside(risk)
    current = controls.acceptances([risk.pk]).get(risk.pk)
    past = list(risk.acceptances.all()[:20])
    form = AcceptanceForm(request.POST if request.method == "POST" and request.POST.get("action") != "withdraw"
                          else None)
    withdraw = WithdrawForm(request.POST if request.method == "POST" and request.POST.get("action") == "withdraw"
                            else None, prefix="w")
    status = 200
    if request.method == "POST":
        status = 400
        chosen = withdraw if request.POST.get("action") == "withdraw" else form
        if chosen.is_valid():
            try:
                if chosen is withdraw:
                    controls.acceptance_withdraw(user=request.user, risk=risk, reason=withdraw.cleaned_data["reason"])
                else:
                    controls.risk_accept(user=request.user, risk=risk, expires=form.cleaned_data["expires"],
                                         justification=form.cleaned_data["justification"])
            except InvalidWrite as exc:
                for name, message in exc.errors.items():
                    chosen.add_error(name if name in chosen.fields else None, message[0].upper() + message[1:])
            except RecordError as exc:
                chosen.add_error(None, exc.message)
            else:
                messages.success(request, f"{risk.reference}: acceptance withdrawn." if chosen is withdraw else
                                 f"{risk.reference} accepted outside appetite until "
                                 f"{form.cleaned_data['expires']:%-d %B %Y}.")
                return redirect("risks:risk", reference=risk.reference)
    today = clock.today()
    state = assurance.acceptance_state(current.expires if current else None, False, today)
    return render(request, "risks/accept.html", {
        "risk": risk, "judged": judged, "outside": outside,
        "judged_rating": judged.likelihood * judged.impact if judged else None, "current": current, "state": state, "past": past,
        "form": form, "withdraw": withdraw, "may": may and not controls._owns(request.user, risk),
        "owns": may and controls._owns(request.user, risk),
        "hide_detail": risk.exempt and not access.can_view_exempt(request.user),
    }, status=status)


def risk_page_extras(user, risk: Risk, quarter) -> dict:
    """What the risk page shows of controls and acceptance (risks.views.risk_detail)."""
    rows = controls.shown([risk.pk], quarter).get(risk.pk, []) if quarter else []
    current = controls.acceptances([risk.pk]).get(risk.pk)
    judged, outside = _judged_outside(risk)
    return {
        "control_rows": rows, "control_quarter": quarter,
        "controls_from": rows[0].period.label if rows and quarter and rows[0].period_id != quarter.pk else "",
        "control_lines": [(name, assurance.weakest([c.assurance for c in rows if c.line == n], controls.labels()))
                          for n, name in assurance.SHORT_LINES.items()],
        "can_edit_controls": bool(quarter) and _editable(user, risk, quarter),
        "acceptance": current, "acceptance_judged": judged, "outside_now": outside,
        "acceptance_state": assurance.acceptance_state(current.expires if current else None, False, clock.today()),
        "may_accept": access.is_performance_officer(user),
    }

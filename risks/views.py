from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from organisation import access, clock, history, interchange, parsing, summaries, typed_work
from organisation.models import Directorate, ReportingPeriod
from organisation.records import ConcurrentEdit, InvalidWrite, RecordError
from organisation.shortcuts import get_quarter_or_404
from organisation.typed_work import keeps_typed_work

from . import audit_actions, committee, queries, scoring, services
from .filters import RegisterFilter
from .forms import ActionForm, NoChangeForm, ReviewForm, RiskForm
from .models import Judgement, Risk, RiskReview, ScoringScheme

PER_PAGE = 50


def _page(request: HttpRequest, rows: list):
    """One page of rows, and the query string without the page number."""
    paginator = Paginator(rows, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


LEVELS = [("all", "All registers"), ("corporate", "Corporate"), ("directorate", "Directorate"), ("service", "Service")]


def _quarter(slug: str | None, user=None) -> ReportingPeriod:
    """The quarter the URL names, else the one the page opens on for this user."""
    return get_quarter_or_404(slug, lambda: queries.default_quarter(user))


def _visible_risk(user, reference: str) -> Risk:
    risk = get_object_or_404(Risk.objects.select_related("directorate", "service_area"), reference=reference)
    if not access.can_view_risk(user, risk.register, risk.service_area_id):
        raise Http404
    return risk


def _register(request: HttpRequest, quarter: ReportingPeriod, *, facts: bool = False, history: bool = False,
              stored: bool = False) -> tuple[queries.Register | queries.StoredRegister, RegisterFilter, str]:
    """The register the page's filters ask for (queries.register: the one source of its figures).

    facts: the rows name and score each risk (RiskFacts) without reading its
    details, for pages that show no more (heat map, summary).
    stored: a page that shows a page of rows and counts: read from the stored judgements in the database
    (queries.stored_register), where the quarter has them.
    """
    level = request.GET.get("level") or "all"
    if level not in dict(LEVELS):
        raise Http404
    filterset = RegisterFilter(request.GET or None, queryset=Risk.objects.none())
    filters = filterset.form.cleaned_data if filterset.is_bound and filterset.form.is_valid() else {}
    cell = None
    if request.GET.get("cell"):  # "current-2-7": from a heat-map cell
        try:
            basis, likelihood, impact = request.GET["cell"].split("-")
            cell = (basis, int(likelihood), int(impact))
        except ValueError:
            raise Http404 from None
        if basis not in ("current", "tolerance"):
            raise Http404
    found = None
    if stored:
        found = queries.stored_register(request.user, quarter, level=level, filters=filters, cell=cell)
    if found is None:
        found = queries.register(request.user, quarter, level=level, filters=filters, cell=cell, facts=facts,
                                 history=history)
    return found, filterset, level


def _rows(found):
    """The rows to page: a StoredRegister pages itself in the database; a Register's list."""
    return found if isinstance(found, queries.StoredRegister) else found.rows


def register(request: HttpRequest) -> HttpResponse:
    if not access.can_view_risks(request.user):
        raise PermissionDenied
    quarter = _quarter(request.GET.get("period"), request.user)
    # Counted, sorted and paged in the database over the stored judgements; the details read for the page only.
    found, filterset, level = _register(request, quarter, facts=True, stored=True)
    rows, scheme = _rows(found), found.scheme
    levels = [(value, label) for value, label in LEVELS
              if value == "all" or value in access.visible_registers(request.user)
              or access.is_service_manager(request.user)]
    page, page_query = _page(request, rows)
    # The page's risks read whole (a locked quarter's rows carry each risk as it was recorded).
    wanted = [row.risk.pk for row in page.object_list if not isinstance(row.risk, (Risk, queries.RecordedRisk))]
    details = Risk.objects.select_related("directorate", "service_area").in_bulk(wanted) if wanted else {}
    for row in page.object_list:
        row.risk = details.get(row.risk.pk, row.risk)
    # Key risk indicators that read Red since a risk on this page was last reviewed (two or three queries).
    prompted = queries.reviews_prompted([row.risk.pk for row in page.object_list], quarter)
    for row in page.object_list:
        row.prompted = prompted.get(row.risk.pk)
    # An internal-audit agreed action overdue (as the quarter's lock recorded it, for a locked one): one query.
    audit_overdue = audit_actions.overdue_risk_ids([row.risk.pk for row in page.object_list], quarter, clock.today())
    for row in page.object_list:
        row.audit_overdue = row.risk.pk in audit_overdue
    # Detail kept to Part B for a risk exempt then or now (one query, for a locked quarter's public rows only).
    part_b = access.can_view_exempt(request.user)
    exempt_now = set() if part_b or not quarter.is_locked else set(Risk.objects.filter(
        pk__in=[row.risk.pk for row in page.object_list], exempt=True).values_list("pk", flat=True))
    for row in page.object_list:
        row.withheld = not part_b and (bool(getattr(row.risk, "exempt", False)) or row.risk.pk in exempt_now)
    # Each row's inherent rating and formal acceptance as the quarter judged them (one query).
    judged = {risk_id: rest for risk_id, *rest in Judgement.objects.filter(
        quarter=quarter, risk_id__in=[row.risk.pk for row in page.object_list]).values_list(
        "risk_id", "inherent_likelihood", "inherent_impact", "accepted_until")}
    today = clock.today()
    for row in page.object_list:
        likelihood, impact, accepted_until = judged.get(row.risk.pk, (None, None, None))
        row.inherent = (likelihood, impact, likelihood * impact) if likelihood and impact else None
        row.accepted_until = accepted_until
        # A locked quarter says whether the acceptance had run out by the quarter's end; an open one, by today.
        row.acceptance_expired = bool(accepted_until and accepted_until < (quarter.end if quarter.is_locked
                                                                           else today))
    return render(request, "risks/register.html", {
        "quarter": quarter, "rows": page.object_list, "total": len(rows), "page": page, "page_query": page_query,
        "filter": filterset, "level": level, "levels": levels,
        "scheme": scheme, "quarters": ReportingPeriod.objects.quarters().order_by("-year", "-quarter"),
        "can_export": access.can_export_register(request.user), "can_manage": access.can_manage_risks(request.user),
        "show_exempt": access.can_view_exempt(request.user), "query": request.GET.urlencode(),
        "band_names": [b.name for b in scheme.levels],
    })


def risk_detail(request: HttpRequest, reference: str) -> HttpResponse:
    risk = _visible_risk(request.user, reference)
    model, scheme = queries.active_scheme()
    reviews = list(risk.reviews.select_related("period", "reviewed_by", "scheme").order_by(
        "-period__year", "-period__quarter"))
    history_rows = []
    for index, review in enumerate(reviews):
        previous = reviews[index + 1].rating if index + 1 < len(reviews) else None
        review_scheme = review.scheme.scheme
        history_rows.append({
            "review": review, "level": scoring.level(review_scheme, review.rating), "scheme": review_scheme,
            "tolerance_level": scoring.level(review_scheme, review.tolerance_rating),
            "travel": scoring.travel(review.rating, previous),
            "outside": scoring.outside_tolerance(risk.kind, review.rating, review.tolerance_rating),
            # The controls' effect: the inherent rating (before controls, where given) less the current.
            "inherent": review.inherent_likelihood * review.inherent_impact
            if review.inherent_likelihood is not None and review.inherent_impact is not None else None,
        })
        row = history_rows[-1]
        row["effect"] = row["inherent"] - review.rating if row["inherent"] is not None else None
        row["effect_abs"] = abs(row["effect"]) if row["effect"] is not None else None
    # Each quarter's appetite judgement as stored (a locked quarter's as reported), and the appetite now.

    judged = {quarter_id: (outside, level) for quarter_id, outside, level in Judgement.objects.filter(
        risk=risk, review__in=[r.pk for r in reviews]).filter(quarter_id=F("review__period_id")).values_list(
        "quarter_id", "outside_appetite", "appetite_level")}
    for row in history_rows:
        row["appetite"] = judged.get(row["review"].period_id)
    appetite_now = queries.appetite_reader()(risk.category, risk.appetite_level, model.pk)
    # Key risk indicators, up to the current quarter, and whether they prompt a review.
    shown_quarter = ReportingPeriod.objects.latest_quarter()
    kris = queries.key_indicators([risk.pk], shown_quarter).get(risk.pk, []) if shown_quarter else []
    prompted = queries.reviews_prompted([risk.pk], shown_quarter).get(risk.pk) if shown_quarter else None
    today = clock.today()
    hide_detail = risk.exempt and not access.can_view_exempt(request.user)
    actions = [] if hide_detail else [(a, a.is_overdue(today)) for a in risk.action_items.all()]
    open_quarter = ReportingPeriod.objects.latest_quarter()
    latest = reviews[0] if reviews else None
    review_overdue = bool(latest and latest.next_review_date and latest.next_review_date < today)
    changes = _changes(risk, hide_detail=hide_detail) if access.can_view_history(request.user) else None
    from .views_controls import risk_page_extras

    extras = risk_page_extras(request.user, risk, shown_quarter)
    return render(request, "risks/risk.html", extras | {
        "risk": risk, "history_rows": history_rows, "scheme": scheme, "actions": actions,
        "open_quarter": open_quarter, "review_overdue": review_overdue, "changes": changes,
        "hide_detail": hide_detail, "appetite_now": appetite_now, "kris": kris, "prompted": prompted,
        "kri_codes": ", ".join(k.code for k in kris), "kri_quarter": shown_quarter,
        "can_review": bool(open_quarter and access.can_view_review_form(request.user, risk.service_area_id)),
        "can_manage": access.can_manage_risks(request.user), "action_form": ActionForm(prefix="a"),
        "audit_recommendations": audit_actions.for_risk(risk, request.user, today),
    })


def _changes(risk: Risk, *, hide_detail: bool) -> list[dict]:
    """Every change to the risk and its reviews (who, when, old and new), newest first."""
    risk_fields = ("title", "register", "status", "risk_owner", "action_owner", "treatment", "exempt")
    review_fields = ("likelihood", "impact", "tolerance_likelihood", "tolerance_impact") + (
        () if hide_detail else ("controls", "actions", "comment"))

    def shown(name, value):
        return "blank" if value in (None, "") else str(value)

    found = history.entries(risk.history.select_related("history_user").order_by("history_date", "history_id"),
                            risk_fields, kind="Risk", shown=shown)
    found += history.entries(
        RiskReview.history.filter(risk_id=risk.pk).select_related("history_user", "period").order_by(
            "history_date", "history_id"),
        review_fields, kind=lambda r: f"Review {r.period.label}", shown=shown)
    for entry in found:
        entry["what"] = entry["kind"]
    found.sort(key=lambda e: e["when"], reverse=True)
    return found[:100]


@keeps_typed_work
def review(request: HttpRequest, reference: str, period: str) -> HttpResponse:
    risk = _visible_risk(request.user, reference)
    quarter = _quarter(period)
    if not access.can_view_review_form(request.user, risk.service_area_id):
        raise PermissionDenied
    editable = access.can_review_risk(request.user, risk.service_area_id, quarter) and risk.status == Risk.Status.OPEN
    if request.method == "POST" and not editable:
        raise PermissionDenied
    _, scheme = queries.active_scheme()
    current = risk.reviews.filter(period=quarter).first()
    earlier = risk.reviews.select_related("period").filter(
        Q(period__year__lt=quarter.year) | Q(period__year=quarter.year, period__quarter__lt=quarter.quarter)
    ).order_by("-period__year", "-period__quarter").first()
    last = current or earlier  # pre-filled from last quarter's review
    # Exempt detail (controls and actions) is never shown to someone who may not read it: the fields
    # start blank, and left blank they keep what is stored.
    hide_detail = risk.exempt and not access.can_view_exempt(request.user)
    initial = {"version": current.version if current else 0}
    if last is not None:
        for name in ("likelihood", "impact", "tolerance_likelihood", "tolerance_impact", "inherent_likelihood",
                     "inherent_impact", "controls", "actions", "next_review_date") + (("comment",) if current else ()):
            if hide_detail and name in ("controls", "actions", "comment"):
                continue
            initial[name] = getattr(last, name)
    # What was typed before a session expired is shown back, unsaved (organisation/typed_work.py).
    data = request.POST if request.method == "POST" else (typed_work.take(request) if editable else None)
    no_change = None
    if request.method == "POST" and data.get("action") == "no-change" and not (earlier is not None and current is None):
        # The shortcut is not on offer (the quarter has a review already, or there is none before it): say why.
        form = ReviewForm(None, initial=initial, scheme=scheme, kind=risk.kind, quarter=quarter)
        refusal = NoChangeForm(data, prefix="same")
        refusal.is_valid()
        try:
            services.review_unchanged(user=request.user, risk=risk, period=quarter,
                                      comment=data.get("same-comment", "") or "-")
        except (RecordError, InvalidWrite) as exc:
            refusal.add_error(None, getattr(exc, "message", "") or "; ".join(getattr(exc, "errors", {}).values()))
        context = _review_context(risk, quarter, form, editable, None, last, current, scheme, hide_detail, None,
                                  earlier)
        return render(request, "risks/review.html", context | {"refusal": refusal}, status=400)
    if editable and earlier is not None and current is None:
        no_change = NoChangeForm(data if data is not None and data.get("action") == "no-change" else None,
                                 prefix="same")
        if request.method == "POST" and data.get("action") == "no-change":
            if no_change.is_valid():
                try:
                    services.review_unchanged(user=request.user, risk=risk, period=quarter,
                                              comment=no_change.cleaned_data["comment"])
                except ConcurrentEdit:
                    no_change.add_error(None, f"Someone else recorded {risk.reference}'s review for {quarter.label} "
                                              "just now: reload the page to see it")
                except InvalidWrite as exc:
                    for name, message in exc.errors.items():
                        no_change.add_error("comment", message if name == "comment" else
                                            f"The {earlier.period.label} review cannot be confirmed as it is "
                                            f"({message}): score it on the form below")
                except RecordError as exc:
                    no_change.add_error(None, exc.message)
                else:
                    messages.success(request, f"{risk.reference} recorded as reviewed for {quarter.label}, no change "
                                              f"since {earlier.period.label}.")
                    return redirect("risks:risk", reference=risk.reference)
            return render(request, "risks/review.html", _review_context(
                risk, quarter, ReviewForm(None, initial=initial, scheme=scheme, kind=risk.kind, quarter=quarter),
                editable, None, last, current, scheme, hide_detail, no_change, earlier), status=400)
    form = ReviewForm(data, initial=initial, scheme=scheme, kind=risk.kind, quarter=quarter)
    if not editable:
        for f in form.fields.values():
            f.disabled = True
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        given = set(services.REVIEW_FIELDS) | {"comment"}
        if hide_detail:
            given -= {name for name in ("controls", "actions", "comment") if not data.get(name)}
        try:
            services.review_save(user=request.user, risk=risk, period=quarter, version=form.cleaned_data["version"],
                                 data=services.ReviewInput(**data, given=frozenset(given)))
        except ConcurrentEdit as exc:
            theirs = exc.conflicts[0].theirs
            conflict = {"by": exc.conflicts[0].by,
                        "theirs": f"likelihood {theirs.likelihood} x impact {theirs.impact} = {theirs.rating}"
                        if theirs else "nothing",
                        "yours": f"likelihood {data['likelihood']} x impact {data['impact']} = "
                                 f"{data['likelihood'] * data['impact']}"}
        except InvalidWrite as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message)
        except RecordError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{risk.reference} review for {quarter.label} saved.")
            return redirect("risks:risk", reference=risk.reference)
    return render(request, "risks/review.html", _review_context(
        risk, quarter, form, editable, conflict, last, current, scheme, hide_detail, no_change, earlier),
        status=409 if conflict else (400 if request.method == "POST" else 200))


def _review_context(risk, quarter, form, editable, conflict, last, current, scheme, hide_detail, no_change,
                    earlier) -> dict:
    import json

    levels = [{"name": band.name, "min": band.minimum, "max": band.maximum} for band in scheme.levels]
    return {
        "risk": risk, "quarter": quarter, "form": form, "editable": editable, "conflict": conflict,
        "prefilled_from": last.period.label if last and not current else None, "scheme": scheme,
        "hide_detail": hide_detail, "no_change": no_change, "earlier": earlier,
        "earlier_rating": scoring.rating(earlier.likelihood, earlier.impact) if earlier else None,
        "levels_json": json.dumps(levels),
        "rating_now": _rating_words(scheme, form, "likelihood", "impact"),
        "tolerance_now": _rating_words(scheme, form, "tolerance_likelihood", "tolerance_impact"),
    }


def _rating_words(scheme, form, likelihood: str, impact: str) -> str:
    """ "2 x 7 = 14 (Medium)" for the form's values as shown (no JavaScript: as saved or as posted)."""
    try:
        l_value = int(form[likelihood].value())
        i_value = int(form[impact].value())
    except (TypeError, ValueError):
        return "not yet scored"
    score = l_value * i_value
    return f"{l_value} x {i_value} = {score} ({scoring.level(scheme, score).name})"


def risk_edit(request: HttpRequest, reference: str | None = None) -> HttpResponse:
    if not access.can_manage_risks(request.user):
        raise PermissionDenied
    risk = get_object_or_404(Risk, reference=reference) if reference else None
    form = RiskForm(request.POST if request.method == "POST" else None, instance=risk)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.risk_save(user=request.user, risk=form.save(commit=False),
                                       reason=form.cleaned_data.get("reason", ""),
                                       expected_version=form.cleaned_data.get("version"))
        except ConcurrentEdit as exc:
            theirs = exc.conflicts[0].by if exc.conflicts else "someone else"
            form.add_error(None, f"{theirs} saved {risk.reference} after you opened this form, so nothing was "
                                 "saved: open it again to see their changes, then make yours")
        except InvalidWrite as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message)
        except RecordError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{saved.reference} saved.")
            return redirect("risks:risk", reference=saved.reference)
    return render(request, "risks/risk_form.html", {"form": form, "risk": risk})


@require_POST
def risk_move(request: HttpRequest, reference: str, direction: str) -> HttpResponse:
    if not access.can_manage_risks(request.user):
        raise PermissionDenied
    risk = get_object_or_404(Risk, reference=reference)
    if direction not in ("up", "down"):
        raise Http404
    try:
        moved = services.risk_move(user=request.user, risk=risk, up=direction == "up")
    except RecordError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{moved.reference} is now on the {moved.get_register_display().lower()} register.")
    return redirect("risks:risk", reference=risk.reference)


@require_POST
def risk_status(request: HttpRequest, reference: str, status: str) -> HttpResponse:
    if not access.can_manage_risks(request.user):
        raise PermissionDenied
    risk = get_object_or_404(Risk, reference=reference)
    if status not in Risk.Status.values:
        raise Http404
    services.risk_set_status(user=request.user, risk=risk, status=status)
    messages.success(request, f"{risk.reference} is {'closed' if status == 'closed' else 'open again'}.")
    return redirect("risks:risk", reference=risk.reference)


@require_POST
def action_add(request: HttpRequest, reference: str) -> HttpResponse:
    risk = _visible_risk(request.user, reference)
    if not (access.can_manage_risks(request.user) or access.can_view_review_form(request.user, risk.service_area_id)):
        raise PermissionDenied
    form = ActionForm(request.POST, prefix="a")
    if form.is_valid():
        action = form.save(commit=False)
        action.risk = risk
        try:
            services.action_save(user=request.user, action=action)
        except RecordError as exc:
            messages.error(request, f"The action was not added: {exc.message}")
        else:
            messages.success(request, "Action added.")
    else:
        messages.error(request, "The action was not added: " + "; ".join(
            str(e) for errors in form.errors.values() for e in errors))
    return redirect("risks:risk", reference=risk.reference)


def heatmap(request: HttpRequest) -> HttpResponse:
    if not access.can_view_risks(request.user):
        raise PermissionDenied
    quarter = _quarter(request.GET.get("period"), request.user)
    found, filterset, level = _register(request, quarter, facts=True, stored=True)
    scheme = found.scheme
    # The council's default appetite drawn on the threats' maps (each category's own is on the appetite page).
    from . import appetite

    model = next((m for m in ScoringScheme.objects.all() if m.name == scheme.name), None)
    default_level = appetite.Level(model.appetite_level if model else appetite.Level.CAUTIOUS)
    inside = appetite.cells_for_level(scheme, default_level)
    maps = found.maps()
    for heat in maps:
        if heat["basis"] == "tolerance":
            heat["label"] = "Target rating"  # a risk's own aim (the register's tolerance columns)
        heat["rows"] = [[(cell, heat["kind"] == "threat" and (cell.likelihood, cell.impact) in inside)
                         for cell in row] for row in heat["grid"]]
    shown = found.judged if hasattr(found, "judged") else None  # the stored register's rows, as filtered
    outside_appetite = shown.filter(outside_appetite=True).count() if shown is not None else None
    return render(request, "risks/heatmap.html", {
        "quarter": quarter, "maps": maps, "level": level, "levels": LEVELS, "scheme": scheme,
        "default_appetite": default_level, "outside_appetite": outside_appetite,
        "quarters": ReportingPeriod.objects.quarters().order_by("-year", "-quarter"),
        "band_positions": {b.name: i + 1 for i, b in enumerate(scheme.levels)},
    })


def summary(request: HttpRequest) -> HttpResponse:
    if not access.can_view_risks(request.user):
        raise PermissionDenied
    quarter = _quarter(request.GET.get("period"), request.user)
    found, filterset, level = _register(request, quarter, facts=True, stored=True)
    rows, scheme = _rows(found), found.scheme
    labels = [v.label for v in queries.last_quarters(quarter)]
    page, page_query = _page(request, rows)
    # The five-quarter history is worked out for the page's risks only.
    ids = [row.risk.pk for row in page.object_list]
    histories = {r.risk.pk: r.history for r in queries.rows_for(
        queries.risk_facts(Risk.objects.filter(pk__in=ids)), quarter, scheme, history=True)}
    scores = queries.history_scores(ids, quarter)  # "2 x 7 = 14", as the paper writes each quarter's rating
    for row in page.object_list:
        row.history = [(label, rating, travel, queries.scored(rating, scores.get((row.risk.pk, label)))
                        if rating is not None else "") for label, rating, travel in histories.get(row.risk.pk, [])]
    return render(request, "risks/summary.html", {
        "quarter": quarter, "rows": page.object_list, "page": page, "page_query": page_query, "labels": labels, "level": level, "levels": LEVELS, "scheme": scheme,
        "show_exempt": access.can_view_exempt(request.user),
        "quarters": ReportingPeriod.objects.quarters().order_by("-year", "-quarter"),
    })


def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The register in the committee layout, as the page's filters choose it; ?part=exempt gives the
    exempt appendix (not for publication)."""
    if fmt not in ("csv", "xlsx", "pdf"):
        raise Http404
    if not access.can_export_register(request.user):
        raise PermissionDenied
    part = request.GET.get("part", "public")
    if part not in ("public", "exempt") or (part == "exempt" and not access.can_view_exempt(request.user)):
        raise Http404
    quarter = _quarter(request.GET.get("period"), request.user)
    public = part == "public"
    name = f"risk-register-{quarter.slug}" + ("" if public else "-exempt-appendix")
    if fmt == "pdf":
        # A PDF is a paper for a committee: a register of more risks than a committee reads is asked for
        # a directorate or a level first (Excel and CSV take any size).
        found, _, _ = _register(request, quarter, facts=True)
        ids = [r.risk.pk for r in found.rows if r.review is not None]
        if public:
            count = len(ids)
        elif quarter.has_record:  # exempt as the quarter recorded it
            count = sum(1 for r in found.rows if r.review is not None and r.risk.exempt)
        else:
            count = Risk.objects.filter(pk__in=ids, exempt=True).count()
        if count > settings.REGISTER_PDF_MAX_RISKS:
            return render(request, "risks/pdf_too_large.html", {
                "quarter": quarter, "count": count, "limit": settings.REGISTER_PDF_MAX_RISKS,
                "directorates": Directorate.objects.order_by("name"), "query": request.GET.urlencode(),
                "kept": [(k, v) for k, values in request.GET.lists() if k != "directorate" for v in values],
            })

    def build() -> bytes:
        found, filterset, level = _register(request, quarter)
        lines = committee.lines(found)
        if not public:
            lines = [line for line in lines if line.exempt]
        scope = {"all": "All registers", "corporate": "Corporate register", "directorate": "Directorate registers",
                 "service": "Service registers"}[level]
        if fmt == "pdf":
            # With the five-quarter summary of the same risks, as the summary page and the committee pack
            # work it out (one batched read of the history, whatever the number of risks).
            return committee.pdf(lines, found.scheme, quarter_label=quarter.label, public=public, scope=scope,
                                 summary=committee.summary(found, lines, public=public))
        if fmt == "xlsx":
            return committee.xlsx(lines, quarter_label=quarter.label, public=public, scope=scope)
        return interchange.write(committee.dataset(lines, public=public), fmt)

    # Kept until the data changes (organisation/summaries.py), for this view of the register: the
    # filters asked for, what this user may see, and the quarter's state.
    registers, areas = access.risk_visibility(request.user)
    content = summaries.cached("risk-register", (
        quarter.pk, quarter.state, fmt, part, tuple((k, tuple(v)) for k, v in sorted(request.GET.lists())),
        tuple(sorted(registers)), tuple(sorted(areas)),
    ), build, request=request, store="downloads")
    return interchange.attachment(content, fmt, name)


def schemes(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_risks(request.user):
        raise PermissionDenied
    if request.method == "POST":
        chosen_id = parsing.record_id(request.POST.get("scheme", ""))
        if chosen_id is None:
            raise Http404
        chosen = get_object_or_404(ScoringScheme, pk=chosen_id)
        try:
            result = services.scheme_activate(user=request.user, scheme=chosen,
                                              reason=request.POST.get("reason", "").strip())
        except RecordError as exc:
            messages.error(request, exc.message)
            return redirect("risks:schemes")
        text = (f"{chosen.name} is now the active scoring scheme. It applies to open quarters only: "
                f"{result.rescored} review{'s' if result.rescored != 1 else ''} re-scored; locked quarters keep the "
                "scheme they were scored on.")
        messages.success(request, text)
        if result.off_scale:
            messages.warning(request, "These open-quarter reviews are not on the new scheme's scales and keep the "
                                      "old scheme until they are reviewed again: " + ", ".join(
                                          f"{r.risk.reference} ({r.period.label})" for r in result.off_scale))
        return redirect("risks:schemes")
    active = ScoringScheme.current()
    # Open quarters' reviews still on another scheme (off the active scheme's scales): to re-score.
    to_rescore = RiskReview.objects.filter(period__state=ReportingPeriod.State.OPEN).exclude(scheme=active) \
        .select_related("risk", "period", "scheme").order_by("risk__reference")[:200]
    return render(request, "risks/schemes.html", {"schemes": [(s, s.scheme) for s in ScoringScheme.objects.all()],
                                                  "to_rescore": to_rescore})


# --- risk appetite -----------------------------------------------------------

def _appetite_matrix(scheme, cells) -> list[list[dict]]:
    """Rows of the scheme's threat matrix, highest likelihood first, each cell with its rating, level and
    whether it is inside appetite."""
    impacts = sorted(scheme.impacts[scoring.Kind.THREAT])
    return [[{"likelihood": likelihood, "impact": impact, "rating": likelihood * impact,
              "level": scoring.level(scheme, likelihood * impact), "inside": (likelihood, impact) in cells}
             for impact in impacts] for likelihood in sorted(scheme.likelihoods, reverse=True)]


def appetite_statement(request: HttpRequest) -> HttpResponse:
    """The council's risk appetite: each category's level, statement and, on the active scheme, the cells of
    the matrix inside appetite; and how many open risks are outside it in the current quarter."""
    from . import appetite
    from .models import CategoryAppetite, RiskCategory

    if not access.can_view_risks(request.user):
        raise PermissionDenied
    model, scheme = queries.active_scheme()
    drawn = {a.category_id: a.cells for a in CategoryAppetite.objects.filter(scheme=model)}
    quarter = _quarter(request.GET.get("period"), request.user)
    outside = {}
    for name, n in (Judgement.objects.filter(quarter=quarter, outside_appetite=True)
                    .values_list("category").annotate(n=Count("pk")).order_by()):
        outside[(name or "").strip().lower()] = outside.get((name or "").strip().lower(), 0) + n
    categories = []
    for category in RiskCategory.objects.filter(active=True):
        cells = frozenset(tuple(c) for c in drawn[category.pk]) if category.pk in drawn \
            else appetite.cells_for_level(scheme, category.level)
        categories.append({"category": category, "level": appetite.Level(category.level),
                           "drawn": category.pk in drawn, "matrix": _appetite_matrix(scheme, cells),
                           "outside": outside.get(category.name.strip().lower(), 0)})
    default = appetite.Level(model.appetite_level)
    return render(request, "risks/appetite.html", {
        "categories": categories, "scheme": scheme, "scheme_model": model, "default": default,
        "levels": list(appetite.Level), "quarter": quarter, "can_edit": access.can_manage_risks(request.user),
        "impacts": [(v, scheme.impacts[scoring.Kind.THREAT][v]) for v in sorted(scheme.impacts[scoring.Kind.THREAT])],
    })


def appetite_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Set a category's appetite: its level and statement, and the boundary on the active scheme's matrix
    (tick the cells inside appetite, or leave it to follow the level)."""
    from . import appetite
    from .forms import CategoryForm
    from .models import CategoryAppetite, RiskCategory

    if not access.can_manage_risks(request.user):
        raise PermissionDenied
    category = get_object_or_404(RiskCategory, pk=pk) if pk else RiskCategory()
    model, scheme = queries.active_scheme()
    stored = CategoryAppetite.objects.filter(category=category, scheme=model).first() if category.pk else None
    form = CategoryForm(request.POST or None, instance=category)
    problem = ""
    if request.method == "POST" and form.is_valid():
        follow = request.POST.get("boundary", "level") == "level"
        # "2-7": ASCII digits only, and short (a typed "²-7" or a 5,000-digit number is no cell, not an error).
        ticked = [] if follow else [[int(v) for v in value.split("-", 1)] for value in request.POST.getlist("cell")
                                    if re.fullmatch(r"[0-9]{1,6}-[0-9]{1,6}", value)]
        try:
            services.category_save(user=request.user, category=form.save(commit=False),
                                   cells={model.pk: None if follow else ticked}, reason=form.cleaned_data["reason"])
        except InvalidWrite as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message[0].upper() + message[1:])
        else:
            messages.success(request, f"The appetite for {form.instance.name} is saved; open quarters' risks were "
                                      "judged against it.")
            return redirect("risks:appetite")
    level = form["level"].value() if form["level"].value() in {lv.value for lv in appetite.Level} \
        else category.level
    cells = frozenset(tuple(c) for c in stored.cells) if stored else appetite.cells_for_level(scheme, level)
    return render(request, "risks/appetite_edit.html", {
        "form": form, "category": category, "scheme": scheme, "matrix": _appetite_matrix(scheme, cells),
        "drawn": stored is not None, "problem": problem,
        "impacts": [(v, scheme.impacts[scoring.Kind.THREAT][v]) for v in sorted(scheme.impacts[scoring.Kind.THREAT])],
    }, status=400 if request.method == "POST" else 200)


@require_POST
def risk_indicators(request: HttpRequest, reference: str) -> HttpResponse:
    """Set a risk's key risk indicators (codes separated by commas or semicolons)."""
    risk = _visible_risk(request.user, reference)
    if not access.can_manage_risks(request.user):
        raise PermissionDenied
    codes = [c for c in re.split(r"[,;\s]+", request.POST.get("indicators", "")[:2000]) if c]
    try:
        linked = services.risk_indicators_set(user=request.user, risk=risk, codes=codes)
    except InvalidWrite as exc:
        messages.error(request, "The key risk indicators were not changed: " + "; ".join(exc.errors.values()))
    else:
        messages.success(request, f"{risk.reference}'s key risk indicators: {', '.join(linked) or 'none'}.")
    return redirect("risks:risk", reference=risk.reference)


def deep_dives(request: HttpRequest) -> HttpResponse:
    """Deep-dive candidates: risks outside appetite or target for three quarters or more running, each with
    its rating history, controls, actions and key risk indicators on one page."""
    if not access.can_view_risks(request.user):
        raise PermissionDenied
    quarter = _quarter(request.GET.get("period"), request.user)
    found = queries.deep_dives(request.user, quarter)
    readable = access.can_view_exempt(request.user)
    if not readable and quarter.is_locked:
        # A locked quarter's judgements say whether each risk was exempt then; one made exempt since keeps its
        # detail to readers of Part B too (the judgement is only read here, never saved).
        exempt_now = set(Risk.objects.filter(pk__in=[d.judgement.risk_id for d in found], exempt=True).values_list(
            "pk", flat=True))
        for d in found:
            if d.judgement.risk_id in exempt_now:
                d.judgement.exempt = True
    return render(request, "risks/deep_dives.html", {
        "quarter": quarter, "found": found, "can_read_exempt": readable,
        "quarters": ReportingPeriod.objects.quarters().order_by("-year", "-quarter"),
    })

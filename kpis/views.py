from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from organisation import access, charts, history, interchange, parsing, summaries, typed_work
from organisation.charts import Series, line_chart
from organisation.models import Directorate, ReportingPeriod, ServiceArea
from organisation.periods import parse as parse_period_label
from organisation.records import ConcurrentEdit, InvalidWrite, RecordError
from organisation.shortcuts import get_quarter_or_404
from organisation.typed_work import keeps_typed_work

from . import queries, report, resources, services
from .filters import IndicatorFilter
from .forms import ComparatorForm, FigureForm, IndicatorForm, SendBackForm, StatusOverrideForm, TargetForm
from .models import Actual, Indicator, RecordedIndicator, Target
from .tables import IndicatorTable
from .templatetags.kpis import format_value


def _quarter(slug: str | None, user=None) -> ReportingPeriod:
    """The quarter the URL names, else the one the page opens on for this user."""
    return get_quarter_or_404(slug, lambda: queries.default_quarter(user))


# --- dashboard -------------------------------------------------------------

EXCEPTIONS_PER_PAGE = 10
INDICATORS_PER_PAGE = 25


def _scope(request: HttpRequest, quarter: ReportingPeriod, *, stored: bool = False):
    """The dashboard's scope and filters, as the page and its downloads read them (queries.scope; with
    stored, the page's: counted and paged in SQL over the stored judgements where the quarter has them)."""
    directorates = list(Directorate.objects.all())
    directorate = None
    if request.GET.get("directorate"):
        directorate = next((d for d in directorates if str(d.pk) == request.GET["directorate"]), None)
        if directorate is None:
            raise Http404
    filterset = IndicatorFilter(request.GET or None, queryset=Indicator.objects.none(), directorate=directorate)
    # A filter that cannot be read (an area that does not exist, a status misspelt) is said at the top of the
    # page; the others still apply (cleaned_data keeps the valid fields only).
    filters = {}
    if filterset.is_bound:
        filterset.form.is_valid()
        filters = dict(filterset.form.cleaned_data)
    directorate_id = directorate.pk if directorate else None
    found = queries.stored_scope(request.user, quarter, directorate_id=directorate_id, filters=filters) \
        if stored else None
    if found is None:
        found = queries.scope(request.user, quarter, directorate_id=directorate_id, filters=filters)
    # Every figure shown (summary, RAG by area, exceptions, the table, the downloads) follows the filters.
    return found.narrowed(), filterset, directorate, directorates


def dashboard(request: HttpRequest) -> HttpResponse:
    """Top-down once: the summary, RAG by service area, the exceptions worst first, then the table."""
    if not access.can_view_performance(request.user):
        raise PermissionDenied
    quarter = _quarter(request.GET.get("period"), request.user)
    found, filterset, directorate, directorates = _scope(request, quarter, stored=True)
    exceptions = found.exceptions
    cleaned = filterset.form.cleaned_data if filterset.is_bound else {}
    asked = any(cleaned.values())
    # The table lists what the exceptions above do not, unless a status is asked for: then every match.
    by_status = asked and bool(cleaned.get("status"))
    if isinstance(found, queries.StoredScope):  # counted, sorted and paged in the database
        rows = found.table_rows(by_status)
        drafts = found.drafts
    else:
        rows = found.filtered if by_status else [r for r in found.filtered if not r.is_exception]
        drafts = sum(1 for r in found.rows if r.is_draft)
    table = IndicatorTable(rows, order_by="status", quarter_slug=quarter.slug)
    if not by_status:
        table.empty_text = "Every indicator chosen is below target or worse than a year ago: see the exceptions above."
    RequestConfig(request, paginate={"per_page": INDICATORS_PER_PAGE}).configure(table)
    area_summaries = found.by_area()
    narrowing = _narrowing(cleaned if asked else {}, area_summaries)
    exception_page = Paginator(exceptions, EXCEPTIONS_PER_PAGE).get_page(request.GET.get("exceptions_page"))
    exception_query = request.GET.copy()
    exception_query.pop("exceptions_page", None)
    download_query = request.GET.copy()
    for name in ("page", "sort", "exceptions_page"):
        download_query.pop(name, None)
    return render(request, "kpis/dashboard.html", {
        "quarter": quarter, "quarters": queries.quarters_with_figures(), "directorates": directorates,
        "directorate": directorate, "directorate_name": queries.directorate_name(quarter, directorate), "summary": found.summary, "exception_count": exception_page.paginator.count,
        "exception_page": exception_page, "exception_query": exception_query.urlencode(), "table": table,
        "filter": filterset, "area_summaries": area_summaries, "narrowing": narrowing,
        "area_name": next((value for label, value in narrowing if label == "Service area"), ""), "row_count": table.paginator.count, "asked": by_status,
        "download_query": download_query.urlencode(), "drafts": drafts,
    })


STATUS_WORDS = {"exceptions": "exceptions only"}


def _narrowing(filters: dict, area_summaries) -> list[tuple[str, str]]:
    """What the filters narrow the page to, in words, for its heading ("Service area: Education & Skills").
    A locked quarter's area is named as it reported it (its only row of the RAG table)."""
    out = []
    if filters.get("service_area"):
        names = {name for name, *_ in area_summaries}
        out.append(("Service area", names.pop() if len(names) == 1 else filters["service_area"].name))
    if filters.get("commitment"):
        out.append(("Key commitment", str(filters["commitment"])))
    if filters.get("status"):
        out.append(("Status", STATUS_WORDS.get(filters["status"], filters["status"])))
    if filters.get("frequency"):
        out.append(("Frequency", Indicator.Frequency(filters["frequency"]).label.lower()))
    if filters.get("q"):
        out.append(("Code or title containing", f"\u201c{filters['q']}\u201d"))
    return out


def service_area_dashboard(request: HttpRequest, area_id: int) -> HttpResponse:
    """The dashboard narrowed to one service area (a filter of the directorate dashboard)."""
    if not access.can_view_performance(request.user):
        raise PermissionDenied
    area = get_object_or_404(ServiceArea, pk=area_id)
    query = request.GET.copy()
    query["service_area"] = str(area.pk)
    query["directorate"] = str(area.directorate_id)
    return redirect(f"{reverse('kpis:dashboard')}?{query.urlencode()}")


# --- indicator page ------------------------------------------------------

def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    if not access.can_view_performance(request.user):
        raise PermissionDenied
    indicator = get_object_or_404(
        Indicator.objects.select_related("service_area__directorate", "commitment", "owner"), code=code
    )
    series = queries.history_series(indicator)
    labels = [label for label, *_ in series]
    # A figure of a locked quarter is written as that quarter recorded the indicator (its unit and decimals).
    recorded = {r.quarter_id: r for r in RecordedIndicator.objects.filter(indicator=indicator)}

    def shown_as(actual):
        if actual is None:
            return indicator
        return recorded.get(actual.reported_in_id or actual.period_id, indicator)

    chart = line_chart(
        f"{indicator.code}: value and target by {'year' if indicator.is_annual else 'quarter'}",
        labels,
        [
            Series("Value", [v for _, v, _, _ in series], [format_value(v, shown_as(a)) for _, v, _, a in series]),
            Series("Target", [t for _, _, t, _ in series], [format_value(t, shown_as(a)) for _, _, t, a in series]),
        ],
        y_title=indicator.get_unit_display(), positions=[parse_period_label(label).ordinal for label in labels],
    )
    commentary = [(label, actual, shown_as(actual)) for label, _, _, actual in reversed(series)
                  if actual is not None]
    # The quarter the page was reached from (?period=), else the default one.
    quarter = _quarter(request.GET.get("period"), request.user) if request.GET.get("period") \
        else queries.default_quarter(request.user)
    found = queries.judge_quarter([indicator], quarter) if quarter else []
    current = found[0] if found else None
    # A locked quarter shows the indicator as it reported it; what has changed since is said beside it.
    not_in_quarter = quarter is not None and current is None
    as_reported = _as_reported(indicator, current.indicator) if current and current.indicator_as_reported else []
    comparators, benchmarks_reported = _benchmarks(indicator, quarter, current)
    history = _history(indicator) if access.can_view_history(request.user) else None
    return render(request, "kpis/indicator.html", {
        "indicator": indicator, "chart": chart, "commentary": commentary, "current": current,
        "quarter": quarter, "comparators": comparators, "history": history, "not_in_quarter": not_in_quarter,
        "as_reported": as_reported, "benchmarks_reported": benchmarks_reported,
        "can_manage": access.can_manage_indicators(request.user), "can_sign_off": access.can_sign_off(request.user),
    })


def _benchmarks(indicator: Indicator, quarter, current) -> tuple[list[queries.Benchmark], bool]:
    """The benchmarks shown: a locked quarter's as its lock recorded them (whatever is published since), else
    every year's as they are now, newest first. True when they are the record."""
    if current is not None and current.recorded and quarter is not None and quarter.has_record:
        polarity = getattr(current.indicator, "polarity", indicator.polarity)
        found = queries.benchmarks(quarter, {indicator.pk: polarity}).get(indicator.pk)
        return ([found] if found else []), True
    return [queries.Benchmark(c.period.label, c.council, c.england, c.statistical_neighbours, c.regional,
                              c.band(indicator.polarity) or "")
            for c in indicator.comparators.select_related("period").order_by("-period__year")], False


def _tolerance(value) -> str:
    return "the council's default" if value is None else f"{value.normalize():f}%"


def _as_reported(indicator: Indicator, facts) -> list[tuple[str, str, str]]:
    """(what, as reported, now) for each part of the indicator that has changed since a locked quarter
    recorded it."""
    area = indicator.service_area
    pairs = (
        ("Code", facts.code, indicator.code), ("Title", facts.title, indicator.title),
        ("Service area", f"{facts.service_area_name} ({facts.directorate_name})",
         f"{area.name} ({area.directorate.name})"),
        ("Polarity", facts.get_polarity_display(), indicator.get_polarity_display()),
        ("Unit", facts.get_unit_display(), indicator.get_unit_display()),
        ("Decimal places", str(facts.precision), str(indicator.precision)),
        ("Frequency", facts.get_frequency_display(), indicator.get_frequency_display()),
        ("Accumulation", facts.get_accumulation_display(), indicator.get_accumulation_display()),
        ("Key commitment", f"{facts.commitment_code} {facts.commitment_title}".strip() or "none",
         f"{indicator.commitment.code} {indicator.commitment.title}".strip() if indicator.commitment else "none"),
        ("Tolerance", _tolerance(facts.tolerance), _tolerance(indicator.tolerance)),
    )
    return [(what, then, now) for what, then, now in pairs if then != now]


def _history(indicator: Indicator) -> list[dict]:
    """Every change to the indicator's targets and figures: who, when, old and new."""
    found = []
    for model, kind, fields in (
        (Actual, "Figure", ("value", "numerator", "denominator", "commentary", "state", "reported_value", "question",
                            "answer")),
        (Target, "Target", ("value",)),
    ):
        records = model.history.filter(indicator_id=indicator.pk).select_related("history_user", "period").order_by(
            "history_date", "history_id")
        found += history.entries(records, fields, kind=lambda r, kind=kind: f"{kind} {r.period.label}",
                                 shown=lambda name, value: _shown(value, indicator, name))
    found.sort(key=lambda e: e["when"], reverse=True)
    return found[:100]


def _shown(value, indicator, name) -> str:
    if value is None or value == "":
        return "blank"
    if isinstance(value, Decimal) and name in ("value", "reported_value"):
        return format_value(value, indicator)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


# --- entry ------------------------------------------------------------------

def entry_start(request: HttpRequest) -> HttpResponse:
    """Send a service manager to their entry form for the open quarter."""
    quarter = queries.default_quarter()
    areas = _entry_areas(request.user)
    if not areas:
        raise PermissionDenied
    if quarter is None:
        raise Http404("No quarters yet")
    if len(areas) == 1:
        return redirect("kpis:entry", period=quarter.slug, area_id=areas[0].pk)
    return render(request, "kpis/entry_start.html", {"quarter": quarter, "areas": areas})


def _entry_areas(user) -> list[ServiceArea]:
    areas = ServiceArea.objects.select_related("directorate").order_by("directorate__name", "name")
    return [a for a in areas if access.can_view_entry(user, a.pk)]


@keeps_typed_work
def entry(request: HttpRequest, period: str, area_id: int) -> HttpResponse:
    quarter = _quarter(period)
    area = get_object_or_404(ServiceArea.objects.select_related("directorate"), pk=area_id)
    if not access.can_view_entry(request.user, area.pk):
        raise PermissionDenied
    editable = access.can_enter_figures(request.user, area.pk, quarter)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    indicators = list(
        Indicator.objects.filter(active=True, service_area=area).select_related("service_area", "commitment")
        .order_by("frequency", "code")
    )
    # The form edits today's figures (a locked quarter shows them read-only with the record beside them).
    rows = queries.judge_quarter(indicators, quarter, recorded=False)
    recorded = {r.indicator.pk: r for r in queries.judge_quarter(indicators, quarter)} if quarter.is_locked else {}
    to_date = queries.previous_to_date(indicators, quarter)
    context = queries.entry_context(indicators, quarter)
    # What was typed before a session expired is shown back, unsaved (organisation/typed_work.py).
    data = request.POST if request.method == "POST" else (typed_work.take(request) if editable else None)
    action = data.get("action", "draft") if data is not None else ""
    # "Submit" first shows what will be sent and asks to confirm; "Go back" shows the form as typed, unsaved.
    submitting = action in ("submit", "confirm-submit")
    forms = []
    for row in rows:
        initial = {
            "value": _plain(row.value), "numerator": _plain(row.actual.numerator if row.actual else None),
            "denominator": _plain(row.actual.denominator if row.actual else None),
            "commentary": row.actual.commentary if row.actual else "",
            "version": row.actual.version if row.actual else 0,
        }
        previous_to_date, previous_label = to_date.get(row.indicator.pk, (None, ""))
        pending = row.actual is not None and row.actual.question_pending
        if pending:
            initial["answer"] = row.actual.answer
        form = FigureForm(
            data, prefix=f"i{row.indicator.pk}", initial=initial,
            indicator=row.indicator, target=row.target, submitting=submitting,
            previous_to_date=previous_to_date, previous_label=previous_label,
            question=row.actual.question if pending else "",
        )
        if not editable:
            for field in form.fields.values():
                field.disabled = True
        form.row = row
        form.record = recorded.get(row.indicator.pk)
        form.context = context.get(row.indicator.pk)
        form.spark = charts.sparkline_points(
            [float(v) if v is not None else None for _, v in form.context.trend]) if form.context else []
        # Numerator and denominator fold away unless they hold something (or an error).
        form.show_parts = bool(initial["numerator"] or initial["denominator"] or (data is not None and (
            data.get(f"{form.prefix}-numerator") or data.get(f"{form.prefix}-denominator"))))
        forms.append(form)

    conflicts = []
    problem = ""
    if request.method == "POST" and action == "back":
        pass  # the form as typed, nothing saved
    elif request.method == "POST" and action == "submit" and all(f.is_valid() for f in forms):
        return render(request, "kpis/entry_confirm.html", {
            "quarter": quarter, "area": area, "sending": [f for f in forms if _would_submit(f)],
            "fields": [(name, value) for name, values in request.POST.lists() if name not in ("action",
                       "csrfmiddlewaretoken") for value in values],
        })
    elif request.method == "POST" and all(f.is_valid() for f in forms):
        year = ReportingPeriod.for_value(quarter.value.financial_year)
        figures = [
            services.FigureInput(
                indicator=f.indicator, period=year if f.indicator.is_annual else quarter,
                version=f.cleaned_data["version"], value=f.cleaned_data["value"],
                numerator=f.cleaned_data["numerator"], denominator=f.cleaned_data["denominator"],
                commentary=f.cleaned_data["commentary"],
                answer=f.cleaned_data.get("answer") if f.question else None,
            )
            for f in forms
        ]
        try:
            result = services.figures_save(user=request.user, quarter=quarter, figures=figures, submit=submitting)
        except ConcurrentEdit as exc:
            conflicts = [
                {"code": c.key.code, "theirs": format_value(c.theirs, c.key) or "blank",
                 "yours": format_value(c.yours, c.key) or "blank", "by": c.by}
                for c in exc.conflicts
            ]
        except RecordError as exc:
            problem = exc.message
        else:
            _saved_message(request, area, quarter, result, submitting, forms)
            return redirect("kpis:entry", period=quarter.slug, area_id=area.pk)

    quarterly = [f for f in forms if not f.indicator.is_annual]
    annual = [f for f in forms if f.indicator.is_annual]
    states = Counter(f.row.actual.state if f.row.actual else "none" for f in forms)
    return render(request, "kpis/entry.html", {
        "quarter": quarter, "area": area, "quarterly": quarterly, "annual": annual, "forms": forms,
        "editable": editable, "conflicts": conflicts, "states": states, "problem": problem,
        "questions": [f for f in forms if f.question],
        "year_label": quarter.value.financial_year.label,
        "last_year_label": quarter.value.same_period_last_year().label,
        "last_year_annual_label": quarter.value.financial_year.previous().label,
    }, status=409 if conflicts else (400 if problem else 200))


def _would_submit(form) -> bool:
    """Whether confirming would send this figure to the performance team: a value (or commentary) that is
    new, changed, or still a draft."""
    data, actual = form.cleaned_data, form.row.actual
    if data.get("value") is None and data.get("numerator") is None and not data.get("commentary"):
        return False
    if actual is None or actual.state == "draft":
        return True
    return any(getattr(actual, name) != data.get(name) for name in ("value", "numerator", "denominator",
                                                                     "commentary"))


def _saved_message(request, area, quarter, result: services.SaveResult, submitting: bool, forms) -> None:
    """Say what happened to each figure's state, not just that something was saved."""
    parts = [f"{area.name}, {quarter.label}: {result.saved} figure{'s' if result.saved != 1 else ''} "
             f"{'saved' if result.saved else 'changed'}"]
    if submitting:
        parts.append(f"{result.submitted} submitted to the performance team" if result.submitted
                     else "nothing new to submit")
    else:
        parts.append("kept as drafts (not yet sent to the performance team)")
    if result.withdrawn:
        parts.append(f"{', '.join(result.withdrawn)} had been submitted: your change returned "
                     f"{'them' if len(result.withdrawn) > 1 else 'it'} to draft, so submit again to send "
                     f"{'them' if len(result.withdrawn) > 1 else 'it'} to the performance team")
    if result.answered:
        parts.append(f"your answer{'s' if len(result.answered) > 1 else ''} on {', '.join(result.answered)} "
                     "went with the figures")
    if result.stepped_back:
        parts.append(f"{', '.join(result.stepped_back)} had been signed off and now "
                     f"{'need' if len(result.stepped_back) > 1 else 'needs'} signing off again")
    warnings = [f"{f.indicator.code}: {w}" for f in forms for w in f.warnings]
    messages.success(request, "; ".join(parts) + ".")
    for warning in warnings[:20]:
        messages.warning(request, warning)


def _plain(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


# --- submissions and sign-off ------------------------------------------------

def submission_progress(quarter: ReportingPeriod) -> list[dict]:
    """Per service area: indicators due and how many are entered, submitted, signed off."""
    year = ReportingPeriod.objects.filter(year=quarter.year, quarter__isnull=True).first()
    period_ids = [quarter.pk] + ([year.pk] if year else [])
    areas = ServiceArea.objects.select_related("directorate").prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.filter(active=True).order_by("code")),
        "managers",
    ).order_by("directorate__name", "name")
    actuals = {
        (a.indicator_id, a.period_id): a
        for a in Actual.objects.filter(period_id__in=period_ids, indicator__active=True)
    }
    out = []
    for area in areas:
        indicators = list(area.indicators.all())
        if not indicators:
            continue
        counts = Counter()
        waiting = []
        for i in indicators:
            pid = year.pk if (i.is_annual and year) else quarter.pk
            a = actuals.get((i.pk, pid))
            state = a.state if a else "none"
            counts[state] += 1
            if a and a.value is not None:
                counts["entered"] += 1
            if state in ("none", "draft"):
                waiting.append(i)
        out.append({
            "area": area, "due": len(indicators), "entered": counts["entered"], "draft": counts["draft"],
            "submitted": counts["submitted"], "signed_off": counts["signed_off"],
            "not_submitted": waiting,
            "managers": ", ".join(m.get_full_name() or m.username for m in area.managers.all()) or "no manager",
        })
    return out


def submissions(request: HttpRequest, period: str) -> HttpResponse:
    if not access.can_sign_off(request.user):
        raise PermissionDenied
    quarter = _quarter(period)
    found = queries.scope(None, quarter)
    awaiting = [r for r in found.rows if r.actual is not None and r.actual.state in ("submitted", "signed_off")]
    questions = [a for a in Actual.objects.filter(question__gt="").filter(
        Q(period=quarter) | Q(period__year=quarter.year, period__quarter__isnull=True, reported_in__isnull=True)
        | Q(period__year=quarter.year, period__quarter__isnull=True, reported_in=quarter)).select_related(
        "indicator__service_area").order_by("indicator__code") if a.question_pending]
    # Review with context: each figure beside the quarter before (a year's figure beside last year's).
    before = quarter.value.previous()
    earlier = dict(Actual.objects.filter(
        indicator_id__in=[r.indicator.pk for r in awaiting if not r.indicator.is_annual],
        period__year=before.year, period__quarter=before.quarter).values_list("indicator_id", "value"))
    for r in awaiting:
        r.previous_quarter = earlier.get(r.indicator.pk)
    submitted = sum(1 for r in awaiting if r.actual.state == "submitted")
    return render(request, "kpis/submissions.html", {
        "quarter": quarter, "progress": submission_progress(quarter), "quarters": queries.quarters_with_figures(),
        "figures": awaiting, "questions": questions, "submitted": submitted, "previous_label": before.label,
    })


def send_back(request: HttpRequest, period: str, code: str) -> HttpResponse:
    """Send a submitted figure back to its service area with a question."""
    if not access.can_sign_off(request.user):
        raise PermissionDenied
    quarter = _quarter(period)
    indicator = get_object_or_404(Indicator.objects.select_related("service_area"), code=code)
    row = queries.judge_quarter([indicator], quarter, recorded=False)[0]
    if quarter.is_locked or row.actual is None or row.actual.state != "submitted":
        raise Http404("No submitted figure to send back")
    form = SendBackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.figure_send_back(user=request.user, quarter=quarter, indicator=indicator,
                                      question=form.cleaned_data["question"])
        except InvalidWrite as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message[0].upper() + message[1:])
        except RecordError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{indicator.code} was sent back to {indicator.service_area.name} with your "
                                      "question. It is a draft again until they answer it and submit it.")
            return redirect("kpis:submissions", period=quarter.slug)
    return render(request, "kpis/send_back.html", {"quarter": quarter, "indicator": indicator, "row": row,
                                                   "form": form},
                  status=400 if form.is_bound and form.errors else 200)


def status_override(request: HttpRequest, period: str, code: str) -> HttpResponse:
    """Report a submitted figure with another status than the rules give, with a reason."""
    if not access.can_sign_off(request.user):
        raise PermissionDenied
    quarter = _quarter(period)
    indicator = get_object_or_404(Indicator, code=code)
    row = queries.judge_quarter([indicator], quarter, recorded=False)[0]
    if quarter.is_locked or row.actual is None or row.actual.state == "draft" or row.value is None:
        raise Http404("No submitted figure to report a status for")
    rule_status = (row.rule_status or row.status).value
    initial = {"status": row.status.value if row.overridden else "", "reason": row.override_reason}
    form = StatusOverrideForm(request.POST if request.method == "POST" else None, initial=initial,
                              rule_status=rule_status)
    if request.method == "POST" and form.is_valid():
        try:
            services.figure_override_status(user=request.user, quarter=quarter, indicator=indicator,
                                            status=form.cleaned_data["status"], reason=form.cleaned_data["reason"])
        except InvalidWrite as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message[0].upper() + message[1:])
        except RecordError as exc:
            form.add_error(None, exc.message)
        else:
            chosen = form.cleaned_data["status"]
            messages.success(request, f"{indicator.code} is reported as {chosen.lower()} (the rules give "
                                      f"{rule_status.lower()})." if chosen else
                             f"{indicator.code} is reported with the rules' status, {rule_status.lower()}.")
            return redirect("kpis:submissions", period=quarter.slug)
    return render(request, "kpis/status_override.html", {
        "quarter": quarter, "indicator": indicator, "row": row, "form": form, "rule_status": rule_status,
    }, status=400 if form.is_bound and form.errors else 200)


@require_POST
def sign_off(request: HttpRequest, period: str) -> HttpResponse:
    if not access.can_sign_off(request.user):
        raise PermissionDenied
    quarter = _quarter(period)
    area_id = request.POST.get("service_area", "")
    if area_id and parsing.record_id(area_id) is None:
        raise Http404
    area = get_object_or_404(ServiceArea, pk=area_id) if area_id else None
    if area is None:
        # Every submitted figure at once: only when the officer has ticked to confirm it, for the number of
        # figures the page showed (one submitted since is not signed off unseen).
        if request.POST.get("confirm") != "yes":
            messages.error(request, "Tick to confirm that you have reviewed every submitted figure, then sign them "
                                    "off: nothing was signed off")
            return redirect("kpis:submissions", period=quarter.slug)
        shown = request.POST.get("count", "")
        now = sum(1 for r in queries.scope(None, quarter).rows if r.actual is not None
                  and r.actual.state == "submitted")
        if shown and parsing.record_id(shown) != now:
            messages.error(request, f"{now} figures are submitted now, not the {shown} you confirmed: check them "
                                    "and confirm again. Nothing was signed off")
            return redirect("kpis:submissions", period=quarter.slug)
    try:
        count = services.figures_sign_off(user=request.user, period=quarter,
                                          service_area_id=area.pk if area else None)
    except RecordError as exc:
        messages.error(request, exc.message)
        return redirect("kpis:submissions", period=quarter.slug)
    where = area.name if area else "all service areas"
    messages.success(request, f"Signed off {count} submitted figure{'s' if count != 1 else ''} for {where}, "
                              f"{quarter.label}.")
    return redirect("kpis:submissions", period=quarter.slug)


# --- indicator and target management --------------------------------------

def manage(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_indicators(request.user):
        raise PermissionDenied
    indicators = Indicator.objects.select_related("service_area__directorate", "commitment").order_by("code")
    return render(request, "kpis/manage.html", {"indicators": indicators})


def indicator_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    if not access.can_manage_indicators(request.user):
        raise PermissionDenied
    indicator = get_object_or_404(Indicator, code=code) if code else None
    form = IndicatorForm(request.POST if request.method == "POST" else None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.indicator_save(user=request.user, indicator=form.save(commit=False),
                                            reason=form.cleaned_data.get("reason", ""))
        except InvalidWrite as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message)
        except RecordError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{saved.code} saved. A new definition applies to open quarters only: "
                                      "locked quarters keep the judgement they were signed off with.")
            return redirect("kpis:targets", code=saved.code)
    return render(request, "kpis/indicator_form.html", {"form": form, "indicator": indicator})


def targets(request: HttpRequest, code: str) -> HttpResponse:
    if not access.can_manage_indicators(request.user):
        raise PermissionDenied
    indicator = get_object_or_404(Indicator, code=code)
    target_form = TargetForm(request.POST if request.POST.get("form") == "target" else None,
                             indicator=indicator, prefix="t")
    comparator_form = ComparatorForm(request.POST if request.POST.get("form") == "comparator" else None,
                                     prefix="c")
    if request.method == "POST":
        if request.POST.get("form") == "target" and target_form.is_valid():
            try:
                target = services.target_set(user=request.user, indicator=indicator,
                                             period=target_form.period_object(),
                                             value=target_form.cleaned_data["value"],
                                             reason=target_form.cleaned_data.get("reason", ""))
            except RecordError as exc:
                target_form.add_error("period", exc.message)
            else:
                messages.success(request, f"Target for {target.period.label} saved. It applies to open quarters: "
                                          "figures signed off in locked quarters keep the target they were judged "
                                          "against.")
                return redirect("kpis:targets", code=indicator.code)
        if request.POST.get("form") == "comparator" and comparator_form.is_valid():
            year = ReportingPeriod.for_value(comparator_form.cleaned_data["year"])
            try:
                services.comparator_set(user=request.user, indicator=indicator, year=year, values={
                    k: comparator_form.cleaned_data[k] for k in (*services.BENCHMARK_FIELDS, "quartile")})
            except ConcurrentEdit:
                comparator_form.add_error("year", f"Someone else saved benchmarks for {year.label} while you were "
                                                  "entering these: nothing was saved. Check theirs below and "
                                                  "save again if yours should replace them.")
            except RecordError as exc:
                comparator_form.add_error("year", exc.message)
            else:
                messages.success(request, f"Benchmarks for {year.label} saved.")
                return redirect("kpis:targets", code=indicator.code)
    return render(request, "kpis/targets.html", {
        "indicator": indicator, "target_form": target_form, "comparator_form": comparator_form,
        "targets": indicator.targets.select_related("period").order_by("-period__year", "-period__quarter"),
        "comparators": [(c, c.band(indicator.polarity)) for c in
                        indicator.comparators.select_related("period").order_by("-period__year")],
    })


# --- exports -------------------------------------------------------------------

def export_indicators(request: HttpRequest, fmt: str) -> HttpResponse:
    if not access.can_view_performance(request.user) or fmt not in ("csv", "xlsx"):
        raise PermissionDenied if fmt in ("csv", "xlsx") else Http404
    return interchange.download_response(resources.IndicatorResource().export_dataset(), fmt, "indicators",
                                         title="Indicators")


def export_report(request: HttpRequest, period: str, fmt: str) -> HttpResponse:
    """The quarterly report as the dashboard's filters choose it: CSV in the kpi-report columns of
    formats.md, or a titled, printable Excel report (kpis/report.py)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not access.can_view_performance(request.user):
        raise PermissionDenied
    quarter = _quarter(period, request.user)
    found_key = tuple((k, tuple(v)) for k, v in sorted(request.GET.lists()))

    def build() -> bytes:
        found, filterset, directorate, _ = _scope(request, quarter)
        if fmt == "csv":
            return interchange.write(resources.kpi_report_rows(found.filtered), fmt, title=quarter.label)
        scope_label = queries.directorate_name(quarter, directorate) if directorate else "all directorates"
        cleaned = filterset.form.cleaned_data if filterset.is_bound else {}
        narrowing = _narrowing(cleaned, found.by_area())
        if narrowing:
            scope_label += "; " + "; ".join(f"{label.lower()} {value}" for label, value in narrowing)
        return report.workbook(found, title=f"Quarterly performance report, {quarter.label}",
                               scope_label=scope_label)

    # The same for every reader of performance: kept until the data changes (organisation/summaries.py).
    content = summaries.cached("kpi-report", (quarter.pk, quarter.state, fmt, found_key), build, request=request,
                               store="downloads")
    return interchange.attachment(content, fmt, f"performance-report-{quarter.slug}")

"""Programme pages: the list, a programme's page for a quarter, its highlight and closure reports, and the
owners' forms for the quarter's objective assessments and savings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from organisation import access, typed_work
from organisation.models import ReportingPeriod, period_from_slug
from organisation.periods import PeriodError
from organisation.records import ConcurrentEdit, InvalidWrite, RecordError
from organisation.typed_work import keeps_typed_work

from . import report as reports
from . import rules, services
from .forms import AssessmentRowForm, NewYearForm, QuestionForm, SavingRowForm
from .models import Assessment, Objective, Programme, Saving


def _programme(request: HttpRequest, pk: int) -> Programme:
    if not access.can_view_programmes(request.user):
        raise PermissionDenied
    return get_object_or_404(Programme.objects.select_related("directorate", "service_area"), pk=pk)


def _quarter(slug: str | None) -> ReportingPeriod:
    try:
        value = period_from_slug(slug or "")
    except PeriodError:
        raise Http404("No such quarter") from None
    if value.is_year:
        raise Http404("Programmes report by quarter")
    return get_object_or_404(ReportingPeriod, year=value.year, quarter=value.quarter)


def programme_list(request: HttpRequest) -> HttpResponse:
    if not access.can_view_programmes(request.user):
        raise PermissionDenied
    programmes = list(reports.programmes_for(request.user).order_by("name"))
    summaries = reports.savings_summaries(programmes)
    return render(request, "programmes/list.html", {"rows": summaries})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    quarters = reports.reported_quarters(programme)
    slug = request.GET.get("period")
    quarter = _quarter(slug) if slug else reports.default_quarter(programme, quarters)
    report = reports.build(programme, quarter, request.user)
    open_quarter = ReportingPeriod.objects.latest_quarter()
    area_id = programme.service_area_id
    return render(request, "programmes/detail.html", {
        "programme": programme, "report": report, "quarter": quarter, "open_quarter": open_quarter,
        "can_enter": access.can_view_programme_entry(request.user, area_id),
        "can_manage": access.can_manage_programmes(request.user),
        "closure_quarter": reports.closure_quarter(programme, quarters),
    })


def highlight(request: HttpRequest, pk: int, period: str) -> HttpResponse:
    programme = _programme(request, pk)
    quarter = _quarter(period)
    report = reports.build(programme, quarter, request.user)
    return render(request, "programmes/highlight.html", {"programme": programme, "report": report,
                                                          "quarter": quarter})


def closure(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    quarter = reports.closure_quarter(programme)
    report = reports.build(programme, quarter, request.user)
    return render(request, "programmes/closure.html", {"programme": programme, "report": report,
                                                        "quarter": quarter})


# --- the owners' forms ---------------------------------------------------------------------------

def _entry(request: HttpRequest, pk: int, period: str) -> tuple[Programme, ReportingPeriod, bool]:
    programme = _programme(request, pk)
    quarter = _quarter(period)
    if not access.can_view_programme_entry(request.user, programme.service_area_id):
        raise PermissionDenied
    editable = access.can_enter_programme(request.user, programme.service_area_id, quarter)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    return programme, quarter, editable


@keeps_typed_work
def assess(request: HttpRequest, pk: int, period: str) -> HttpResponse:
    """The quarter's assessment of each objective, by the programme's owners: save as draft or submit."""
    programme, quarter, editable = _entry(request, pk, period)
    objectives = list(Objective.objects.filter(programme=programme).order_by("number"))
    current = {a.objective_id: a for a in Assessment.objects.filter(period=quarter, objective__programme=programme)
               .select_related("entered_by", "signed_off_by")}
    data = request.POST if request.method == "POST" else (typed_work.take(request) if editable else None)
    forms = []
    for objective in objectives:
        found = current.get(objective.pk)
        initial = {"rag": found.rag if found else "", "assessment": found.assessment if found else "",
                   "commentary": found.commentary if found else "", "version": found.version if found else 0}
        form = AssessmentRowForm(data, prefix=f"o{objective.pk}", initial=initial, objective=objective)
        if not editable:
            for f in form.fields.values():
                f.disabled = True
        form.current = found
        forms.append(form)
    problem, conflicts, status = "", [], 200
    if request.method == "POST" and all(f.is_valid() for f in forms):
        submit = request.POST.get("action") == "submit"
        rows = [services.AssessmentInput(f.objective, f.cleaned_data["version"], f.cleaned_data["rag"],
                                         f.cleaned_data["assessment"], f.cleaned_data["commentary"]) for f in forms]
        try:
            saved = services.assessments_save(user=request.user, programme=programme, period=quarter, rows=rows,
                                              submit=submit)
        except ConcurrentEdit as exc:
            conflicts = [c.key for c in exc.conflicts]
            status = 409
        except InvalidWrite as exc:
            problem, status = "; ".join(f"{k}: {v}" for k, v in exc.errors.items()), 400
        except RecordError as exc:
            problem, status = exc.message, 400
        else:
            verb = "submitted for sign-off" if submit else "saved as drafts"
            messages.success(request, f"{saved} assessment{'s' if saved != 1 else ''} of {programme.name} for "
                                      f"{quarter.label} {verb}.")
            return redirect("programmes:assess", pk=programme.pk, period=quarter.slug)
    elif request.method == "POST":
        status = 400
    submitted = [a for a in current.values() if a.state == Assessment.State.SUBMITTED]
    return render(request, "programmes/assess.html", {
        "programme": programme, "quarter": quarter, "forms": forms, "editable": editable, "problem": problem,
        "conflicts": conflicts, "can_sign_off": editable and access.can_manage_programmes(request.user),
        "submitted": submitted, "question_form": QuestionForm(),
    }, status=status)


@require_POST
def sign_off(request: HttpRequest, pk: int, period: str) -> HttpResponse:
    programme, quarter, editable = _entry(request, pk, period)
    if not access.can_manage_programmes(request.user):
        raise PermissionDenied
    try:
        signed = services.assessments_sign_off(user=request.user, programme=programme, period=quarter)
    except RecordError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{signed} assessment{'s' if signed != 1 else ''} signed off.")
    return redirect("programmes:assess", pk=programme.pk, period=quarter.slug)


@require_POST
def send_back(request: HttpRequest, pk: int, period: str, number: int) -> HttpResponse:
    programme, quarter, editable = _entry(request, pk, period)
    if not access.can_manage_programmes(request.user):
        raise PermissionDenied
    objective = get_object_or_404(Objective, programme=programme, number=number)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Objective {number}: write the question for the programme's owner "
                                "(at most 4,000 characters).")
        return redirect("programmes:assess", pk=programme.pk, period=quarter.slug)
    try:
        services.assessment_send_back(user=request.user, objective=objective, period=quarter,
                                      question=form.cleaned_data["question"])
    except RecordError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Objective {number}'s assessment sent back with your question.")
    return redirect("programmes:assess", pk=programme.pk, period=quarter.slug)


@keeps_typed_work
def savings(request: HttpRequest, pk: int, period: str) -> HttpResponse:
    """The quarter's savings: for each financial year of the profile, planned, forecast and delivered. A
    quarter with none yet starts from the newest earlier quarter's lines."""
    programme, quarter, editable = _entry(request, pk, period)
    current = {s.year_id: s for s in Saving.objects.filter(programme=programme, period=quarter).select_related("year")}
    earlier = None if current else _earlier_quarter(programme, quarter)
    previous = {s.year_id: s for s in Saving.objects.filter(programme=programme, period_id=earlier)
                .select_related("year")} if earlier else {}
    years = sorted({s.year for s in [*current.values(), *previous.values()]}, key=lambda y: y.year)
    data = request.POST if request.method == "POST" else (typed_work.take(request) if editable else None)
    new_year = NewYearForm(data, prefix="new")
    forms = []
    for year in years:
        found, prev = current.get(year.pk), previous.get(year.pk)
        start = found or prev
        initial = {"planned": _plain(start.planned) if start else "",
                   "forecast": _plain(start.forecast) if start else "",
                   "delivered": _plain(start.delivered) if start else "",
                   "rag": found.rag if found else "", "version": found.version if found else 0}
        form = SavingRowForm(data, prefix=f"y{year.pk}", initial=initial, year_label=year.label)
        form.year, form.previous = year, prev
        if not editable:
            for f in form.fields.values():
                f.disabled = True
        forms.append(form)
    problem, status = "", 200
    if request.method == "POST" and new_year.is_valid() and all(f.is_valid() for f in forms):
        rows = []
        for f in forms:
            if f.cleaned_data["planned"] is None:
                continue
            start = current.get(f.year.pk) or previous.get(f.year.pk)
            rows.append(services.SavingInput(
                year=f.year, version=f.cleaned_data["version"], planned=f.cleaned_data["planned"],
                forecast=f.cleaned_data["forecast"], delivered=f.cleaned_data["delivered"],
                rag=f.cleaned_data["rag"], owner=start.owner if start else "", forum=start.forum if start else "",
                how_measured=start.how_measured if start else "", commentary=start.commentary if start else ""))
        try:
            if new_year.cleaned_data["year"]:
                from organisation import periods as period_values
                from organisation.services import period_get_or_create

                year = period_get_or_create(period_values.parse(new_year.cleaned_data["year"]))
                if year.pk not in {f.year.pk for f in forms}:
                    rows.append(services.SavingInput(year=year, version=0, planned=rules.ZERO))
            saved = services.savings_save(user=request.user, programme=programme, period=quarter, rows=rows)
        except ConcurrentEdit:
            problem, status = ("Someone else saved these savings after you opened the form. Nothing has been "
                               "saved: the form shows what is saved now."), 409
        except InvalidWrite as exc:
            problem, status = "; ".join(f"{k}: {v}" for k, v in exc.errors.items()), 400
        except RecordError as exc:
            problem, status = exc.message, 400
        else:
            messages.success(request, f"Savings of {programme.name} for {quarter.label} saved ({saved} "
                                      f"line{'s' if saved != 1 else ''} changed).")
            return redirect("programmes:savings", pk=programme.pk, period=quarter.slug)
    elif request.method == "POST":
        status = 400
    return render(request, "programmes/savings.html", {
        "programme": programme, "quarter": quarter, "forms": forms, "new_year": new_year, "editable": editable,
        "problem": problem, "started_from": ReportingPeriod.objects.filter(pk=earlier).first() if earlier else None,
    }, status=status)


def _earlier_quarter(programme: Programme, quarter: ReportingPeriod) -> int | None:
    from django.db.models import Q

    before = Q(period__year__lt=quarter.year) | Q(period__year=quarter.year, period__quarter__lt=quarter.quarter)
    return (Saving.objects.filter(before, programme=programme).order_by("-period__year", "-period__quarter")
            .values_list("period_id", flat=True).first())


def _plain(value) -> str:
    return "" if value is None else format(value.normalize(), "f") if value == value.to_integral() else \
        format(value, "f")

"""The pages of running the quarter: everyone's tasks on the home page, the performance officer's
overview of the whole directorate's (by service area and person, with a CSV), and a quarter's deadlines."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from . import access, clock, services, tasks
from . import quarter as running
from .deadlines import Deadline
from .home import Panel
from .interchange import formula_safe
from .models import ReportingPeriod
from .records import InvalidWrite, RecordError


def tasks_panel(request) -> Panel | None:
    """The home page leads with the user's own tasks, overdue first; the performance officer's also links to
    the whole directorate's."""
    user = request.user
    if not user.is_authenticated:
        return None
    today = clock.today()
    quarters = running.being_run(today)
    dates = running.dates_many(quarters)
    officer = access.is_performance_officer(user)
    # Tasks belong to service areas' managers and to the performance team: others have none to gather.
    has_tasks = officer or access.is_service_manager(user)
    mine = sorted(tasks.for_user(user, today, quarters=quarters, request=request), key=lambda s: (
        not s.overdue, s.task.due, s.task.title)) if has_tasks and quarters else []
    # A head of service sees her areas' overdue returns, whoever holds them.
    headed = sorted(tasks.overdue_in_areas_headed_by(user, today, quarters=quarters, request=request),
                    key=lambda s: (s.task.area, s.task.due, s.task.title)) if quarters else []
    counts = None
    if officer:
        everyone = tasks.shown(tasks.all_tasks(today, quarters=quarters, request=request), today)
        counts = {"total": len(everyone), "overdue": sum(1 for s in everyone if s.overdue)}
    return Panel("organisation/panel_tasks.html", {
        "tasks": mine[:15], "more": max(0, len(mine) - 15), "overdue": sum(1 for s in mine if s.overdue),
        "officer": officer, "counts": counts, "deadlines": [(q, dates[q.pk]) for q in quarters],
        "headed": _with_names(headed),
    }, order=0)


def _with_names(found) -> list[tuple]:
    """(shown task, the names of whom it is with, a page the head of service may open about it) for each."""
    if not found:
        return []
    names = _people(found)
    return [(s, ", ".join(names.get(pk, "a former user") for pk in s.task.people) or "No one", _readable(s.task))
            for s in found]


def _readable(task) -> str:
    """A page about a task that its area's head of service may read (the form itself is the manager's): the
    area's dashboard for figures, the risk's page for a review or action, the placements report."""
    from django.urls import reverse

    parts = task.key.split(":")
    quarter = parts[1] if len(parts) > 1 else ""
    if task.kind in ("figures", "question") and task.area_id:
        return f"{reverse('kpis:area_dashboard', args=[task.area_id])}?period={quarter}"
    if task.kind in ("review", "action") and task.url.startswith("/risks/"):
        reference = task.url.split("/")[2]
        return reverse("risks:risk", args=[reference])
    if task.kind == "snapshot":
        return reverse("placements:report")
    return task.url


def _people(found) -> dict[int, str]:
    ids = {pk for s in found for pk in s.task.people}
    return {u.pk: u.get_full_name() or u.get_username() for u in get_user_model().objects.filter(pk__in=ids)}


def tasks_overview(request: HttpRequest) -> HttpResponse:
    """Every outstanding task of the quarters being run, by service area and by person."""
    if not access.can_manage_periods(request.user):
        raise PermissionDenied
    today = clock.today()
    found = tasks.shown(tasks.all_tasks(today, request=request), today)
    names = _people(found)
    by_area: dict[str, list] = defaultdict(list)
    for s in found:
        by_area[s.task.area or "The performance team"].append(s)
    persons: Counter = Counter()
    late: Counter = Counter()
    for s in found:
        for pk in s.task.people or (0,):
            persons[pk] += 1
            late[pk] += s.overdue
    by_person = sorted(((names.get(pk, "No one assigned"), persons[pk], late[pk]) for pk in persons),
                       key=lambda row: (-row[2], row[0]))
    areas = sorted(((area, items, sum(1 for s in items if s.overdue)) for area, items in by_area.items()),
                   key=lambda row: (-row[2], row[0]))
    quarters = running.being_run(today)
    dates = running.dates_many(quarters)
    stored = {q.pk for q in quarters if running.is_set(q)}
    return render(request, "organisation/tasks.html", {
        "areas": areas, "by_person": by_person, "names": names, "total": len(found),
        "overdue": sum(1 for s in found if s.overdue), "today": today,
        "deadlines": [(q, dates[q.pk], q.pk in stored) for q in quarters],
    })


def tasks_export(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_periods(request.user):
        raise PermissionDenied
    today = clock.today()
    found = tasks.shown(tasks.all_tasks(today), today)
    names = _people(found)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tasks-{today:%Y-%m-%d}.csv"'
    response.write("\ufeff")  # Excel reads a page's CSV as UTF-8 by its byte-order mark
    writer = csv.writer(response)
    writer.writerow(["service_area", "task", "kind", "due", "overdue", "people", "statutory", "link"])
    for s in found:
        writer.writerow([formula_safe(v) if isinstance(v, str) else v for v in (
            s.task.area, s.task.title, s.task.kind, s.task.due.isoformat(), "yes" if s.overdue else "no",
            "; ".join(names.get(pk, "") for pk in s.task.people) or "no one assigned",
            "yes" if s.task.statutory else "no", request.build_absolute_uri(s.task.url))])
    return response


class DeadlinesForm(forms.Form):
    figures = forms.DateField(label="Figures due", input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                              help_text="From the service managers, for example 19/07/2019")
    reviews = forms.DateField(label="Risk reviews due", input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    sign_off = forms.DateField(label="Sign-off", input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                               help_text="When the performance team signs off and locks the quarter")
    committee = forms.DateField(label="Committee", input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                help_text="The meeting the quarter is reported to")
    reason = forms.CharField(label="Why (optional)", required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 2}), help_text="Kept in the audit trail")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.error_messages = {"required": f"Enter the date: {field.label.lower()}",
                                        "invalid": f"{field.label}: enter a date like 19/07/2019"}


def deadlines_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a quarter's deadlines (the defaults come from the DEADLINE_RULE setting)."""
    if not access.can_manage_periods(request.user):
        raise PermissionDenied
    quarter = get_object_or_404(ReportingPeriod, pk=pk, quarter__isnull=False)
    current, defaults = running.dates(quarter), running.defaults(quarter)
    form = DeadlinesForm(request.POST if request.method == "POST" else None,
                         initial={kind.value: f"{day:%d/%m/%Y}" for kind, day in current.items()})
    if request.method == "POST" and form.is_valid():
        try:
            services.deadlines_set(user=request.user, quarter=quarter, dates=form.cleaned_data,
                                   reason=form.cleaned_data["reason"])
        except InvalidWrite as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message[0].upper() + message[1:])
        except RecordError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Deadlines for {quarter.label} saved. Reminders and chasers follow them.")
            return redirect("periods:list")
    return render(request, "organisation/deadlines.html", {
        "quarter": quarter, "form": form, "defaults": [(kind, defaults[kind]) for kind in Deadline],
        "is_set": running.is_set(quarter), "rule": running.rule(),
    }, status=400 if form.is_bound and form.errors else 200)

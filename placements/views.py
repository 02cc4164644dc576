from __future__ import annotations

import tablib
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from organisation import access, interchange, typed_work
from organisation.charts import Series, line_chart
from organisation.models import ReportingPeriod, period_from_slug
from organisation.periods import PeriodError
from organisation.records import ConcurrentEdit, RecordError
from organisation.typed_work import keeps_typed_work

from . import report as reports
from . import report_workbook, services
from .forms import SnapshotRowForm
from .models import PlacementCategory, PlacementSnapshot

DEFAULT_QUARTERS = 6


def _pick(quarters: list[ReportingPeriod], slug: str | None, default: ReportingPeriod | None):
    if not slug:
        return default
    found = next((q for q in quarters if q.slug == slug), None)
    if found is None:
        raise Http404("No snapshot for that quarter")
    return found


def _report_from_request(request: HttpRequest, pick=None):
    quarters = reports.quarters_with_snapshots()
    if not quarters:
        return None, quarters
    last = _pick(quarters, request.GET.get("to"), quarters[-1])
    as_at = None
    if last.has_record:
        # A locked quarter's report reads as it was reported: the quarters and figures its lock recorded (a
        # snapshot given to an earlier quarter since is not in it).
        recorded = reports.quarters_as_at(last)
        if recorded and recorded[-1].pk == last.pk:
            quarters, as_at = recorded, last
    first_default = quarters[max(0, quarters.index(last) - DEFAULT_QUARTERS + 1)]
    first = _pick(quarters, request.GET.get("from"), first_default)
    if first.value.sort_key > last.value.sort_key:
        first, last = last, first
    chosen = quarters[quarters.index(first): quarters.index(last) + 1]
    baseline = _pick(quarters, request.GET.get("baseline"), chosen[0])
    return reports.build(chosen, baseline, pick=pick, as_at=as_at), quarters


HEADINGS_PER_PAGE = 10


def report(request: HttpRequest) -> HttpResponse:
    if not access.can_view_placements(request.user):
        raise PermissionDenied
    # The headings shown: one chosen, else a page of them (a large council's table would otherwise run to
    # megabytes); only those are built row by row. The totals, splits and charts are the whole council's.
    shown: dict = {"page": None, "heading": None}
    wanted = request.GET.get("heading", "")

    def pick(names: list[str]) -> list[str]:
        if wanted:
            if wanted not in names:
                raise Http404("No such heading")
            shown["heading"] = wanted
            return [wanted]
        shown["page"] = Paginator(names, HEADINGS_PER_PAGE).get_page(request.GET.get("page"))
        return list(shown["page"].object_list)

    result, quarters = _report_from_request(request, pick)
    charts = []
    if result is not None:
        labels = [q.label for q in result.quarters]
        # Quarters are spaced by time: a quarter with no snapshot shows as a gap, not as a neighbour.
        positions = [q.value.ordinal for q in result.quarters]
        charts = [
            line_chart("Children in care placements at each quarter end", labels,
                       [Series("Children", [g.children for g in result.grand], [str(g.children) for g in result.grand])],
                       y_title="Children", positions=positions),
            line_chart("Estimated annual cost of placements (£ thousands)", labels,
                       [Series("Estimated annual cost", [g.annual_cost_thousands for g in result.grand],
                               [f"£{g.annual_cost_thousands:,}k" for g in result.grand])],
                       y_title="£ thousands", positions=positions),
        ]
    area = reports.owning_service_area()
    open_quarter = ReportingPeriod.objects.latest_quarter()
    query = request.GET.copy()
    query.pop("page", None)
    from organisation.periods import gaps

    return render(request, "placements/report.html", {
        "report": result, "quarters": quarters, "charts": charts, "open_quarter": open_quarter,
        "gaps": gaps([q.value for q in result.quarters]) if result is not None else [],
        "last_quarter": result.quarters[-1] if result else None,
        "can_enter": bool(open_quarter and access.can_view_placement_entry(request.user, area.pk if area else None)),
        "query": request.GET.urlencode(), "page_query": query.urlencode(),
        "shown_headings": result.headings if result is not None else [], "headings_page": shown["page"],
        "heading_names": result.heading_names if result is not None else [], "chosen_heading": shown["heading"],
    })


def report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The report as on screen: one row per line of the table, one column per quarter. The workbook has
    title rows and is laid out for Excel and for printing (report_workbook.py), and follows the page's
    heading filter (the grand total and shares stay the whole council's, as on the page); the CSV holds
    every heading's lines, plain."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not access.can_view_placements(request.user):
        raise PermissionDenied
    heading = request.GET.get("heading", "") if fmt == "xlsx" else ""

    def pick(names: list[str]) -> list[str]:
        if heading not in names:
            raise Http404("No such heading")
        return [heading]

    result, _ = _report_from_request(request, pick if heading else None)
    if result is None:
        raise Http404("No placements yet")
    name = f"placements-{result.quarters[0].slug}-to-{result.quarters[-1].slug}"
    if fmt == "xlsx":
        content = report_workbook.workbook(result, report_workbook.scope_label(heading or None))
        return interchange.attachment(content, fmt, name)
    data = tablib.Dataset(headers=["heading", "category", "measure"] + [q.label for q in result.quarters])
    for line in report_workbook.lines(result):
        data.append([line.heading, line.category, line.measure] + ["" if v is None else v for v in line.values])
    return interchange.download_response(data, fmt, name, title="Finance and activity")


@keeps_typed_work
def entry(request: HttpRequest, period: str) -> HttpResponse:
    try:
        value = period_from_slug(period)
    except PeriodError:
        raise Http404 from None
    if value.is_year:
        raise Http404
    quarter = get_object_or_404(ReportingPeriod, year=value.year, quarter=value.quarter)
    area = reports.owning_service_area()
    area_id = area.pk if area else None
    if not access.can_view_placement_entry(request.user, area_id):
        raise PermissionDenied
    editable = access.can_enter_placements(request.user, area_id, quarter)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    categories = list(PlacementCategory.objects.filter(active=True).select_related("heading"))
    current = {s.category_id: s for s in PlacementSnapshot.objects.filter(period=quarter)}
    # The most recent earlier snapshot (normally the previous quarter's).
    earlier = [q for q in reports.quarters_with_snapshots() if q.value.sort_key < quarter.value.sort_key]
    previous_quarter = earlier[-1] if earlier else None
    previous = {s.category_id: s for s in PlacementSnapshot.objects.filter(period=previous_quarter)} \
        if previous_quarter else {}
    # What was typed before a session expired is shown back, unsaved (organisation/typed_work.py).
    data = request.POST if request.method == "POST" else (typed_work.take(request) if editable else None)
    forms = []
    for category in categories:
        snap, prev = current.get(category.pk), previous.get(category.pk)
        initial = {
            "children": snap.children if snap else "",
            # Costs change slowly: start from the previous snapshot's.
            "weekly_cost": _plain(snap.average_weekly_cost if snap else (prev.average_weekly_cost if prev else None)),
            "version": snap.version if snap else 0,
        }
        form = SnapshotRowForm(data, prefix=f"c{category.pk}",
                               initial=initial, category=category)
        if not editable:
            for f in form.fields.values():
                f.disabled = True
        form.previous = prev
        forms.append(form)
    conflicts = []
    problem = ""
    if request.method == "POST" and all(f.is_valid() for f in forms):
        rows = [services.SnapshotInput(f.category, f.cleaned_data["version"], f.cleaned_data["children"],
                                       f.cleaned_data["weekly_cost"]) for f in forms]
        try:
            saved = services.snapshot_save(user=request.user, period=quarter, rows=rows)
        except ConcurrentEdit as exc:
            conflicts = [{"name": c.key.name,
                          "theirs": f"{c.theirs[0]} children at £{c.theirs[1]:,.2f}" if c.theirs else "nothing",
                          "yours": f"{c.yours[0]} children at £{c.yours[1]:,.2f}"} for c in exc.conflicts]
        except RecordError as exc:
            problem = exc.message
        else:
            messages.success(request, f"Placements for {quarter.label} saved ({saved} row{'s' if saved != 1 else ''} "
                                      "changed).")
            return redirect("placements:entry", period=quarter.slug)
    headings = []
    for form in forms:
        if not headings or headings[-1][0] != form.category.heading.name:
            headings.append((form.category.heading.name, []))
        headings[-1][1].append(form)
    return render(request, "placements/entry.html", {
        "quarter": quarter, "headings": headings, "forms": forms, "editable": editable, "conflicts": conflicts,
        "previous_quarter": previous_quarter, "problem": problem,
    }, status=409 if conflicts else (400 if problem else 200))


def entry_start(request: HttpRequest) -> HttpResponse:
    area = reports.owning_service_area()
    if not access.can_view_placement_entry(request.user, area.pk if area else None):
        raise PermissionDenied
    quarter = ReportingPeriod.objects.latest_quarter()
    if quarter is None:
        raise Http404
    return redirect("placements:entry", period=quarter.slug)


def _plain(value) -> str:
    return "" if value is None else format(value.normalize(), "f")

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from organisation import access, interchange
from organisation.models import ReportingPeriod
from organisation.records import InvalidWrite, RecordError

from . import services
from .forms import PackForm
from .models import Pack

FILES = {("a", "pdf"): "part_a_pdf", ("b", "pdf"): "part_b_pdf", ("a", "docx"): "part_a_docx",
         ("b", "docx"): "part_b_docx"}


def pack_list(request: HttpRequest) -> HttpResponse:
    """The committee packs issued, newest first; officers preview and issue them here."""
    if not access.can_view_packs(request.user):
        raise PermissionDenied
    packs = Pack.objects.select_related("committee", "quarter", "directorate").defer(*FILES.values())
    page = Paginator(packs, 25).get_page(request.GET.get("page"))
    form = None
    if access.can_issue_packs(request.user):
        latest = ReportingPeriod.objects.latest_locked()
        form = PackForm(request.POST if request.method == "POST" else None,
                        initial={"quarter": latest.pk if latest else None})
        if request.method == "POST":
            response = _act(request, form)
            if response is not None:
                return response
    elif request.method == "POST":
        raise PermissionDenied
    from .forms import CoveringScopeForm

    covering_scope = CoveringScopeForm(auto_id="covering_%s", initial={"quarter": form.initial.get("quarter")}) \
        if form is not None else None
    return render(request, "packs/list.html", {
        "page": page, "packs": page.object_list, "form": form, "show_exempt": access.can_view_exempt(request.user),
        "covering_scope": covering_scope,
    }, status=400 if form is not None and form.is_bound else 200)


def _act(request: HttpRequest, form: PackForm) -> HttpResponse | None:
    """Preview (a file to check, kept nowhere) or issue (kept as issued) the pack the form describes."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    action = request.POST.get("action", "")
    try:
        if action.startswith("preview-"):
            fmt = action.removeprefix("preview-")
            if fmt not in ("pdf", "docx"):
                raise Http404
            part = data.get("part") or "a"
            made = services.build(quarter=data["quarter"], committee=data["committee"],
                                  meeting_date=data["meeting_date"], directorate=data["directorate"],
                                  draft=not data["quarter"].is_locked, programmes=data.get("programmes") or ())
            name = f"{'draft-' if made.meta.draft else 'preview-'}pack-{data['quarter'].slug}-part-{part}"
            return interchange.attachment(services.render(made, part, fmt), fmt, name)
        if action == "issue":
            pack = services.pack_issue(user=request.user, committee=data["committee"], quarter=data["quarter"],
                                       meeting_date=data["meeting_date"], directorate=data["directorate"],
                                       programmes=data.get("programmes") or ())
            messages.success(request, f"Issued: {pack}. Its files are kept exactly as issued.")
            return redirect("packs:list")
    except InvalidWrite as exc:
        for name, message in exc.errors.items():
            form.add_error(name if name in form.fields else None, message[0].upper() + message[1:])
    except RecordError as exc:
        form.add_error("quarter", exc.message)
    return None


def pack_download(request: HttpRequest, pk: int, part: str, fmt: str) -> HttpResponse:
    """An issued pack's file, byte for byte as issued."""
    if not access.can_view_packs(request.user):
        raise PermissionDenied
    field = FILES.get((part, fmt))
    if field is None:
        raise Http404
    if part == "b" and not access.can_view_exempt(request.user):
        raise PermissionDenied
    pack = get_object_or_404(Pack.objects.select_related("committee", "quarter").only(
        "pk", "version", "committee__name", "quarter__year", "quarter__quarter", "meeting_date", field), pk=pk)
    name = f"{pack.issued_to.lower().replace(' ', '-')}-{pack.meeting_date:%Y-%m-%d}-" \
           f"{pack.quarter.slug}-v{pack.version}-part-{part}"
    return interchange.attachment(bytes(getattr(pack, field)), fmt, name)


def covering_edit(request: HttpRequest) -> HttpResponse:
    """Write the covering report of a pack: every section of the council's report template, prefilled with
    what it reads now (the draft, the committee's standing text, the last pack, or words drafted from the
    figures), saved as a draft and issued, frozen, with the pack."""
    from datetime import timedelta

    from organisation.records import ConcurrentEdit

    from . import covering as covering_service
    from .forms import CoveringForm, CoveringScopeForm

    if not access.can_issue_packs(request.user):
        raise PermissionDenied
    scope = CoveringScopeForm(request.GET or None)
    if not scope.is_valid():
        return render(request, "packs/covering.html", {"scope": scope, "form": None}, status=400 if scope.is_bound
                      else 200)
    quarter, committee, directorate = (scope.cleaned_data[name] for name in ("quarter", "committee", "directorate"))
    made = services.build(quarter=quarter, committee=committee, meeting_date=quarter.end + timedelta(days=1),
                          directorate=directorate, draft=not quarter.is_locked)
    report = made.covering
    areas = [area for area, _ in report.narratives]
    saved = covering_service.draft_of(committee=committee, quarter=quarter, directorate=directorate)
    initial = {"version": saved.version if saved else 0}
    form = CoveringForm(request.POST if request.method == "POST" else None, covering=report, areas=areas,
                        initial=initial)
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "reset":
            services.covering_reset(user=request.user, committee=committee, quarter=quarter,
                                            directorate=directorate)
            messages.success(request, "The draft was cleared: every section reads its default again.")
            return redirect(f"{request.path}?{request.GET.urlencode()}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.covering_save(
                    user=request.user, committee=committee, quarter=quarter, directorate=directorate,
                    sections={key: data.get(key, "") for key in covering_service.SECTION_KEYS},
                    narratives={area: data.get(f"narrative_{i}", "") for i, area in enumerate(areas)},
                    expected_version=data.get("version"))
            except InvalidWrite as exc:
                for name, message in exc.errors.items():
                    form.add_error(name if name in form.fields else None, message[0].upper() + message[1:])
            except ConcurrentEdit as exc:
                form.add_error(None, f"{exc.conflicts[0].by} saved this covering report after you opened it: "
                                     "open it again to see their text, then make your changes")
            else:
                messages.success(request, "Covering report saved. Preview or issue the pack from Committee packs.")
                return redirect(f"{request.path}?{request.GET.urlencode()}")
        status = 400
    return render(request, "packs/covering.html", {
        "scope": scope, "form": form, "quarter": quarter, "committee": committee, "directorate": directorate,
        "saved": saved, "query": request.GET.urlencode(),
    }, status=status)

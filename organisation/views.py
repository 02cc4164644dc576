from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import access, home, interchange, roles
from .forms import UploadForm
from .models import PendingImport, ReportingPeriod


@login_not_required
def root(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return redirect("login")


def home_page(request: HttpRequest) -> HttpResponse:
    role = access.primary_role(request.user)
    return render(
        request,
        "organisation/home.html",
        {
            "role": role,
            "role_summary": roles.ROLE_SUMMARIES.get(role, ""),
            "panels": home.panels_for(request),
            "managed_areas": request.user.managed_service_areas.select_related("directorate")
            if access.is_service_manager(request.user) else [],
        },
    )


# --- reporting periods ---------------------------------------------------

def period_list(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_periods(request.user):
        raise PermissionDenied
    quarters = ReportingPeriod.objects.quarters().order_by("-year", "-quarter")
    latest = quarters.first()
    next_label = latest.value.next().label if latest else None
    return render(request, "organisation/periods.html", {"quarters": quarters, "next_label": next_label})


@require_POST
def period_set_state(request: HttpRequest, pk: int, state: str) -> HttpResponse:
    if not access.can_manage_periods(request.user):
        raise PermissionDenied
    if state not in ReportingPeriod.State.values:
        raise Http404
    period = get_object_or_404(ReportingPeriod, pk=pk, quarter__isnull=False)
    ReportingPeriod.objects.filter(pk=period.pk).update(state=state)
    verb = "locked" if state == ReportingPeriod.State.LOCKED else "reopened for entry"
    messages.success(request, f"{period.label} is {verb}.")
    return redirect(request.POST.get("next") or "periods:list")


@require_POST
def period_open_next(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_periods(request.user):
        raise PermissionDenied
    latest = ReportingPeriod.objects.quarters().order_by("-year", "-quarter").first()
    if latest is None:
        raise Http404
    with transaction.atomic():
        new = ReportingPeriod.for_value(latest.value.next())
    messages.success(request, f"{new.label} is open for entry.")
    return redirect("periods:list")


# --- imports ---------------------------------------------------------------

def _importable_kind(name: str) -> interchange.Kind:
    if name not in interchange.kind_names(importable=True):
        raise Http404
    return interchange.get_kind(name)


def import_index(request: HttpRequest) -> HttpResponse:
    if not access.can_import(request.user):
        raise PermissionDenied
    return render(request, "organisation/import_index.html", {"kinds": interchange.kinds(importable=True)})


def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if not access.can_import(request.user):
        raise PermissionDenied
    found = _importable_kind(kind)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    response = HttpResponse(interchange.blank_template(found.name, fmt), content_type=interchange.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{found.name}-template.{fmt}"'
    return response


def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a file and see a dry-run preview of what importing it would do."""
    if not access.can_import(request.user):
        raise PermissionDenied
    found = _importable_kind(kind)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        report = interchange.import_file(found.name, upload.name, content, dry_run=True, user=request.user)
        pending = None
        if report.ok:
            PendingImport.objects.filter(user=request.user, kind=found.name).delete()
            pending = PendingImport.objects.create(
                user=request.user, kind=found.name, filename=upload.name, content=content
            )
        return render(
            request,
            "organisation/import_preview.html",
            {"kind": found, "report": report, "pending": pending, "filename": upload.name},
        )
    return render(request, "organisation/import_upload.html", {"kind": found, "form": form})


@require_POST
def import_confirm(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if not access.can_import(request.user):
        raise PermissionDenied
    found = _importable_kind(kind)
    pending = get_object_or_404(PendingImport, pk=pk, user=request.user, kind=found.name)
    report = interchange.import_file(
        found.name, pending.filename, bytes(pending.content), dry_run=False, user=request.user
    )
    if not report.ok:
        # The data changed since the preview; show what is wrong now.
        return render(
            request,
            "organisation/import_preview.html",
            {"kind": found, "report": report, "pending": None, "filename": pending.filename},
        )
    pending.delete()
    messages.success(request, f"Imported {pending.filename}: {report.summary()}.")
    return redirect("imports:index")


# --- errors -------------------------------------------------------------

def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: the failure may be in the database.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({"council_name": "", "service_name": "Service"}),
                        status=500)

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import access, clock, home, interchange, parsing, roles, services
from .audit_trail import AuditFilter, audit_dataset, visible_events
from .forms import LockForm, ReopenForm, UploadForm
from .models import PendingImport, ReportingPeriod
from .periods import PeriodError
from .records import RecordError


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
    next_label = None
    if latest is not None:
        try:  # none past the limits periods are accepted within
            next_label = parsing.check_period(latest.value.next(), clock.today()).label
        except (PeriodError, parsing.InvalidValue):
            pass
    return render(request, "organisation/periods.html", {"quarters": quarters, "next_label": next_label})


def _safe_next(request: HttpRequest, default: str) -> str:
    """A `next` that is a path on this site, else the default (never javascript: or another host)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _quarter_or_404(pk: int) -> ReportingPeriod:
    return get_object_or_404(ReportingPeriod, pk=pk, quarter__isnull=False)


def period_lock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lock a quarter: first show what is still draft, submitted or unsigned, then lock on confirmation."""
    if not access.can_manage_periods(request.user):
        raise PermissionDenied
    period = _quarter_or_404(pk)
    form = LockForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            lines = services.period_lock(user=request.user, period=period,
                                         sign_off_submitted=form.cleaned_data["sign_off_submitted"],
                                         reason=form.cleaned_data["reason"])
        except RecordError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{period.label} is locked. " + ("; ".join(lines) + "." if lines else ""))
        return redirect(_safe_next(request, reverse("periods:list")))
    return render(request, "organisation/period_lock.html", {
        "period": period, "form": form, "outstanding": services.outstanding(period) if not period.is_locked else [],
        "next": _safe_next(request, ""),
    }, status=400 if form.is_bound else 200)


def period_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopen a locked quarter for a correction; a reason is required and goes in the audit trail."""
    if not access.can_manage_periods(request.user):
        raise PermissionDenied
    period = _quarter_or_404(pk)
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_reopen(user=request.user, period=period, reason=form.cleaned_data["reason"])
        except RecordError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(request, f"{period.label} is open for corrections. Figures as reported stay beside "
                                      "any revision; lock it again when the correction is signed off.")
            return redirect(_safe_next(request, reverse("periods:list")))
    return render(request, "organisation/period_reopen.html", {"period": period, "form": form},
                  status=400 if form.is_bound else 200)


@require_POST
def period_open_next(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_periods(request.user):
        raise PermissionDenied
    try:
        new = services.period_open_next(user=request.user)
    except RecordError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{new.label} is open for entry.")
    return redirect("periods:list")


# --- audit trail -----------------------------------------------------------

AUDIT_PER_PAGE = 50


def audit_trail(request: HttpRequest) -> HttpResponse:
    if not access.can_view_audit(request.user):
        raise PermissionDenied
    filterset = AuditFilter(request.GET or None, queryset=visible_events(request.user))
    events = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = Paginator(events, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "organisation/audit.html", {
        "filter": filterset, "page": page, "events": page.object_list, "query": query.urlencode(),
        "download_query": query.urlencode(),
    })


def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if not access.can_view_audit(request.user):
        raise PermissionDenied
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filterset = AuditFilter(request.GET or None, queryset=visible_events(request.user))
    events = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    return interchange.download_response(audit_dataset(events), fmt, "audit-trail", title="Audit trail")


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
    return interchange.attachment(interchange.blank_template(found.name, fmt), fmt, f"{found.name}-template")


def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a file and see a dry-run preview of what importing it would do."""
    if not access.can_import(request.user):
        raise PermissionDenied
    found = _importable_kind(kind)
    options = found.options
    form = UploadForm(request.POST, request.FILES, options=options) if request.method == "POST" \
        else UploadForm(options=options)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        extra = form.further_files()
        report = interchange.import_file(found.name, upload.name, content, dry_run=True, user=request.user,
                                         extra=extra)
        pending = None
        if report.ok:
            PendingImport.objects.filter(user=request.user, kind=found.name).delete()
            option, (option_filename, option_content) = next(iter(extra.items()), ("", ("", b"")))
            pending = PendingImport.objects.create(
                user=request.user, kind=found.name, filename=upload.name, content=content,
                option=option, option_filename=option_filename, option_content=option_content,
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
    try:
        report, filename = interchange.confirm_pending(user=request.user, kind_name=found.name, pending_id=pk)
    except PendingImport.DoesNotExist:
        raise Http404("No such import preview") from None
    except RecordError as exc:
        messages.error(request, exc.message)
        return redirect("imports:index")
    if not report.ok:
        # The data changed since the preview; show what is wrong now.
        return render(
            request,
            "organisation/import_preview.html",
            {"kind": found, "report": report, "pending": None, "filename": filename},
        )
    messages.success(request, f"Imported {filename}: {report.summary()}.")
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

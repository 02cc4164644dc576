"""The highlight and closure reports as PDF, Word and XLSX downloads (programmes/documents.py lays them out).

Every role that reads programmes downloads them; the risks to delivery are those the reader may see on
the registers (programmes.links.delivery_risks). A quarter not yet locked downloads as a DRAFT.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from organisation import access, interchange
from organisation.models import ReportingPeriod, period_from_slug
from organisation.periods import PeriodError

from . import documents, report
from .models import Programme


def _programme(request: HttpRequest, pk: int, fmt: str) -> Programme:
    if not access.can_view_programmes(request.user):
        raise PermissionDenied
    if fmt not in documents.FORMATS:
        raise Http404(f"No {fmt} download")
    return get_object_or_404(Programme.objects.select_related("directorate", "service_area"), pk=pk)


def _quarter(slug: str) -> ReportingPeriod:
    try:
        value = period_from_slug(slug)
    except PeriodError:
        raise Http404("No such quarter") from None
    if value.is_year:
        raise Http404("A highlight report is for a quarter")
    quarter = ReportingPeriod.objects.filter(year=value.year, quarter=value.quarter).first()
    if quarter is None:
        raise Http404("No such quarter")
    return quarter


def highlight_download(request: HttpRequest, pk: int, period: str, fmt: str) -> HttpResponse:
    """The programme's highlight report of a quarter (period: its slug, 2019-20-Q1) as pdf, docx or xlsx."""
    programme = _programme(request, pk, fmt)
    quarter = _quarter(period)
    doc = documents.highlight(report.build(programme, quarter, request.user))
    return interchange.attachment(documents.render(doc, fmt), fmt, doc.filename)


def closure_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The programme's closure and handover report (as at report.closure_quarter) as pdf, docx or xlsx."""
    programme = _programme(request, pk, fmt)
    doc = documents.closure(report.build(programme, report.closure_quarter(programme), request.user))
    return interchange.attachment(documents.render(doc, fmt), fmt, doc.filename)

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import ReportingPeriod, period_from_slug
from .periods import PeriodError


def get_quarter_or_404(slug: str | None, default: Callable[[], ReportingPeriod | None]) -> ReportingPeriod:
    """The quarter a URL names (2019-20-Q1), or the page's default quarter when it names none."""
    if not slug:
        quarter = default()
        if quarter is None:
            raise Http404("No quarters yet")
        return quarter
    try:
        value = period_from_slug(slug)
    except PeriodError:
        raise Http404("Not a period") from None
    if value.is_year:
        raise Http404("Not a quarter")
    return get_object_or_404(ReportingPeriod, year=value.year, quarter=value.quarter)

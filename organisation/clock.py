"""Today, as the application reads it: the real date, or a demo's pinned date.

Deadlines, tasks, chasers, "the current quarter" and the checks against far-future periods all ask
``clock.today()``. A demonstration database is pinned to the day its story is told (``load_demo_data``
sets 29 July 2019: the 2019/20 Q1 figures are in and await the performance officer's sign-off), so that
its tasks read "due in 5 working days", not "2,693 days overdue". The ``DEMO_TODAY`` setting (an ISO date,
from the environment) pins any database to a day; "off" ignores a pin that load_demo_data left. The
header shows a pinned day as "demo date". Timestamps (the audit trail, sign-offs) are always the real time.

The pin is read through the shared cache (a minute at most), and once per request (the middleware below).
"""

from __future__ import annotations

import contextvars
from datetime import date

from django.conf import settings
from django.utils import timezone

_UNREAD = object()
_request_pin: contextvars.ContextVar = contextvars.ContextVar("demo_clock", default=None)


def _setting() -> date | None | object:
    value = (getattr(settings, "DEMO_TODAY", "") or "").strip()
    if not value:
        return _UNREAD
    if value.lower() == "off":
        return None
    return date.fromisoformat(value)


CACHE_KEY = "demo-clock"
CACHE_SECONDS = 60  # a pin set while the server runs is seen within a minute


def _cache():
    from django.core.cache import caches

    return caches["summaries"]


def _stored() -> date | None:
    """The pin in the database, through the shared cache (no query on most requests)."""
    from .models import DemoClock

    found = _cache().get(CACHE_KEY)
    if found is None:
        day = DemoClock.objects.filter(pk=1).values_list("today", flat=True).first()
        found = day.isoformat() if day else "none"
        _cache().set(CACHE_KEY, found, CACHE_SECONDS)
    return None if found == "none" else date.fromisoformat(found)


def pinned() -> date | None:
    """The demo date, if the clock is pinned; else None."""
    from_setting = _setting()
    if from_setting is not _UNREAD:
        return from_setting
    memo = _request_pin.get()
    if memo is not None:
        if memo[0] is _UNREAD:
            memo[0] = _stored()
        return memo[0]
    return _stored()


def today() -> date:
    """The date the application works to: the demo date where pinned, else the council's real date."""
    return pinned() or timezone.localdate()


class ClockMiddleware:
    """Reads the pin at most once per request (only if something asks for today)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_pin.set([_UNREAD])
        try:
            return self.get_response(request)
        finally:
            _request_pin.reset(token)

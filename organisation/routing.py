"""Reads of the heavy pages from a PostgreSQL read replica, when there is one.

With DATABASE_REPLICA_URL set, the database alias "replica" exists and READ_REPLICA names it. A
request for one of the pages in REPLICA_VIEWS (dashboards, registers, heat maps, summaries, reports
and their downloads, the audit trail, the task overview) reads the council's data from the replica.
Everything else reads from the primary, and so does:

- every write, always (a row read from the replica is saved to the primary);
- every read after the request's first write, for the rest of that request;
- the next of those pages the same browser asks for within a minute (a short-lived cookie, kept until
  such a page uses it), so that a user who saves a figure and then opens the dashboard sees their own
  figure, whatever the replica's lag;
- accounts, sessions, permissions, service areas' managers and sign-in throttling (PRIMARY_APPS,
  PRIMARY_MODELS), so that signing in, out, role and area changes take effect at once;
- any request that is not a GET or HEAD.

The choice is held in a context variable for the request (set by ReplicaMiddleware), so threads and
tasks never see each other's. Commands that only read (export_data) can use reading_replica().
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# The pages that read from the replica ("namespace:name" as resolved).
REPLICA_VIEWS = frozenset({
    "home",
    "kpis:dashboard", "kpis:area_dashboard", "kpis:indicator", "kpis:export_indicators", "kpis:export_report",
    "risks:register", "risks:heatmap", "risks:summary", "risks:export", "risks:risk",
    "placements:report", "placements:report_export",
    "audit:trail", "audit:export",
    "tasks:overview", "tasks:export",
})

# Apps always read from the primary.
PRIMARY_APPS = frozenset({"auth", "sessions", "axes", "contenttypes", "admin"})
# And these models of other apps: who manages which service area decides what a user may see and change.
PRIMARY_MODELS = frozenset({"organisation.servicearea_managers"})

# The cookie that sends a browser's next request to the primary after it wrote.
PIN_COOKIE = "read_primary"
PIN_SECONDS = 60


@dataclass
class Reading:
    replica: bool = False  # this request may read from the replica
    wrote: bool = False  # it has written (or locked rows): reads go to the primary from now on
    spent: bool = False  # it is a replica page read from the primary because of the pin: the pin is used up


def _primary_only(model) -> bool:
    return model._meta.app_label in PRIMARY_APPS or model._meta.label_lower in PRIMARY_MODELS


_reading: contextvars.ContextVar[Reading | None] = contextvars.ContextVar("replica_reading", default=None)


def replica_alias() -> str | None:
    """The replica's alias when one is configured, else None."""
    alias = getattr(settings, "READ_REPLICA", None)
    return alias if alias and alias in connections.databases else None


class ReplicaRouter:
    """Reads to the replica only when the request allows it; writes always to the primary."""

    def db_for_read(self, model, **hints):
        reading = _reading.get()
        alias = replica_alias()
        if alias is None or reading is None or not reading.replica or reading.wrote or _primary_only(model):
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        reading = _reading.get()
        if reading is not None and not _primary_only(model):
            reading.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: rows from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return None


@contextmanager
def reading_replica() -> Iterator[None]:
    """Read from the replica (when there is one) inside the block, e.g. for a command that only exports."""
    token = _reading.set(Reading(replica=True))
    try:
        yield
    finally:
        _reading.reset(token)


def reads_replica() -> bool:
    """Whether reads made now would go to the replica (for tests and the query-count header)."""
    reading = _reading.get()
    return bool(replica_alias() and reading and reading.replica and not reading.wrote)


class ReplicaMiddleware:
    """Decide, per request, whether its reads may go to the replica (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if replica_alias() is None:
            return self.get_response(request)
        reading = Reading()
        token = _reading.set(reading)
        pinned = request.COOKIES.get(PIN_COOKIE) == "1"
        try:
            response = self.get_response(request)
        finally:
            _reading.reset(token)
        if reading.wrote or request.method not in ("GET", "HEAD"):
            response.set_cookie(PIN_COOKIE, "1", max_age=PIN_SECONDS, httponly=True, samesite="Lax",
                                secure=settings.SESSION_COOKIE_SECURE)
        elif pinned and reading.spent:
            # The first replica page after the write was read from the primary: later ones may use the replica.
            # (Other pages - the form the user was sent back to, say - leave the pin for the page that needs it.)
            response.delete_cookie(PIN_COOKIE, samesite="Lax")
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        reading = _reading.get()
        match = getattr(request, "resolver_match", None)
        if reading is None or request.method not in ("GET", "HEAD") or match is None \
                or match.view_name not in REPLICA_VIEWS:
            return None
        if request.COOKIES.get(PIN_COOKIE) == "1":
            reading.spent = True
        else:
            reading.replica = True
        return None

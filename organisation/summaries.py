"""A per-process cache for council-wide summaries, stamped by the change history.

The executive home page summarises every indicator, risk and placement of the
council. Those summaries change only when a figure, target, indicator, risk,
review or placement snapshot changes, and every such change writes a change
history record (simple_history; the audit trail is a requirement, and imports
write it too). So a summary is cached under a key that includes the newest
history id of each of those tables: any change gives a new key, and nothing
has to be told to forget anything. That keeps the cache correct across
several gunicorn processes and hosts without a shared cache.

Writes that bypass the change history (the synthetic data generator, data
migrations, raw SQL) are not seen until the entry expires (SUMMARY_CACHE_SECONDS).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection

T = TypeVar("T")

# The models whose change history stamps the summaries (app_label.Model).
STAMPED_MODELS = (
    "kpis.Indicator", "kpis.Target", "kpis.Actual",
    "risks.Risk", "risks.RiskReview",
    "placements.PlacementHeading", "placements.PlacementCategory", "placements.PlacementSnapshot",
)


def _history_tables() -> list[str]:
    tables = []
    for label in STAMPED_MODELS:
        model = apps.get_model(label)
        tables.append(model.history.model._meta.db_table)
    return tables


def data_stamp(request=None) -> tuple:
    """The newest history id of each stamped table, read in one query (once per request)."""
    if request is not None and hasattr(request, "_summary_stamp"):
        return request._summary_stamp
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(
            f"(SELECT MAX({quote('history_id')}) FROM {quote(table)})" for table in _history_tables()))
        stamp = tuple(cursor.fetchone())
    if request is not None:
        request._summary_stamp = stamp
    return stamp


def cached(name: str, parts: tuple, compute: Callable[[], T], *, request=None) -> T:
    """compute(), or its result from an earlier call with the same name, parts and data."""
    seconds = settings.SUMMARY_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    key = "summary:" + hashlib.sha256(repr((name, parts, data_stamp(request))).encode()).hexdigest()
    cache = caches["summaries"]
    found: Any = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return found

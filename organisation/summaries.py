"""A per-process cache for council-wide summaries, keyed by the data's version.

The executive home page summarises every indicator, risk and placement of the
council. Those summaries change only when a figure, target, indicator, risk,
review or placement snapshot, category or heading changes. Each such change
raises a counter (DataVersion "summaries") once its transaction commits:
saves and deletes through the models' signals, bulk writes by calling
changed(). A summary is cached under a key that holds that counter, so any
committed change gives a new key and nothing has to be told to forget
anything; that keeps the cache correct across several gunicorn processes and
hosts without a shared cache. The key also holds the newest change-history
id of each of those tables, as a second line for a write that raises no
counter (every change writes history; the import and the generator write it
or call changed() themselves).

Writes that do neither (raw SQL, data migrations) are seen once the entry
expires (SUMMARY_CACHE_SECONDS).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection, connections, router, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
logger = logging.getLogger(__name__)

# The models whose change history stamps the summaries (app_label.Model).
STAMPED_MODELS = (
    "kpis.Indicator", "kpis.Target", "kpis.Actual",
    "risks.Risk", "risks.RiskReview", "risks.RiskAction", "risks.ControlReview", "risks.RiskAcceptance",
    "risks.AuditRecommendation", "risks.RiskCategory",
    "placements.PlacementHeading", "placements.PlacementCategory", "placements.PlacementSnapshot",
)


def _history_tables() -> list[str]:
    tables = []
    for label in STAMPED_MODELS:
        model = apps.get_model(label)
        tables.append(model.history.model._meta.db_table)
    return tables


VERSION_NAME = "summaries"


def _raise_version() -> None:
    from .models import DataVersion

    if not DataVersion.objects.filter(pk=VERSION_NAME).update(number=F("number") + 1):
        DataVersion.objects.get_or_create(pk=VERSION_NAME, defaults={"number": 1})


def changed() -> None:
    """Record that summarised data changed: the version rises when the current transaction commits
    (at once outside one); once per transaction however many rows changed."""
    if connection.in_atomic_block and any(func is _raise_version for _, func, *_ in connection.run_on_commit):
        return
    transaction.on_commit(_raise_version)


def _on_change(sender, **kwargs) -> None:
    changed()


def connect_signals() -> None:
    """Raise the version on every save and delete of a summarised model (called from AppConfig.ready)."""
    for label in STAMPED_MODELS:
        model = apps.get_model(label)
        post_save.connect(_on_change, sender=model, dispatch_uid=f"summaries-save-{label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"summaries-delete-{label}")


def data_stamp(request=None) -> tuple:
    """The data version and the newest history id of each summarised table, in one query (once per request)."""
    if request is not None and hasattr(request, "_summary_stamp"):
        return request._summary_stamp
    from .models import DataVersion

    # Stamped from the database the request reads (a replica when it reads one), so that a summary is never
    # kept under a newer stamp than the data it was computed from.
    reading = connections[router.db_for_read(DataVersion)]
    quote = reading.ops.quote_name
    version = (f"(SELECT {quote('number')} FROM {quote(DataVersion._meta.db_table)} "
               f"WHERE {quote('name')} = %s)")
    with reading.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join([version] + [
            f"(SELECT MAX({quote('history_id')}) FROM {quote(table)})" for table in _history_tables()]),
            [VERSION_NAME])
        stamp = tuple(cursor.fetchone())
    if request is not None:
        request._summary_stamp = stamp
    return stamp


def cached(name: str, parts: tuple, compute: Callable[[], T], *, request=None, store: str = "summaries") -> T:
    """compute(), or its result from an earlier call with the same name, parts and data.

    store: the cache to keep it in ("summaries", or "downloads" for whole files).
    """
    seconds = settings.SUMMARY_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    key = "summary:" + hashlib.sha256(repr((name, parts, data_stamp(request))).encode()).hexdigest()
    cache = caches[store]
    try:
        found: Any = cache.get(key)
    except Exception:  # an entry another release wrote (a shared cache during a rolling deploy), or Redis down
        logger.warning("summary cache: could not read %s; computing it afresh", name, exc_info=True)
        found = None
    if found is None:
        found = compute()
        try:
            cache.set(key, found, seconds)
        except Exception:  # a shared cache that is down costs speed, never the page
            logger.warning("summary cache: could not keep %s", name, exc_info=True)
    return found

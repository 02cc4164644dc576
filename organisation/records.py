"""What every domain's services share when they write: the errors they raise,
the period lock, the one optimistic-lock check, and a first save that two
people make at once.

Services call these under transaction.atomic; views, forms, import Resources,
the admin and the loaders call the services and show the errors as they are.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction

from . import clock
from .models import ReportingPeriod

K = TypeVar("K", bound=Hashable)
M = TypeVar("M", bound=models.Model)


class RecordError(Exception):
    """A write the record refuses; the message is meant for the person who tried it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PeriodLocked(RecordError):
    def __init__(self, period: ReportingPeriod | str):
        label = period if isinstance(period, str) else period.label
        super().__init__(locked_message(label))
        self.label = label


def locked_message(label: str) -> str:
    """formats.md: `2018/19 Q4 is locked; ask the performance team to reopen it`."""
    return f"{label} is locked; ask the performance team to reopen it"


class InvalidWrite(RecordError):
    """Values the domain's validation refuses: {field: message}."""

    def __init__(self, errors: Mapping[str, str], label: str = ""):
        self.errors = dict(errors)
        text = "; ".join(f"{name}: {message}" for name, message in self.errors.items())
        super().__init__(f"{label}: {text}" if label else text)


@dataclass
class Conflict:
    """A record saved by someone else since the form was opened."""

    key: Any
    theirs: Any  # the stored record, or None if it was deleted / not yet there
    yours: Any = None
    by: str = "someone else"


@dataclass
class ConcurrentEdit(RecordError):
    conflicts: list[Conflict] = field(default_factory=list)

    def __post_init__(self):
        super().__init__(f"{len(self.conflicts)} record(s) were changed by someone else")


def user_name(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "an import or system process"
    return user.get_full_name() or user.get_username()


# --- periods -------------------------------------------------------------

def lock_periods(period_ids: Iterable[int]) -> dict[int, ReportingPeriod]:
    """Read the periods for the rest of the transaction, so a lock or reopen waits
    for this write and this write sees the state that commits (PostgreSQL; SQLite
    writes one at a time anyway)."""
    ids = sorted(set(period_ids))
    return {p.pk: p for p in ReportingPeriod.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")}


def ensure_open(period: ReportingPeriod) -> None:
    if period.is_locked:
        raise PeriodLocked(period)


def ensure_started(period: ReportingPeriod, what: str = "figures") -> None:
    """Figures, reviews and snapshots are for periods the council has reached (parsing.check_started), by any
    route: a quarter years ahead, created by a target, is not one to enter figures in."""

    from . import parsing

    try:
        parsing.check_started(period.value, clock.today(), what=what)
    except parsing.InvalidValue as exc:
        raise RecordError(str(exc)[0].upper() + str(exc)[1:]) from None


# --- versions ------------------------------------------------------------

def stale(existing: Mapping[K, Any], expected: Mapping[K, int | None]) -> list[K]:
    """The keys whose stored version differs from the one the form was opened at.

    ``expected`` maps each key to the version the form saw (0: there was no
    record; None: do not check, as an import does).
    """
    out = []
    for key, version in expected.items():
        if version is None:
            continue
        found = existing.get(key)
        if (found.version if found is not None else 0) != version:
            out.append(key)
    return out


def insert(instance: M, conflict: Conflict) -> M:
    """Insert a new record; if someone else inserted the same one meanwhile, a ConcurrentEdit
    (the usual conflict message) rather than an IntegrityError."""
    try:
        with transaction.atomic():
            instance.save(force_insert=True)
    except IntegrityError:
        raise ConcurrentEdit([conflict]) from None
    return instance

"""Running the quarter, with the database: each quarter's deadlines (set by the performance officer, else
the defaults of the DEADLINE_RULE setting), the quarters being run, and the bank holidays to count with."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.conf import settings

from . import deadlines
from .deadlines import Deadline
from .models import QuarterDeadlines, ReportingPeriod


def rule() -> deadlines.Rule:
    return deadlines.Rule.from_text(settings.DEADLINE_RULE)


@lru_cache(maxsize=64)
def holidays_for(first_year: int, last_year: int) -> frozenset[date]:
    return deadlines.bank_holidays(range(first_year, last_year + 1))


def holidays_around(*days: date) -> frozenset[date]:
    years = [d.year for d in days if d is not None]
    return holidays_for(min(years) - 1, max(years) + 1) if years else frozenset()


def defaults(quarter: ReportingPeriod) -> dict[Deadline, date]:
    return deadlines.defaults(quarter.end, rule(), holidays_around(quarter.end, quarter.end.replace(
        year=quarter.end.year + 1)))


def dates(quarter: ReportingPeriod) -> dict[Deadline, date]:
    """The quarter's deadlines: as set by the performance officer, else the defaults."""
    stored = QuarterDeadlines.objects.filter(quarter=quarter).first()
    if stored is None:
        return defaults(quarter)
    return {kind: getattr(stored, kind.value) for kind in Deadline}


def _stored(quarter: ReportingPeriod) -> QuarterDeadlines | None:
    try:
        return quarter.deadlines  # read with the quarter by being_run() (select_related), else one query
    except QuarterDeadlines.DoesNotExist:
        return None


def dates_many(quarters: list[ReportingPeriod]) -> dict[int, dict[Deadline, date]]:
    """Each quarter's deadlines (no query for quarters read by being_run())."""
    stored = {q.pk: found for q in quarters if (found := _stored(q)) is not None}
    return {q.pk: ({kind: getattr(stored[q.pk], kind.value) for kind in Deadline} if q.pk in stored
                   else defaults(q)) for q in quarters}


def is_set(quarter: ReportingPeriod) -> bool:
    return _stored(quarter) is not None


def being_run(today: date) -> list[ReportingPeriod]:
    """The quarters whose returns are being gathered: open, and ended by today, oldest first."""
    return list(ReportingPeriod.objects.quarters().filter(state=ReportingPeriod.State.OPEN, end__lt=today)
                .select_related("deadlines").order_by("year", "quarter"))

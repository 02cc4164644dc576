"""UK local-government financial years and quarters, as pure values.

A financial year runs 1 April to 31 March and is written ``2019/20``; its
quarters are ``2019/20 Q1`` (April-June) to ``2019/20 Q4`` (January-March).
No Django here: the ReportingPeriod model stores what this module computes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MIN_YEAR = 1990
MAX_YEAR = 2100

_PATTERN = re.compile(r"^\s*(\d{4})\s*/\s*(\d{2}|\d{4})(?:\s+Q([0-9]+))?\s*$", re.IGNORECASE)


class PeriodError(ValueError):
    """Text that is not a financial year or quarter."""


@dataclass(frozen=True)
class Period:
    """A financial year (``quarter is None``) or one of its quarters."""

    year: int  # the calendar year in which the financial year starts: 2019 for 2019/20
    quarter: int | None = None

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise PeriodError(f"{self.year} is outside the years this system accepts ({MIN_YEAR}-{MAX_YEAR})")
        if self.quarter is not None and self.quarter not in (1, 2, 3, 4):
            raise PeriodError(f"Quarter must be Q1, Q2, Q3 or Q4, not Q{self.quarter}")

    @property
    def sort_key(self) -> tuple[int, int]:
        """Chronological order; a year sorts just before its own Q1."""
        return (self.year, self.quarter or 0)

    def __lt__(self, other: Period) -> bool:
        return self.sort_key < other.sort_key

    @property
    def is_year(self) -> bool:
        return self.quarter is None

    @property
    def ordinal(self) -> int:
        """The period's place on a time axis: consecutive quarters (or years) differ by one."""
        return self.year if self.quarter is None else self.year * 4 + self.quarter - 1

    @property
    def year_label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        if self.quarter is None:
            return self.year_label
        return f"{self.year_label} Q{self.quarter}"

    def __str__(self) -> str:
        return self.label

    @property
    def start(self) -> date:
        if self.quarter is None:
            return date(self.year, 4, 1)
        month = 4 + 3 * (self.quarter - 1)
        year = self.year
        if month > 12:
            month -= 12
            year += 1
        return date(year, month, 1)

    @property
    def end(self) -> date:
        if self.quarter is None:
            return date(self.year + 1, 3, 31)
        end_month = 6 + 3 * (self.quarter - 1)
        year = self.year
        if end_month > 12:
            end_month -= 12
            year += 1
        last_day = {3: 31, 6: 30, 9: 30, 12: 31}[end_month]
        return date(year, end_month, last_day)

    @property
    def financial_year(self) -> Period:
        return Period(self.year)

    def previous(self) -> Period:
        """The period immediately before: the previous quarter, or the previous year."""
        if self.quarter is None:
            return Period(self.year - 1)
        if self.quarter == 1:
            return Period(self.year - 1, 4)
        return Period(self.year, self.quarter - 1)

    def next(self) -> Period:
        if self.quarter is None:
            return Period(self.year + 1)
        if self.quarter == 4:
            return Period(self.year + 1, 1)
        return Period(self.year, self.quarter + 1)

    def same_period_last_year(self) -> Period:
        return Period(self.year - 1, self.quarter)

    def quarters(self) -> list[Period]:
        """The four quarters of a year, or the quarter itself."""
        if self.quarter is None:
            return [Period(self.year, q) for q in (1, 2, 3, 4)]
        return [self]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def parse(text: str) -> Period:
    """Read ``2019/20 Q1`` or ``2019/20``; raise PeriodError saying what is wrong."""
    if not isinstance(text, str):
        raise PeriodError(f"{text!r} is not a period: write a quarter like 2019/20 Q1 or a year like 2019/20")
    match = _PATTERN.match(text)
    if not match:
        raise PeriodError(f'"{text}" is not a period: write a quarter like 2019/20 Q1 or a year like 2019/20')
    first, second, quarter = match.groups()
    start = int(first)
    expected = (start + 1) % 100 if len(second) == 2 else start + 1
    if int(second) != expected:
        raise PeriodError(
            f'"{text}" is not a financial year: the year after {start} is '
            f'{start + 1} (write {start}/{(start + 1) % 100:02d})'
        )
    return Period(start, int(quarter) if quarter is not None else None)


def quarter_containing(day: date) -> Period:
    year = day.year if day.month >= 4 else day.year - 1
    quarter = ((day.month - 4) % 12) // 3 + 1
    return Period(year, quarter)


def latest_ended_quarter(today: date) -> Period:
    """The most recent quarter that has ended by ``today`` (the one open for entry)."""
    return quarter_containing(today).previous()


def quarter_range(first: Period, last: Period) -> list[Period]:
    """Every quarter from ``first`` to ``last`` inclusive (empty if reversed)."""
    out: list[Period] = []
    current = first
    while current.sort_key <= last.sort_key:
        out.append(current)
        current = current.next()
    return out


def gaps(values: list[Period]) -> list[str]:
    """The quarters missing between those given, in words: ["2018/19 Q2 to 2018/19 Q4"] for Q1 then 2019/20 Q1
    (a chart's series broken there says so, not only by a break in its line)."""
    found = []
    ordered = sorted(values, key=lambda v: v.ordinal)
    for before, after in zip(ordered, ordered[1:]):
        if after.ordinal - before.ordinal > 1:
            first, last = before.next(), after.previous()
            found.append(first.label if first.ordinal == last.ordinal else f"{first.label} to {last.label}")
    return found

"""Costing children's placements, as pure functions on Decimal.

Estimated annual cost at a snapshot = children x average weekly cost x 52.
Totals sum children and annual cost; their average weekly cost is the
child-weighted mean. No Django here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WEEKS_PER_YEAR = Decimal(52)


class Provision(enum.StrEnum):
    IN_HOUSE = "in_house"
    EXTERNAL = "external"
    OTHER = "other"


@dataclass(frozen=True)
class Line:
    """One category at one snapshot."""

    children: int
    weekly_cost: Decimal
    provision: Provision = Provision.OTHER
    foster_care: bool = False

    @property
    def annual_cost(self) -> Decimal:
        return annual_cost(self.children, self.weekly_cost)


@dataclass(frozen=True)
class Total:
    children: int
    annual_cost: Decimal
    average_weekly_cost: Decimal | None  # None when there are no children

    @property
    def annual_cost_thousands(self) -> Decimal:
        return thousands(self.annual_cost)


def annual_cost(children: int, weekly_cost: Decimal) -> Decimal:
    if children < 0:
        raise ValueError("children cannot be negative")
    if weekly_cost < 0:
        raise ValueError("a weekly cost cannot be negative")
    return Decimal(children) * weekly_cost * WEEKS_PER_YEAR


def total(lines: Iterable[Line]) -> Total:
    items = list(lines)
    for line in items:
        annual_cost(line.children, line.weekly_cost)  # refuses a negative count or cost
    return total_of(sum(line.children for line in items),
                    sum((Decimal(line.children) * line.weekly_cost for line in items), Decimal(0)))


def total_of(children: int, weekly: Decimal) -> Total:
    """The total of lines from their sums: children, and children x weekly cost (a week's cost of them all).
    The annual cost is that week's cost x 52; the average weekly cost is weighted by children."""
    if children < 0 or weekly < 0:
        raise ValueError("children and costs cannot be negative")
    average = (weekly / Decimal(children)) if children else None
    return Total(children=children, annual_cost=weekly * WEEKS_PER_YEAR, average_weekly_cost=average)


def thousands(pounds: Decimal) -> Decimal:
    """Pounds to whole thousands of pounds, rounded half up (as reports show it)."""
    return (pounds / Decimal(1000)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Change:
    children: int
    annual_cost: Decimal
    children_percent: Decimal | None
    cost_percent: Decimal | None


def _percent(new: Decimal, old: Decimal) -> Decimal | None:
    if old == 0:
        return None
    return ((new - old) / old * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def change(baseline: Total, current: Total) -> Change:
    """Change since the baseline quarter, in numbers, cost and percent."""
    return Change(
        children=current.children - baseline.children,
        annual_cost=current.annual_cost - baseline.annual_cost,
        children_percent=_percent(Decimal(current.children), Decimal(baseline.children)),
        cost_percent=_percent(current.annual_cost, baseline.annual_cost),
    )


@dataclass(frozen=True)
class Split:
    in_house: int
    external: int

    @property
    def in_house_percent(self) -> Decimal | None:
        base = self.in_house + self.external
        if base == 0:
            return None
        return (Decimal(self.in_house) * 100 / Decimal(base)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def external_percent(self) -> Decimal | None:
        share = self.in_house_percent
        return None if share is None else Decimal(100) - share

    def gap_to(self, target_in_house_percent: Decimal) -> Decimal | None:
        """Percentage points still to move in-house (negative: ahead of target)."""
        share = self.in_house_percent
        return None if share is None else target_in_house_percent - share


def split(lines: Iterable[Line], *, foster_care_only: bool = False) -> Split:
    """The in-house / external split of children (placements of 'other' provision are left out)."""
    items = [line for line in lines if line.foster_care or not foster_care_only]
    return Split(
        in_house=sum(line.children for line in items if line.provision == Provision.IN_HOUSE),
        external=sum(line.children for line in items if line.provision == Provision.EXTERNAL),
    )


def guess_provision(category_name: str) -> Provision:
    """A first guess for a new category, from its name; the performance officer can change it."""
    name = category_name.lower()
    if "in-house" in name or "in house" in name:
        return Provision.IN_HOUSE
    if any(word in name for word in ("agency", "external", "independent", "private", "non-")):
        return Provision.EXTERNAL
    return Provision.OTHER

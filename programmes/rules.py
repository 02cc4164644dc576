"""The rules for transformation programmes, as pure functions on Decimal and date.

No Django and no database: pages, reports, imports and exports hand plain
values in and get plain values out. The rules are those of shared/domain.md
("Programmes and benefits") in the shape of the council's programme papers
(shared/reference/programme-papers-2018-2019.md):

- savings: the RAG of a saving line in a quarter, totals by financial year and
  overall, and the savings at risk;
- money as the papers print it (``£1,642,067``) and in short (``£1.6m``);
- milestones: slippage against the baseline and the approved date, and when a
  reason for it is required;
- objectives: the RAG while running, the assessment at closure and its summary;
- budgets: the variation of spend against the final approved budget.

Money is Decimal (or int) end to end: a float is refused with a TypeError, a
negative amount where none can be with a ValueError that names it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)
THOUSAND = Decimal(1000)
MILLION = Decimal(1_000_000)
WHOLE = Decimal(1)
TENTH = Decimal("0.1")

# A saving forecast to fall short of its plan by no more than this (per cent
# of the plan, inclusive) is At risk; beyond it, Undeliverable. The house's
# indicator tolerance (kpis.status.DEFAULT_TOLERANCE) is also 15: one number
# for "near enough to recover" across the product.
DEFAULT_SAVINGS_TOLERANCE = Decimal(15)


class Colour(enum.StrEnum):
    """The colour a status is drawn in. Never shown alone: every status has its words."""

    BLUE = "Blue"
    GREEN = "Green"
    AMBER = "Amber"
    RED = "Red"


# ---------------------------------------------------------------------------
# Amounts


def amount(value: object, what: str = "amount", *, negative: bool = False) -> Decimal:
    """``value`` as a Decimal: an int or a finite Decimal; never a float or a bool.

    Refuses a negative unless ``negative`` is true; ``what`` names the value in the message.
    """
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"{what} must be a Decimal or an int, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{what} must be a number, not {value}")
    if number < 0 and not negative:
        raise ValueError(f"{what} cannot be negative: {value}")
    return number


# ---------------------------------------------------------------------------
# Savings


class SavingStatus(enum.StrEnum):
    """A saving line's RAG in a quarter. The values are the words shown (and imported, formats.md)."""

    DELIVERED = "Delivered"
    ON_TRACK = "On track"
    AT_RISK = "At risk"
    UNDELIVERABLE = "Undeliverable"

    @property
    def label(self) -> str:
        return self.value

    @property
    def colour(self) -> Colour:
        return SAVING_COLOURS[self]

    @property
    def description(self) -> str:
        """The line of the progress key that explains the status."""
        return SAVING_DESCRIPTIONS[self]

    @property
    def at_risk(self) -> bool:
        """Counted in the savings at risk: At risk or Undeliverable."""
        return self in (SavingStatus.AT_RISK, SavingStatus.UNDELIVERABLE)


# Delivered is Blue (the "BRAG" of UK programme highlight reports): complete,
# and so told apart from On track at a glance as well as by its words.
SAVING_COLOURS = {
    SavingStatus.DELIVERED: Colour.BLUE,
    SavingStatus.ON_TRACK: Colour.GREEN,
    SavingStatus.AT_RISK: Colour.AMBER,
    SavingStatus.UNDELIVERABLE: Colour.RED,
}

SAVING_DESCRIPTIONS = {
    SavingStatus.DELIVERED: "Delivered: the planned saving has been delivered in full",
    SavingStatus.ON_TRACK: "On track: the forecast meets the planned saving",
    SavingStatus.AT_RISK: "At risk: the forecast falls short of the plan, within the tolerance",
    SavingStatus.UNDELIVERABLE: "Undeliverable: the forecast falls short of the plan beyond the tolerance",
}


def savings_tolerance(tolerance: Decimal | int | None) -> Decimal:
    """The tolerance in per cent (15 means 15%): the default when None, else 0 to 100 inclusive."""
    if tolerance is None:
        return DEFAULT_SAVINGS_TOLERANCE
    tol = amount(tolerance, "tolerance")
    if tol > HUNDRED:
        raise ValueError(f"tolerance is a percentage from 0 to 100, not {tolerance}")
    return tol


def saving_status(
    planned: Decimal | int,
    forecast: Decimal | int,
    delivered: Decimal | int | None = None,
    *,
    tolerance: Decimal | int | None = None,
) -> SavingStatus:
    """The RAG of a saving line in a quarter.

    ``planned`` is the year's profile, ``forecast`` the forecast for the whole
    year as reported in the quarter (what is delivered included), ``delivered``
    what has been delivered so far (None: nothing recorded yet, so nothing
    delivered). ``tolerance`` is a percentage of the plan (default 15). In order:

    - delivered >= planned: Delivered (so a line with nothing planned is Delivered:
      nothing is outstanding);
    - forecast >= planned: On track;
    - forecast >= planned x (100 - tolerance) / 100: At risk (exactly at the
      tolerance is inside it, as for indicators);
    - else: Undeliverable.

    A forecast below what is already delivered is read as the delivered amount:
    the year cannot end with less than has been delivered. Negative amounts are
    refused.
    """
    plan = amount(planned, "planned saving")
    fore = amount(forecast, "forecast saving")
    done = ZERO if delivered is None else amount(delivered, "delivered saving")
    tol = savings_tolerance(tolerance)
    if done >= plan:
        return SavingStatus.DELIVERED
    fore = max(fore, done)
    if fore >= plan:
        return SavingStatus.ON_TRACK
    # forecast >= plan x (100 - tol) / 100, multiplied out so no division rounds
    if fore * HUNDRED >= plan * (HUNDRED - tol):
        return SavingStatus.AT_RISK
    return SavingStatus.UNDELIVERABLE


FINANCIAL_YEAR = re.compile(r"(\d{4})/(\d{2})")


def financial_year(text: str) -> str:
    """A financial year as written, ``2019/20`` (April 2019 to March 2020), or a ValueError."""
    match = FINANCIAL_YEAR.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f'"{text}" is not a financial year: write it as 2019/20')
    return match[0]


@dataclass(frozen=True)
class SavingLine:
    """One saving line as reported in a quarter: the financial year it falls in, and its amounts in pounds."""

    year: str
    planned: Decimal
    forecast: Decimal
    delivered: Decimal | None = None
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "year", financial_year(self.year))
        object.__setattr__(self, "planned", amount(self.planned, "planned saving"))
        object.__setattr__(self, "forecast", amount(self.forecast, "forecast saving"))
        if self.delivered is not None:
            object.__setattr__(self, "delivered", amount(self.delivered, "delivered saving"))

    def status(self, tolerance: Decimal | int | None = None) -> SavingStatus:
        return saving_status(self.planned, self.forecast, self.delivered, tolerance=tolerance)


@dataclass(frozen=True)
class SavingTotals:
    """Sums of saving lines. ``variance`` is forecast - planned: negative is a forecast shortfall."""

    planned: Decimal
    forecast: Decimal
    delivered: Decimal

    @property
    def variance(self) -> Decimal:
        return self.forecast - self.planned


def savings_total(lines: Iterable[SavingLine]) -> SavingTotals:
    """Planned, forecast and delivered summed over the lines (a delivered None counts as nothing)."""
    planned = forecast = delivered = ZERO
    for line in lines:
        planned += line.planned
        forecast += line.forecast
        delivered += line.delivered or ZERO
    return SavingTotals(planned=planned, forecast=forecast, delivered=delivered)


def savings_by_year(lines: Iterable[SavingLine]) -> dict[str, SavingTotals]:
    """Totals per financial year, earliest year first."""
    by_year: dict[str, list[SavingLine]] = {}
    for line in lines:
        by_year.setdefault(line.year, []).append(line)
    return {year: savings_total(by_year[year]) for year in sorted(by_year)}


def savings_at_risk(lines: Iterable[SavingLine], *, tolerance: Decimal | int | None = None) -> Decimal:
    """The planned savings of the lines At risk or Undeliverable: what the programme may not deliver."""
    return sum((line.planned for line in lines if line.status(tolerance).at_risk), ZERO)


# ---------------------------------------------------------------------------
# Money


def _whole_pounds(value: Decimal) -> Decimal:
    return value.quantize(WHOLE, rounding=ROUND_HALF_UP)


def _signed(text: str, value: Decimal) -> str:
    return f"-£{text}" if value < 0 else f"£{text}"


def money(value: Decimal | int | None) -> str:
    """Pounds as the papers print them: ``£1,642,067``, whole pounds with thousands separated.

    Rounded half up, halves away from zero (£0.50 -> £1, -£0.50 -> -£1). The
    papers print no negative amount (a nil variation is "£0"), so a negative is
    written as the rest of the product writes it: ``-£1,000``; one that rounds to
    nothing is ``£0``. None (not entered) is blank.
    """
    if value is None:
        return ""
    pounds = _whole_pounds(amount(value, "money", negative=True))
    return _signed(f"{abs(pounds):,}", pounds)


def money_short(value: Decimal | int | None) -> str:
    """Pounds in short: ``£1.6m``, ``£450k``, ``£950``.

    The unit is chosen by the amount as it would be shown, so nothing is shown
    as 1,000 of a unit:
    - under £999.50: whole pounds (``£950``; £999.49 -> ``£999``);
    - from £999.50 to under £999,500: whole thousands (£999.50 -> ``£1k``,
      £449,500 -> ``£450k``, £999,499 -> ``£999k``);
    - from £999,500: millions to one place (£999,500 -> ``£1.0m``,
      £1,642,067 -> ``£1.6m``, £1,650,000 -> ``£1.7m``, £1,234,500,000 -> ``£1,234.5m``).
    Each rounding is half up, away from zero, from the exact amount (never
    from an amount already rounded). A negative carries a minus (``-£1.6m``),
    one that rounds to nothing is ``£0``; None is blank.
    """
    if value is None:
        return ""
    number = amount(value, "money", negative=True)
    size = abs(number)
    pounds = _whole_pounds(size)
    if pounds < THOUSAND:
        return _signed(f"{pounds}", number) if pounds else "£0"
    thousands = (size / THOUSAND).quantize(WHOLE, rounding=ROUND_HALF_UP)
    if thousands < THOUSAND:
        return _signed(f"{thousands}k", number)
    millions = (size / MILLION).quantize(TENTH, rounding=ROUND_HALF_UP)
    return _signed(f"{millions:,.1f}m", number)


# ---------------------------------------------------------------------------
# Milestones


class MilestoneState(enum.StrEnum):
    ON_TIME = "On time"
    SLIPPED = "Slipped"
    NOT_YET_DUE = "Not yet due"
    OVERDUE = "Overdue"

    @property
    def label(self) -> str:
        return self.value

    @property
    def colour(self) -> Colour | None:
        """Not yet due has no colour: nothing has gone right or wrong yet."""
        return MILESTONE_COLOURS[self]


MILESTONE_COLOURS = {
    MilestoneState.ON_TIME: Colour.GREEN,
    MilestoneState.SLIPPED: Colour.AMBER,
    MilestoneState.NOT_YET_DUE: None,
    MilestoneState.OVERDUE: Colour.RED,
}


@dataclass(frozen=True)
class Milestone:
    """A milestone's dates.

    ``baseline``: the date first planned. ``approved``: the date in force after
    an approved rebaseline (None: never rebaselined, so the baseline).
    ``actual``: the date it was achieved (None: not yet). ``forecast``: the date
    now expected while not achieved (None: expected on the approved date).
    """

    baseline: date
    approved: date | None = None
    actual: date | None = None
    forecast: date | None = None

    def __post_init__(self) -> None:
        for name in ("baseline", "approved", "actual", "forecast"):
            value = getattr(self, name)
            if value is None and name != "baseline":
                continue
            # a datetime is a date too, but a time of day would make "days" ambiguous
            if not isinstance(value, date) or isinstance(value, datetime):
                raise TypeError(f"the {name} date must be a date, not {type(value).__name__}")

    @property
    def due(self) -> date:
        """The date in force: the approved date, else the baseline."""
        return self.approved or self.baseline

    def achieved(self, today: date) -> bool:
        """Achieved as of ``today``: an actual date after ``today`` was not yet known then."""
        return self.actual is not None and self.actual <= today

    def expected(self, today: date) -> date:
        """The date the milestone is (or was) met, as known on ``today``.

        The actual date once achieved; else the forecast, else the date in force -
        but never before ``today``, because a milestone not met yet cannot be met
        in the past.
        """
        if self.achieved(today):
            return self.actual
        return max(self.forecast or self.due, today)


def days_slipped(milestone: Milestone, today: date) -> tuple[int, int]:
    """Days slipped as of ``today`` against (the baseline, the approved date).

    The expected date (``Milestone.expected``) minus each; negative is early.
    """
    expected = milestone.expected(today)
    return (expected - milestone.baseline).days, (expected - milestone.due).days


def milestone_state(milestone: Milestone, today: date) -> MilestoneState:
    """The state as of ``today``, judged against the date in force (the approved date):

    - achieved on or before the date in force: On time;
    - achieved after it: Slipped;
    - not achieved and the date in force has passed: Overdue (due today is not yet overdue);
    - not achieved, not yet due, but forecast after the date in force: Slipped;
    - else: Not yet due.
    """
    due = milestone.due
    if milestone.achieved(today):
        return MilestoneState.ON_TIME if milestone.actual <= due else MilestoneState.SLIPPED
    if today > due:
        return MilestoneState.OVERDUE
    if milestone.forecast is not None and milestone.forecast > due:
        return MilestoneState.SLIPPED
    return MilestoneState.NOT_YET_DUE


def reason_required(milestone: Milestone, today: date) -> bool:
    """Whether the milestone needs a reason for slippage as of ``today``.

    Whenever it is (or will be) met later than its baseline: a rebaseline is
    itself a slippage that the papers explain, even when the approved date is met.
    """
    return days_slipped(milestone, today)[0] > 0


def reason_missing(milestone: Milestone, today: date, reason: str | None) -> bool:
    """A reason is required and none is given (blank or only spaces count as none)."""
    return reason_required(milestone, today) and not (reason or "").strip()


# ---------------------------------------------------------------------------
# Objectives


class Progress(enum.StrEnum):
    """An objective's RAG in a quarter while the programme runs."""

    ON_TRACK = "On track"
    AT_RISK = "At risk"
    OFF_TRACK = "Off track"

    @property
    def label(self) -> str:
        return self.value

    @property
    def colour(self) -> Colour:
        return PROGRESS_COLOURS[self]


PROGRESS_COLOURS = {Progress.ON_TRACK: Colour.GREEN, Progress.AT_RISK: Colour.AMBER, Progress.OFF_TRACK: Colour.RED}


def progress(value: str) -> Progress:
    """An objective's RAG from its words or its colour, as an import gives it ("Amber", "at risk")."""
    text = value.strip().casefold() if isinstance(value, str) else ""
    for state in Progress:
        if text in (state.value.casefold(), state.colour.value.casefold()):
            return state
    choices = ", ".join(f"{p.colour.value} ({p.value})" for p in Progress)
    raise ValueError(f'"{value}" is not an objective RAG: use {choices}')


class Assessment(enum.StrEnum):
    """An objective's status at closure, in the closure report's words."""

    ACHIEVED = "Achieved"
    ACHIEVED_IN_PART = "Achieved in part"
    NOT_ACHIEVED = "Not achieved"

    @property
    def label(self) -> str:
        return self.value

    @property
    def colour(self) -> Colour:
        return ASSESSMENT_COLOURS[self]


ASSESSMENT_COLOURS = {
    Assessment.ACHIEVED: Colour.GREEN,
    Assessment.ACHIEVED_IN_PART: Colour.AMBER,
    Assessment.NOT_ACHIEVED: Colour.RED,
}


@dataclass(frozen=True)
class ClosureSummary:
    achieved: int
    in_part: int
    not_achieved: int
    not_assessed: int = 0

    @property
    def total(self) -> int:
        return self.achieved + self.in_part + self.not_achieved + self.not_assessed

    @property
    def text(self) -> str:
        """``7 objectives: 3 achieved, 3 in part, 1 not`` (", 1 not assessed" only when there are any)."""
        if self.total == 0:
            return "No objectives"
        noun = "objective" if self.total == 1 else "objectives"
        text = f"{self.total} {noun}: {self.achieved} achieved, {self.in_part} in part, {self.not_achieved} not"
        return text + (f", {self.not_assessed} not assessed" if self.not_assessed else "")


def closure_summary(assessments: Iterable[Assessment | str | None]) -> ClosureSummary:
    """Counts of the objectives' closure assessments; None (or blank) is not yet assessed."""
    counts = dict.fromkeys(Assessment, 0)
    not_assessed = 0
    for item in assessments:
        if item is None or item == "":
            not_assessed += 1
        else:
            counts[Assessment(item)] += 1
    return ClosureSummary(
        achieved=counts[Assessment.ACHIEVED],
        in_part=counts[Assessment.ACHIEVED_IN_PART],
        not_achieved=counts[Assessment.NOT_ACHIEVED],
        not_assessed=not_assessed,
    )


# ---------------------------------------------------------------------------
# Budgets


@dataclass(frozen=True)
class BudgetVariance:
    """A budget line: original and final approved budgets, spend, and the variation of spend.

    ``variation`` is spend - final approved (positive: overspent, as the papers'
    "variation" column); ``percent`` is it as a percentage of the final
    approved budget to one place, half up, or None when that budget is zero
    (a percentage of nothing means nothing; the pounds still show).
    """

    original: Decimal
    final_approved: Decimal
    spend: Decimal

    @property
    def variation(self) -> Decimal:
        return self.spend - self.final_approved

    @property
    def percent(self) -> Decimal | None:
        if self.final_approved == 0:
            return None
        return (self.variation / self.final_approved * HUNDRED).quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def revision(self) -> Decimal:
        """final approved - original: how far the budget was changed after approval."""
        return self.final_approved - self.original

    @property
    def overspent(self) -> bool:
        return self.variation > 0


def budget_variance(original: Decimal | int, final_approved: Decimal | int, spend: Decimal | int) -> BudgetVariance:
    """A budget line's variance; negative budgets or spend are refused."""
    return BudgetVariance(
        original=amount(original, "original budget"),
        final_approved=amount(final_approved, "final approved budget"),
        spend=amount(spend, "spend"),
    )

"""The rules for judging performance indicators, as pure functions on Decimal.

No Django and no database: the views, reports and exports hand plain values
in and get plain values out. The rules are those of shared/domain.md
("Performance indicators").
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_TOLERANCE = Decimal("15")
HUNDRED = Decimal("100")


class Polarity(enum.StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class Accumulation(enum.StrEnum):
    SNAPSHOT = "snapshot"
    CUMULATIVE = "cumulative"


class Status(enum.StrEnum):
    WELL_ABOVE = "Well above target"
    ABOVE = "Above target"
    ON = "On target"
    BELOW = "Below target"
    WELL_BELOW = "Well below target"
    NO_TARGET = "No target"
    NO_DATA = "No data"

    @property
    def judged(self) -> bool:
        return self not in (Status.NO_TARGET, Status.NO_DATA)

    @property
    def on_or_above(self) -> bool:
        return self in (Status.WELL_ABOVE, Status.ABOVE, Status.ON)

    @property
    def severity(self) -> int:
        """Worst first: Well below 0, Below 1, ... No data 6."""
        return SEVERITY[self]


SEVERITY = {
    Status.WELL_BELOW: 0, Status.BELOW: 1, Status.ON: 2, Status.ABOVE: 3, Status.WELL_ABOVE: 4,
    Status.NO_TARGET: 5, Status.NO_DATA: 6,
}


class RAG(enum.StrEnum):
    GREEN = "Green"
    AMBER = "Amber"
    RED = "Red"


class Direction(enum.StrEnum):
    IMPROVED = "Improved"
    SAME = "Same"
    WORSENED = "Worsened"
    NOT_KNOWN = "Not known"


def target_in_force(
    *,
    quarter_target: Decimal | None,
    year_target: Decimal | None,
    accumulation: Accumulation | str,
    quarter: int | None,
) -> Decimal | None:
    """The target that applies to a period.

    The quarter's own target when set; else the financial year's target, as it
    is for a snapshot indicator (or for the year itself) and pro rata to the
    quarter for a cumulative one (Q1 a quarter of it, Q2 half...). None means
    "establish baseline": nothing is judged.
    """
    if quarter is not None and quarter_target is not None:
        return quarter_target
    if year_target is None:
        return None
    if quarter is None or Accumulation(accumulation) == Accumulation.SNAPSHOT:
        return year_target
    return year_target * Decimal(quarter) / Decimal(4)


def deviation(value: Decimal, target: Decimal, polarity: Polarity | str) -> Decimal | None:
    """d, the relative deviation in the good direction, as a fraction (None for a zero target)."""
    if target == 0:
        return None
    if Polarity(polarity) == Polarity.HIGHER:
        return (value - target) / abs(target)
    return (target - value) / abs(target)


def judge(
    value: Decimal | None,
    target: Decimal | None,
    polarity: Polarity | str,
    tolerance: Decimal | None = None,
) -> Status:
    """Status against target. ``tolerance`` is a percentage (15 means 15%)."""
    if value is None:
        return Status.NO_DATA
    if target is None:
        return Status.NO_TARGET
    polarity = Polarity(polarity)
    tol = (DEFAULT_TOLERANCE if tolerance is None else Decimal(tolerance)) / HUNDRED
    if target == 0:
        if value == 0:
            return Status.ON
        good = value > 0 if polarity == Polarity.HIGHER else value < 0
        return Status.WELL_ABOVE if good else Status.WELL_BELOW
    d = deviation(value, target, polarity)
    assert d is not None
    if d == 0:
        return Status.ON
    if d > 0:
        return Status.ABOVE if d <= tol else Status.WELL_ABOVE
    return Status.BELOW if d >= -tol else Status.WELL_BELOW


def rag(status: Status) -> RAG | None:
    if status in (Status.WELL_ABOVE, Status.ABOVE, Status.ON):
        return RAG.GREEN
    if status == Status.BELOW:
        return RAG.AMBER
    if status == Status.WELL_BELOW:
        return RAG.RED
    return None


def direction(value: Decimal | None, previous: Decimal | None, polarity: Polarity | str) -> Direction:
    """Direction of travel against the same period a year earlier."""
    if value is None or previous is None:
        return Direction.NOT_KNOWN
    if value == previous:
        return Direction.SAME
    better = value > previous if Polarity(polarity) == Polarity.HIGHER else value < previous
    return Direction.IMPROVED if better else Direction.WORSENED


UNIT_MULTIPLIERS = {
    "percent": Decimal(100),
    "rate per 1000": Decimal(1000),
    "rate per 10000": Decimal(10000),
    "rate per 100000": Decimal(100000),
}


def multiplier(unit: str) -> Decimal:
    return UNIT_MULTIPLIERS.get(unit, Decimal(1))


def data_quality_problem(
    value: Decimal | None, numerator: Decimal | None, denominator: Decimal | None, unit: str
) -> str | None:
    """A warning when the value disagrees with numerator / denominator beyond the value's rounding.

    The value's rounding is half a unit in its last written decimal place
    (75.8 allows 75.75 to 75.85). None when there is nothing to check or it agrees.
    """
    if value is None or numerator is None or denominator is None:
        return None
    if denominator == 0:
        return "the denominator is zero, so the value cannot be checked"
    implied = numerator / denominator * multiplier(unit)
    # Stored figures carry trailing zeros (75.8000); the rounding is that of 75.8.
    value, numerator, denominator = value.normalize(), numerator.normalize(), denominator.normalize()
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    allowed = Decimal(5) / (Decimal(10) ** (places + 1))
    if abs(implied - value) > allowed:
        shown = implied.quantize(Decimal(1).scaleb(-max(places, 1)))
        return f"{numerator:f} / {denominator:f} gives {shown}, not {value:f}"
    return None


@dataclass(frozen=True)
class Share:
    """"27% (8)": the share of a base, and the count behind it."""

    count: int
    base: int

    @property
    def percent(self) -> int | None:
        if self.base == 0:
            return None
        return int((Decimal(self.count) * 100 / Decimal(self.base)).quantize(Decimal(1), rounding="ROUND_HALF_UP"))

    def __str__(self) -> str:
        return "n/a (0)" if self.percent is None else f"{self.percent}% ({self.count})"


@dataclass(frozen=True)
class Summary:
    on_or_above: Share
    improved: Share
    rag_counts: dict[str, int]
    status_counts: dict[str, int]


def summarise(judgements: Iterable[tuple[Status, Direction]]) -> Summary:
    """Summary figures: the share of judged indicators on or above target,
    and the share of comparable indicators that improved."""
    items = list(judgements)
    judged = [s for s, _ in items if s.judged]
    comparable = [d for _, d in items if d != Direction.NOT_KNOWN]
    rag_counts = {r.value: 0 for r in RAG} | {"None": 0}
    status_counts = {s.value: 0 for s in Status}
    for s, _ in items:
        r = rag(s)
        rag_counts[r.value if r else "None"] += 1
        status_counts[s.value] += 1
    return Summary(
        on_or_above=Share(sum(1 for s in judged if s.on_or_above), len(judged)),
        improved=Share(sum(1 for d in comparable if d == Direction.IMPROVED), len(comparable)),
        rag_counts=rag_counts,
        status_counts=status_counts,
    )


def summarise_counts(counts: Iterable[tuple[Status, Direction, int]]) -> Summary:
    """summarise() of (status, direction) pairs given with how many times each occurs (a GROUP BY's counts)."""
    judged = comparable = on_or_above = improved = 0
    rag_counts = {r.value: 0 for r in RAG} | {"None": 0}
    status_counts = {s.value: 0 for s in Status}
    for status, direction, n in counts:
        if status.judged:
            judged += n
            on_or_above += n if status.on_or_above else 0
        if direction != Direction.NOT_KNOWN:
            comparable += n
            improved += n if direction == Direction.IMPROVED else 0
        r = rag(status)
        rag_counts[r.value if r else "None"] += n
        status_counts[status.value] += n
    return Summary(on_or_above=Share(on_or_above, judged), improved=Share(improved, comparable),
                   rag_counts=rag_counts, status_counts=status_counts)


def is_exception(status: Status, travel: Direction) -> bool:
    """Exception reports list only indicators below target or worsened."""
    return status in (Status.BELOW, Status.WELL_BELOW) or travel == Direction.WORSENED


def exception_sort_key(status: Status, travel: Direction, d: Decimal | None) -> tuple:
    """Worst first: by status severity, then worsened before not, then the largest shortfall."""
    return (status.severity, 0 if travel == Direction.WORSENED else 1, d if d is not None else Decimal(0))

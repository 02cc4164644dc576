"""Published benchmarks, computed as DfE's LAIT computes them (pure: no Django).

- A figure written as `-`, `c` or `..` (LAIT's suppression codes) or left blank is missing, never zero.
- Quartile thresholds are the 25th, 50th and 75th percentiles of the local authorities' values (never
  England's or a region's), by Excel's QUARTILE.INC (LAIT's method): the value at position (n - 1) x p of
  the sorted values, interpolated linearly between the two values either side.
- The band is A, B, C or D, A always the best quarter for the indicator's polarity. A value exactly at a
  threshold takes the better band: higher is better, A is value >= q75, B q50 <= value < q75, C
  q25 <= value < q50, D below q25; lower is better, A is value <= q25, B q25 < value <= q50, C
  q50 < value <= q75, D above q75. No band where the polarity is neither, or a figure is missing.
- The statistical neighbours' figure is the mean of the neighbours with data (none: missing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

SUPPRESSED = frozenset({"", "-", "c", ".."})
BANDS = ("A", "B", "C", "D")
# A manually entered quartile (1 is the best quarter of councils) read as a band.
QUARTILE_BANDS = {1: "A", 2: "B", 3: "C", 4: "D"}


class NotAFigure(ValueError):
    """A cell that is neither a number nor a suppression code."""


@dataclass(frozen=True)
class Thresholds:
    q25: Decimal
    q50: Decimal
    q75: Decimal

    def __post_init__(self) -> None:
        if not self.q25 <= self.q50 <= self.q75:
            raise ValueError(f"quartile thresholds must rise: {self.q25}, {self.q50}, {self.q75}")


def parse_figure(text: str | None) -> Decimal | None:
    """A published figure: a number (thousands commas allowed), or None for a suppression code or blank."""
    cleaned = (text or "").strip()
    if cleaned.lower() in SUPPRESSED:
        return None
    cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise NotAFigure(f'"{text}" is not a number (or one of the suppression codes -, c, ..)') from None
    if not value.is_finite():
        raise NotAFigure(f'"{text}" is not a number')
    return value


def percentile(values: Sequence[Decimal], p: Decimal) -> Decimal:
    """Excel's PERCENTILE.INC of values (at least one) for p between 0 and 1."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * p
    lower = int(position)
    fraction = position - lower
    if lower + 1 >= len(ordered):
        return ordered[-1]
    return ordered[lower] + fraction * (ordered[lower + 1] - ordered[lower])


def quartiles(values: Iterable[Decimal | None]) -> Thresholds | None:
    """The thresholds over the values with data; None when there are none."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    return Thresholds(*(percentile(present, Decimal(p)) for p in ("0.25", "0.5", "0.75")))


def band(value: Decimal | None, thresholds: Thresholds | None, polarity: str | None) -> str | None:
    """The value's quartile band, A the best; None for polarity neither or a missing figure."""
    if value is None or thresholds is None or polarity not in ("higher", "lower"):
        return None
    t = thresholds
    if polarity == "higher":
        return "A" if value >= t.q75 else "B" if value >= t.q50 else "C" if value >= t.q25 else "D"
    return "A" if value <= t.q25 else "B" if value <= t.q50 else "C" if value <= t.q75 else "D"


def neighbour_mean(values: Iterable[Decimal | None]) -> Decimal | None:
    """The mean of the neighbours with data; None when none has."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    return sum(present, Decimal(0)) / len(present)


_YEAR = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$")


def financial_year(text: str) -> str:
    """A LAIT year as a financial or academic year label: `2017-18`, `2017/18` and `2017/2018` are
    2017/18; a single year such as `2018` is the year ending in it (a figure at 31 March 2018): 2017/18."""
    cleaned = (text or "").strip()
    if re.fullmatch(r"\d{4}", cleaned):
        start = int(cleaned) - 1
        return f"{start}/{(start + 1) % 100:02d}"
    match = _YEAR.match(cleaned)
    if not match:
        raise NotAFigure(f'"{text}" is not a year such as 2017-18')
    start, end = int(match.group(1)), int(match.group(2))
    if end % 100 != (start + 1) % 100 or (end >= 1000 and end != start + 1):
        raise NotAFigure(f'"{text}" is not a year such as 2017-18 (the second year follows the first)')
    return f"{start}/{(start + 1) % 100:02d}"


def round_figure(value: Decimal | None, places: int = 4) -> Decimal | None:
    """As stored (four decimal places)."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places))


# --- LAIT's long-format data ---------------------------------------------------------------------

ENGLAND = "England"
# England's regions as LAIT names them: never local authorities, so never in the quartiles.
REGIONS = frozenset({"north east", "north west", "yorkshire and the humber", "yorkshire and humber",
                     "east midlands", "west midlands", "east of england", "east", "london", "inner london",
                     "outer london", "south east", "south west"})
# The benchmarks kind's comparators, in the order a file lists them.
COMPARATORS = ("council", "England", "statistical neighbours", "region", "quartile 25", "quartile 50",
               "quartile 75")


@dataclass(frozen=True)
class Published:
    """One row of LAIT's long-format data: a measure's value for an area in a year."""

    row: int  # the sheet row
    measure: str
    year: str  # a year label such as 2017/18
    area: str  # "LA and Regions"
    la_number: str
    value: Decimal | None
    ons_code: str = ""
    region: str = ""  # the area's region, where the file says

    @property
    def kind(self) -> str:
        """"england", "region" or "la" (a local authority)."""
        name, code = self.area.strip().lower(), self.ons_code.strip().upper()
        if name == ENGLAND.lower() or code.startswith("E92"):
            return "england"
        if code.startswith("E12") or name in REGIONS or not re.fullmatch(r"\d{3}", self.la_number.strip()):
            return "region"
        return "la"


@dataclass(frozen=True)
class Comparison:
    measure: str
    year: str
    comparator: str  # one of COMPARATORS
    value: Decimal
    row: int  # the sheet row it comes from (the council's, where there is one)


def _rounded(value: Decimal) -> Decimal:
    from decimal import ROUND_HALF_UP

    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _is_council(record: Published, la_number: str, ons_code: str) -> bool:
    if la_number and record.la_number.strip() == la_number:
        return True
    return bool(ons_code) and record.ons_code.strip().upper() == ons_code.upper()


def comparisons(records: Sequence[Published], *, la_number: str, ons_code: str = "",
                neighbours: Sequence[str] | None = None) -> list[Comparison]:
    """The council's comparators from LAIT's rows, per measure and year: its own figure, England's, its
    region's, its statistical neighbours' mean (of those with data) and, for the measure's latest year only
    (as LAIT bands), the quartile thresholds over every local authority's figure."""
    by_measure: dict[str, dict[str, list[Published]]] = {}
    for record in records:
        by_measure.setdefault(record.measure, {}).setdefault(record.year, []).append(record)
    wanted = {n.strip() for n in neighbours or ()}
    found: list[Comparison] = []
    for measure, years in by_measure.items():
        council_rows = [r for rows in years.values() for r in rows if _is_council(r, la_number, ons_code)]
        region = next((r.region.strip().lower() for r in council_rows if r.region.strip()), "")
        latest = max(years, key=lambda label: int(label[:4]))
        for year in sorted(years, key=lambda label: int(label[:4])):
            rows = years[year]
            council = next((r for r in rows if _is_council(r, la_number, ons_code)), None)
            source = council.row if council is not None else min(r.row for r in rows)
            values: dict[str, Decimal | None] = {
                "council": council.value if council is not None else None,
                "England": next((r.value for r in rows if r.kind == "england"), None),
                "statistical neighbours": neighbour_mean(
                    r.value for r in rows if r.kind == "la" and r.la_number.strip() in wanted) if wanted else None,
                "region": next((r.value for r in rows if region and r.kind == "region"
                                and r.area.strip().lower() == region), None),
            }
            if year == latest:
                thresholds = quartiles(r.value for r in rows if r.kind == "la")
                if thresholds is not None:
                    values["quartile 25"], values["quartile 50"], values["quartile 75"] = (
                        thresholds.q25, thresholds.q50, thresholds.q75)
            found += [Comparison(measure, year, name, _rounded(values[name]), source)
                      for name in COMPARATORS if values.get(name) is not None]
    return found

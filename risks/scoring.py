"""Risk scoring over a scheme held as data: rating, level band, travel, heat map, tolerance.

Pure: no Django. A scheme is built from the ScoringScheme model's JSON.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from organisation.ordering import natural


class Kind(enum.StrEnum):
    THREAT = "threat"
    OPPORTUNITY = "opportunity"


class Travel(enum.StrEnum):
    UP = "Up"
    DOWN = "Down"
    SAME = "Same"
    NEW = "New"
    NOT_REVIEWED = "Not reviewed"


@dataclass(frozen=True)
class Level:
    name: str
    minimum: int
    maximum: int | None  # None: no upper bound
    colour: str

    def contains(self, rating: int) -> bool:
        return rating >= self.minimum and (self.maximum is None or rating <= self.maximum)


@dataclass(frozen=True)
class Scheme:
    name: str
    likelihoods: dict[int, str]
    impacts: dict[Kind, dict[int, str]]
    levels: tuple[Level, ...]

    @classmethod
    def from_data(cls, name: str, data: dict) -> Scheme:
        return cls(
            name=name,
            likelihoods={int(v): label for v, label in data["likelihood"]},
            impacts={
                Kind.THREAT: {int(v): label for v, label in data["threat_impact"]},
                Kind.OPPORTUNITY: {int(v): label for v, label in data["opportunity_impact"]},
            },
            levels=tuple(Level(lv["name"], int(lv["min"]), None if lv.get("max") is None else int(lv["max"]), lv["colour"])
                         for lv in data["levels"]),
        )

    def likelihood_values(self) -> list[int]:
        return sorted(self.likelihoods)

    def impact_values(self, kind: Kind | str) -> list[int]:
        return sorted(self.impacts[Kind(kind)])


class OffScale(ValueError):
    def __init__(self, what: str, value: object, allowed: list[int]):
        self.what, self.value, self.allowed = what, value, allowed
        allowed_text = ", ".join(str(a) for a in allowed[:-1]) + f" or {allowed[-1]}"
        super().__init__(f"{value} is not on the {what} scale: use {allowed_text}")


def check(scheme: Scheme, kind: Kind | str, likelihood: object, impact: object) -> tuple[int, int]:
    """Both values as integers on the scheme's scales, or OffScale naming the allowed values."""
    return (
        on_scale(likelihood, scheme.likelihood_values(), "likelihood"),
        on_scale(impact, scheme.impact_values(kind), f"{Kind(kind).value} impact"),
    )


def on_scale(value: object, allowed: list[int], what: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = "" if value is None else str(value).strip()
        if len(text) > 6 or not re.fullmatch(r"[+-]?\d+", text):
            raise OffScale(what, f'"{text[:12]}{"..." if len(text) > 12 else ""}"', allowed)
        number = int(text)
    if number not in allowed:
        raise OffScale(what, number, allowed)
    return number


def rating(likelihood: int, impact: int) -> int:
    return likelihood * impact


UNBANDED = Level("Not banded", 0, None, "#b1b4b6")


def level(scheme: Scheme, score: int) -> Level:
    """The scheme's band for a rating; a rating that falls in none (a scheme with gaps) is "Not banded",
    never an error: a stored review must never take a page down."""
    for band in scheme.levels:
        if band.contains(score):
            return band
    return UNBANDED


def travel(current: int, previous: int | None) -> Travel:
    """Compared with the previous quarter's review; New when there was none."""
    if previous is None:
        return Travel.NEW
    if current == previous:
        return Travel.SAME
    return Travel.UP if current > previous else Travel.DOWN


def outside_tolerance(kind: Kind | str, current: int, tolerance: int) -> bool:
    """A threat rated above its tolerance, or an opportunity rated below its target."""
    if Kind(kind) == Kind.THREAT:
        return current > tolerance
    return current < tolerance


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    rating: int
    level: Level
    count: int
    references: tuple[str, ...] = ()  # the risks plotted in the cell, when given


def heat_map(scheme: Scheme, kind: Kind | str, scores: Iterable, *,
             counted: dict[tuple[int, int], int] | None = None) -> list[list[Cell]]:
    """Rows from the highest likelihood down, columns from the lowest impact up, with risk counts.

    scores: (likelihood, impact) pairs, or ((likelihood, impact), reference) to plot references too;
    counted: risks per (likelihood, impact) already counted (by the database), added to them.
    """
    counts: Counter = Counter(counted or {})
    references: dict[tuple[int, int], list[str]] = {}
    for item in scores:
        if len(item) == 2 and isinstance(item[0], tuple):
            pair, reference = item
            references.setdefault(pair, []).append(reference)
        else:
            pair = item
        counts[tuple(pair)] += 1
    return [
        [Cell(lk, i, rating(lk, i), level(scheme, rating(lk, i)), counts.get((lk, i), 0),
              tuple(sorted(references.get((lk, i), ()), key=natural)))
         for i in scheme.impact_values(kind)]
        for lk in reversed(scheme.likelihood_values())
    ]

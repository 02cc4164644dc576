"""Risk appetite as pure rules (no Django): how much risk the council will take in a category, drawn as the
cells of a scheme's likelihood x impact matrix that are inside appetite.

Appetite is set per risk category as a level (the Government Finance Function's scale: averse, minimal,
cautious, open, eager) and, on each scoring scheme, as the cells inside appetite - a boundary drawn on the
matrix, so a 4x4 and a 5x5 scheme each carry their own. Where a category has not drawn its cells on a scheme,
they follow from its level (LEVEL_BANDS). A risk may carry its own level; else its category's; else the
scheme's default. A risk rated in a cell outside is "outside appetite".

Appetite bounds threats: an opportunity is never "outside appetite" (its aim is its target rating).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from .scoring import Kind, Scheme, level


class Level(enum.StrEnum):
    AVERSE = "averse"
    MINIMAL = "minimal"
    CAUTIOUS = "cautious"
    OPEN = "open"
    EAGER = "eager"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def meaning(self) -> str:
        return {
            "averse": "Avoidance of risk and uncertainty is a key objective.",
            "minimal": "A preference for very safe options with a low degree of risk and only limited reward.",
            "cautious": "A preference for safe options with a low degree of risk; may only have limited reward.",
            "open": "Willing to consider all options and choose the one most likely to succeed, with an "
                    "acceptable level of reward.",
            "eager": "Eager to be innovative and to choose options offering higher rewards despite greater "
                     "risk.",
        }[self.value]


# How many of a scheme's level bands (lowest first) a level takes in, where its cells are not drawn: averse
# only the lowest band's lowest half; minimal the lowest band; cautious up to the second; open up to the
# third; eager all but the highest.
LEVEL_BANDS = {Level.AVERSE: 0.5, Level.MINIMAL: 1, Level.CAUTIOUS: 2, Level.OPEN: 3, Level.EAGER: -1}

Cell = tuple[int, int]  # (likelihood, impact)


def cells_for_level(scheme: Scheme, appetite: Level | str, kind: Kind | str = Kind.THREAT) -> frozenset[Cell]:
    """The cells inside appetite that a level gives on a scheme."""
    appetite = Level(appetite)
    bands = list(scheme.levels)
    impacts = scheme.impacts[Kind(kind)]
    share = LEVEL_BANDS[appetite]
    cells = [(likelihood, impact) for likelihood in scheme.likelihoods for impact in impacts]
    if not bands:
        return frozenset(cells)
    if share == -1:
        allowed = bands[:-1] if len(bands) > 1 else bands
        names = {b.name for b in allowed}
        return frozenset(c for c in cells if level(scheme, c[0] * c[1]).name in names)
    whole = int(share)
    names = {b.name for b in bands[:whole]}
    inside = {c for c in cells if level(scheme, c[0] * c[1]).name in names}
    if share != whole:  # half a band: its ratings up to the middle of the band
        band = bands[whole]
        top = band.maximum if band.maximum is not None else max(c[0] * c[1] for c in cells)
        middle = band.minimum + (top - band.minimum) // 2
        inside |= {c for c in cells if band.contains(c[0] * c[1]) and c[0] * c[1] <= middle}
    return frozenset(inside)


def checked_cells(scheme: Scheme, cells: Iterable, kind: Kind | str = Kind.THREAT) -> frozenset[Cell]:
    """Cells as stored ([[likelihood, impact], ...]), each on the scheme's scales; raises ValueError naming
    the first cell that is not."""
    impacts = scheme.impacts[Kind(kind)]
    out = set()
    for cell in cells:
        try:
            likelihood, impact = (int(v) for v in cell)
        except (TypeError, ValueError):
            raise ValueError(f"{cell!r} is not a cell: give [likelihood, impact]") from None
        if likelihood not in scheme.likelihoods or impact not in impacts:
            raise ValueError(f"likelihood {likelihood} x impact {impact} is not a cell of the {scheme.name} matrix")
        out.add((likelihood, impact))
    return frozenset(out)


@dataclass(frozen=True)
class Appetite:
    """The appetite that applies to a risk: its level, the cells inside on the scheme, and where it came
    from ("risk", "category", "scheme")."""

    level: Level
    cells: frozenset[Cell]
    source: str
    category: str = ""

    def outside(self, likelihood: int, impact: int, kind: Kind | str = Kind.THREAT) -> bool:
        return outside(self.cells, likelihood, impact, kind)

    @property
    def described(self) -> str:
        where = {"risk": "set for this risk", "category": f"the {self.category} category's" if self.category
                 else "its category's", "scheme": "the council's default"}[self.source]
        return f"{self.level.label} ({where})"


def resolve(scheme: Scheme, *, risk_level: str = "", category: str = "", category_level: str = "",
            category_cells: Iterable | None = None, default_level: str = Level.CAUTIOUS,
            default_cells: Iterable | None = None) -> Appetite:
    """The appetite for a risk, falling back from its own level to its category's (the category's cells on
    this scheme where drawn, else its level's) to the scheme's default (its cells where drawn, else its
    level's)."""
    if risk_level:
        return Appetite(Level(risk_level), cells_for_level(scheme, risk_level), "risk", category)
    if category_level:
        cells = frozenset(tuple(c) for c in category_cells) if category_cells is not None \
            else cells_for_level(scheme, category_level)
        return Appetite(Level(category_level), cells, "category", category)
    cells = frozenset(tuple(c) for c in default_cells) if default_cells is not None \
        else cells_for_level(scheme, default_level)
    return Appetite(Level(default_level), cells, "scheme", category)


def outside(cells: frozenset[Cell], likelihood: int, impact: int, kind: Kind | str = Kind.THREAT) -> bool:
    """Whether a threat rated in this cell is outside appetite: in any cell not inside the boundary. An
    opportunity is never outside appetite."""
    if Kind(kind) != Kind.THREAT:
        return False
    return (likelihood, impact) not in cells


def review_prompted(red_quarters, last_review) -> bool:
    """Key risk indicators: a linked indicator reading Red prompts a review of the risk until the risk is
    reviewed in a later quarter. red_quarters: the quarters (any ordered values, e.g. (year, quarter)) in which
    a linked indicator was judged Red; last_review: the quarter of the risk's latest review, or None."""
    reds = [q for q in red_quarters if q is not None]
    if not reds:
        return False
    return last_review is None or last_review <= max(reds)


DEEP_DIVE_QUARTERS = 3  # outside appetite or target this many quarters running: a deep-dive candidate


def quarters_running(flags) -> int:
    """How many quarters running, ending with the newest, a condition held: flags oldest first (None: the
    risk was not on the register that quarter, which ends the run)."""
    run = 0
    for flag in reversed(list(flags)):
        if not flag:
            break
        run += 1
    return run

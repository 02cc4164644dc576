"""Controls, assurance, agreed actions and risk acceptance as pure rules (no Django).

A control's assurance is a label a person gives it (the Institute of Internal Auditors' usual four,
strongest first, or the council's own: the RISK_ASSURANCE_LABELS setting); it is never worked out from
test results. The assurance map reads each risk against the three lines of defence (the Orange Book,
Annex 2): 1 management, 2 oversight (risk, compliance, the performance team), 3 internal audit or other
independent assurance. A High or Critical risk (the two highest levels of its scheme) with no second- or
third-line assurance, or only Limited or No (the two weakest labels), is a gap.

An internal-audit recommendation's agreed action is overdue while it is open and its due date (the latest
revised one, else the first) has passed. A formal acceptance of a risk outside appetite holds until its
expiry date; from the day after, it is expired.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

DEFAULT_LABELS: tuple[str, ...] = ("Substantial", "Reasonable", "Limited", "No")
LINES = {1: "First line (management)", 2: "Second line (oversight)", 3: "Third line (independent assurance)"}
SHORT_LINES = {1: "First line", 2: "Second line", 3: "Third line"}
TYPES = ("preventive", "detective", "corrective", "directive")
SOURCES = ("self-assessment", "second line", "internal audit")


def labels_from(setting: Sequence[str] | str | None) -> tuple[str, ...]:
    """The configured assurance labels, strongest first (a ";"- or ","-separated string or a list). At least
    two, each named once; otherwise the defaults."""
    if isinstance(setting, str):
        parts = [p.strip() for p in setting.replace(";", ",").split(",")]
    else:
        parts = [str(p).strip() for p in (setting or ())]
    parts = [p for p in parts if p]
    if len(parts) < 2 or len({p.lower() for p in parts}) != len(parts) or any(len(p) > 40 for p in parts):
        return DEFAULT_LABELS
    return tuple(parts)


def rank(label: str, labels: Sequence[str] = DEFAULT_LABELS) -> int | None:
    """0 for the strongest label; None for a blank or unknown one (not assessed)."""
    wanted = (label or "").strip().lower()
    for index, known in enumerate(labels):
        if known.lower() == wanted:
            return index
    return None


def canonical(label: str, labels: Sequence[str] = DEFAULT_LABELS) -> str | None:
    """The label as configured ("limited" -> "Limited"), or None when it is not one."""
    position = rank(label, labels)
    return None if position is None else labels[position]


def weakest(assurances: Iterable[str], labels: Sequence[str] = DEFAULT_LABELS) -> str | None:
    """The weakest assurance given (unassessed ones are ignored); None when none is given."""
    ranked = [r for r in (rank(a, labels) for a in assurances) if r is not None]
    return labels[max(ranked)] if ranked else None


def weak_labels(labels: Sequence[str] = DEFAULT_LABELS) -> tuple[str, ...]:
    """Limited and No: the two weakest labels (of only two, the weaker: the strongest is never weak)."""
    return tuple(labels[max(len(labels) - 2, 1):])


def is_weak(label: str | None, labels: Sequence[str] = DEFAULT_LABELS) -> bool:
    """Limited or No: one of the two weakest labels (never the strongest)."""
    position = rank(label or "", labels)
    return position is not None and position >= max(len(labels) - 2, 1)


def is_severe(level_index: int, level_count: int) -> bool:
    """High or Critical: one of the two highest levels of the risk's scheme (levels counted from 0, lowest;
    the lowest level is never severe, even on a scheme of only two)."""
    return level_count > 1 and max(level_count - 2, 1) <= level_index < level_count


@dataclass(frozen=True)
class ControlFact:
    line: int
    assurance: str  # blank: not assessed


@dataclass(frozen=True)
class Gap:
    reason: str


def gaps(level_index: int, level_count: int, controls: Sequence[ControlFact],
         labels: Sequence[str] = DEFAULT_LABELS) -> list[Gap]:
    """What the assurance map says in words of a risk: nothing for a risk below High; else whether it has
    second- or third-line assurance at all, and whether what it has is only Limited or No."""
    if not is_severe(level_index, level_count):
        return []
    independent = [c for c in controls if c.line in (2, 3) and rank(c.assurance, labels) is not None]
    if not independent:
        return [Gap("no second- or third-line assurance")]
    if all(is_weak(c.assurance, labels) for c in independent):
        return [Gap(f"second- and third-line assurance is only {' or '.join(weak_labels(labels))}")]
    return []


class ActionState(enum.StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    IMPLEMENTED = "implemented"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return self.value.capitalize()


def due_date(due: date | None, revised_due: date | None) -> date | None:
    """The date the action is due by now: the latest revision, else the first agreed."""
    return revised_due or due


def action_state(status: str, due: date | None, revised_due: date | None, today: date) -> ActionState:
    """open, implemented or superseded as stored; an open action past its due date is overdue."""
    status = ActionState(status)
    if status is ActionState.OPEN:
        by = due_date(due, revised_due)
        if by is not None and by < today:
            return ActionState.OVERDUE
    return status


def days_overdue(due: date | None, revised_due: date | None, today: date) -> int:
    by = due_date(due, revised_due)
    return max((today - by).days, 0) if by else 0


class AcceptanceState(enum.StrEnum):
    NONE = "none"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"none": "Not accepted", "accepted": "Accepted", "expired": "Acceptance expired",
                "withdrawn": "Acceptance withdrawn"}[self.value]


def acceptance_state(expires: date | None, withdrawn: bool, today: date) -> AcceptanceState:
    """An acceptance holds to the end of its expiry date; withdrawn ends it at once."""
    if expires is None:
        return AcceptanceState.NONE
    if withdrawn:
        return AcceptanceState.WITHDRAWN
    return AcceptanceState.ACCEPTED if today <= expires else AcceptanceState.EXPIRED


def check_acceptance(accepted_on: date, expires: date | None, *, longest_days: int = 731) -> str | None:
    """Why an acceptance's expiry is refused, or None: it must come after the day it is given and within two
    years (a risk accepted for ever is not accepted, it is forgotten)."""
    if expires is None:
        return "enter the date the acceptance expires"
    if expires <= accepted_on:
        return f"the expiry must be after {accepted_on.strftime('%-d %B %Y')}"
    if (expires - accepted_on).days > longest_days:
        return "an acceptance lasts at most two years: set an earlier expiry and review it then"
    return None

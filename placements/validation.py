"""One validation for placement snapshots, headings and categories, shared by the entry form, the import
Resource and the services."""

from __future__ import annotations

from decimal import Decimal

from organisation import parsing

# The stored ranges (PlacementSnapshot.children is a PositiveIntegerField; average_weekly_cost a
# DecimalField(max_digits=10, decimal_places=2)).
CHILDREN_MAX = 2_147_483_647
COST_DIGITS, COST_PLACES = 10, 2
NAME_MAX = 120


def parse_children(text: object) -> int:
    raw = "" if text is None else str(text).strip()
    if raw == "":
        raise parsing.InvalidValue("enter the number of children (0 if none)")
    value = parsing.parse_whole(raw, minimum=0, maximum=CHILDREN_MAX)
    assert value is not None
    return value


def parse_weekly_cost(text: object) -> Decimal:
    raw = "" if text is None else str(text).strip()
    if raw == "":
        raise parsing.InvalidValue("enter the average weekly cost in pounds (0 if none)")
    value = parsing.parse_decimal(raw.lstrip("£"), max_digits=COST_DIGITS + 4, decimal_places=4)
    assert value is not None
    return check_weekly_cost(value, raw)


def check_weekly_cost(value: Decimal, raw: str | None = None) -> Decimal:
    shown = raw if raw is not None else format(value, "f")
    if value < 0:
        raise parsing.InvalidValue(f"{shown} is negative: a weekly cost cannot be below zero")
    value = value.quantize(Decimal("0.01"))
    parsing.check_decimal(value, shown, max_digits=COST_DIGITS, decimal_places=COST_PLACES)
    return value


def check_children(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= CHILDREN_MAX:
        raise parsing.InvalidValue(f"{value} is not a whole number from 0 to {CHILDREN_MAX:,}")
    return value


def check_name(name: str, what: str) -> str:
    name = (name or "").strip()
    if not name:
        raise parsing.InvalidValue(f"enter the {what}")
    return parsing.check_name(name, limit=NAME_MAX, what=what)

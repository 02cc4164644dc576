"""Display of indicator values, statuses and direction of travel (one place each)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

from kpis import status as rules

register = template.Library()

SUFFIX = {"percent": "%", "percentage points": " pp", "hours": " hrs", "days": " days"}
RAG_CLASS = {"Green": "app-rag--green", "Amber": "app-rag--amber", "Red": "app-rag--red"}
ARROWS = {"Improved": "▲", "Worsened": "▼", "Same": "▶", "Not known": ""}


def format_value(value, indicator) -> str:
    if value is None or value == "":
        return ""
    d = Decimal(str(value))
    places = indicator.precision if indicator is not None else 1
    rounded = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{places}f}"
    unit = indicator.unit if indicator is not None else ""
    if unit == "currency":
        return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"
    return text + SUFFIX.get(unit, "")


@register.filter
def kpi_value(value, indicator) -> str:
    """75.8 with a percent indicator -> "75.8%"; blank -> ""."""
    return format_value(value, indicator)


@register.inclusion_tag("kpis/includes/status_tag.html")
def status_tag(status) -> dict:
    status = rules.Status(status) if status else rules.Status.NO_DATA
    rag = rules.rag(status)
    return {"status": status.value, "rag": rag.value if rag else "",
            "css": RAG_CLASS.get(rag.value, "app-rag--none") if rag else "app-rag--none"}


@register.inclusion_tag("kpis/includes/travel.html")
def travel(direction) -> dict:
    direction = rules.Direction(direction) if direction else rules.Direction.NOT_KNOWN
    return {"direction": direction.value, "arrow": ARROWS[direction.value]}

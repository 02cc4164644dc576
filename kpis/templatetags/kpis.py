"""Display of indicator values, statuses and direction of travel (one place each)."""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from kpis import status as rules

register = template.Library()

SUFFIX = {"percent": "%", "percentage points": " pp", "hours": " hrs", "days": " days"}
RAG_CLASS = {"Green": "app-rag--green", "Amber": "app-rag--amber", "Red": "app-rag--red"}
ARROWS = {"Improved": "▲", "Worsened": "▼", "Same": "▶", "Not known": ""}


def entered_places(value: Decimal) -> int:
    """The decimal places a stored value was entered with (75.8000 -> 1, 97.2 -> 1, 550 -> 0)."""
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def format_value(value, indicator) -> str:
    """A value at the precision it was entered, never fewer places than the indicator shows
    (97.2 with a precision of 0 is 97.2, not 97: a rounded value would contradict its status)."""
    if value is None or value == "":
        return ""
    d = Decimal(str(value))
    places = max(indicator.precision if indicator is not None else 1, min(entered_places(d), 4))
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


@register.simple_tag
@functools.cache
def status_tag(status) -> SafeString:
    """The status as a tag: its words, coloured by RAG, with the RAG spelt out for screen readers."""
    status = rules.Status(status) if status else rules.Status.NO_DATA
    rag = rules.rag(status)
    if rag is None:
        return format_html('<strong class="govuk-tag app-tag app-rag--none">{}</strong>', status.value)
    return format_html(
        '<strong class="govuk-tag app-tag {}">{}<span class="govuk-visually-hidden"> (RAG {})</span></strong>',
        RAG_CLASS[rag.value], status.value, rag.value,
    )


NOT_SUBMITTED = mark_safe(  # noqa: S308 - a constant
    '<strong class="govuk-tag app-tag app-rag--none">Not submitted<span class="govuk-visually-hidden"> '
    '(never reported: a draft when the quarter was locked)</span></strong>')


@register.simple_tag
def row_status(row) -> SafeString:
    """A judged row's status as a tag: "Not submitted" for a figure a locked quarter never reported;
    an officer's reported status marked as such, with what the rules give beside it."""
    if getattr(row, "not_submitted", False):
        return NOT_SUBMITTED
    if getattr(row, "overridden", False):
        return format_html('{} <span class="app-override">reported status (the rules give {}){}</span>',
                           status_tag(row.status), row.rule_status.value.lower(),
                           format_html(": {}", row.override_reason) if row.override_reason else "")
    return status_tag(row.status)


@register.simple_tag
@functools.cache
def travel(direction) -> SafeString:
    """The direction of travel in words, with an arrow hidden from screen readers."""
    direction = rules.Direction(direction) if direction else rules.Direction.NOT_KNOWN
    arrow = ARROWS[direction.value]
    return format_html(
        '<span class="app-nowrap app-travel app-travel--{}">{}{}</span>', slugify(direction.value),
        format_html('<span aria-hidden="true">{}</span> ', arrow) if arrow else "", direction.value,
    )

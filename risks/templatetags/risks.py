"""The level badge and travel arrow for risks (one place each)."""

import functools

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ARROWS = {"Up": "▲", "Down": "▼", "Same": "▶", "New": "●"}


def level_tag(rating, level, scheme=None) -> SafeString:
    """A rating and its level as a tag (the band's colour, and its name in words), or "Not reviewed"."""
    if rating is None:
        return NOT_REVIEWED
    position = 0
    if level is not None and scheme is not None:
        names = [band.name for band in scheme.levels]
        position = names.index(level.name) + 1 if level.name in names else 0
    return _level_html(rating, level.name if level else "", position)


@functools.lru_cache(maxsize=512)
def _level_html(rating, name: str, position: int) -> SafeString:
    return format_html('<strong class="govuk-tag app-tag app-level app-level--{}">{} {}</strong>', position, rating, name)


@register.simple_tag
@functools.cache
def risk_travel(travel) -> SafeString:
    """Travel since the last review in words, with an arrow hidden from screen readers."""
    value = getattr(travel, "value", travel) or ""
    if not value:
        return mark_safe("")
    arrow = ARROWS.get(value, "")
    return format_html('<span class="app-nowrap">{}{}</span>',
                       format_html('<span aria-hidden="true">{}</span> ', arrow) if arrow else "", value)


NOT_REVIEWED = mark_safe('<span class="app-muted">Not reviewed</span>')  # noqa: S308 - a constant
register.simple_tag(level_tag)

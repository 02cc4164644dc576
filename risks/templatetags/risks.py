"""The level badge and travel arrow for risks (one place each)."""

from django import template

register = template.Library()

ARROWS = {"Up": "▲", "Down": "▼", "Same": "▶", "New": "●"}


@register.inclusion_tag("risks/includes/level_tag.html")
def level_tag(rating, level, scheme=None) -> dict:
    position = 0
    if level is not None and scheme is not None:
        names = [band.name for band in scheme.levels]
        position = names.index(level.name) + 1 if level.name in names else 0
    return {"rating": rating, "level": level.name if level else "", "position": position}


@register.inclusion_tag("risks/includes/travel.html")
def risk_travel(travel) -> dict:
    value = getattr(travel, "value", travel) or ""
    return {"travel": value, "arrow": ARROWS.get(value, "")}

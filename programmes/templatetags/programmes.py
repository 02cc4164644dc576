"""Money as the papers print it, and a status as a GOV.UK tag: its words, coloured (never colour alone)."""

from django import template
from django.utils.html import format_html

from programmes import rules

register = template.Library()

TAG_CLASSES = {rules.Colour.BLUE: "govuk-tag--blue", rules.Colour.GREEN: "govuk-tag--green",
               rules.Colour.AMBER: "govuk-tag--yellow", rules.Colour.RED: "govuk-tag--red"}


@register.filter
def money(value) -> str:
    """£1,642,067 (blank when not entered)."""
    return rules.money(value) if value is not None and value != "" else ""


@register.filter
def money_short(value) -> str:
    """£1.6m, £453k."""
    return rules.money_short(value) if value is not None and value != "" else ""


@register.simple_tag
def status_tag(status, empty: str = "Not assessed"):
    """A Progress, Assessment, SavingStatus or MilestoneState as a tag with its words."""
    if status is None or status == "":
        return format_html('<strong class="govuk-tag govuk-tag--grey app-tag">{}</strong>', empty)
    colour = getattr(status, "colour", None)
    css = TAG_CLASSES.get(colour, "govuk-tag--grey")
    return format_html('<strong class="govuk-tag {} app-tag">{}</strong>', css, str(status))


@register.filter
def rag_progress(value):
    """An objective's stored RAG words as the rules' Progress (for its colour)."""
    try:
        return rules.Progress(value) if value else None
    except ValueError:
        return None

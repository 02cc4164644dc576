"""Cells of the placements report, written in one piece per row.

The report has a row for each category and measure and a column for each
quarter; rendering each cell through the template language cost more than
the rest of the page, so each row's cells are built here with format_html.
"""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from organisation.templatetags.formatting import gbp, number

register = template.Library()

NUMERIC = '<td class="govuk-table__cell app-numeric">{}</td>'
NONE = mark_safe('<span class="app-muted">none</span>')  # noqa: S308 - a constant


@register.filter
def children_cells(cells) -> SafeString:
    """One cell per quarter: the number of children, or "none" where there is no snapshot."""
    return format_html_join("", NUMERIC, ((NONE if c.children is None else number(c.children),) for c in cells))


@register.filter
def cost_cells(cells) -> SafeString:
    """One cell per quarter: the average weekly cost, blank where there is no snapshot."""
    return format_html_join("", NUMERIC, ((gbp(c.weekly_cost),) for c in cells))

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from .templatetags.kpis import format_value, row_status, travel


class IndicatorTable(tables.Table):
    """The indicator table on the dashboard; rows are queries.Row objects."""

    pages_label = "indicators"  # names its pagination for screen readers

    code = tables.Column(accessor="indicator__code", verbose_name="Code")
    title = tables.Column(accessor="indicator__title", verbose_name="Indicator")
    service_area = tables.Column(accessor="indicator__service_area_name", verbose_name="Service area")
    value = tables.Column(accessor="value", verbose_name="Value", attrs={"td": {"class": "app-numeric"},
                                                                        "th": {"class": "app-numeric"}})
    target = tables.Column(accessor="target", verbose_name="Target", attrs={"td": {"class": "app-numeric"},
                                                                           "th": {"class": "app-numeric"}})
    status = tables.Column(accessor="status", verbose_name="Status", order_by=("status_severity",))
    direction = tables.Column(accessor="direction", verbose_name="Direction of travel")
    previous = tables.Column(accessor="previous", verbose_name="Same period last year",
                             attrs={"td": {"class": "app-numeric"}, "th": {"class": "app-numeric"}})

    def __init__(self, *args, quarter_slug: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.quarter_slug = quarter_slug

    class Meta:
        attrs = {"class": "govuk-body-s"}
        orderable = True
        empty_text = "No indicators match these filters."

    def render_title(self, record, value):
        if record.indicator.accumulation == "cumulative":
            return format_html('{} <span class="app-muted">(year to date)</span>', value)
        return value

    def render_code(self, record, value):
        return format_html('<a class="govuk-link" href="{}?period={}">{}</a>',
                           reverse("kpis:indicator", args=[record.indicator.code]), self.quarter_slug, value)

    def render_value(self, record, value):
        text = format_value(value, record)
        if record.is_revised:
            text = format_html("{} <span class='app-muted govuk-body-s'>(reported {})</span>", text,
                               format_value(record.reported_value, record))
        if record.is_draft:
            text = format_html('{} <strong class="govuk-tag govuk-tag--grey app-tag">Draft</strong>', text)
        return text

    def render_target(self, record, value):
        return format_value(value, record)

    def render_previous(self, record, value):
        return format_value(value, record)

    def render_status(self, record, value):
        return row_status(record)

    def render_direction(self, value):
        return travel(value)

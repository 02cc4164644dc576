"""Reading the audit trail: its filters (the page and its downloads) and the `audit-trail` export kind."""

from __future__ import annotations

import django_filters
import tablib
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from . import parsing
from .models import AuditEvent, ReportingPeriod

COLUMNS = ("when", "who", "action", "object", "period", "detail", "reason")


class AuditFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=AuditEvent.Action.choices, empty_label="Any action",
                                         label="Action")
    who = django_filters.CharFilter(field_name="who", lookup_expr="icontains", label="Who")
    period = django_filters.ModelChoiceFilter(
        queryset=ReportingPeriod.objects.quarters().order_by("-year", "-quarter"), empty_label="Any quarter",
        label="Quarter")
    since = django_filters.DateFilter(field_name="when", lookup_expr="date__gte", label="From (date)",
                                      input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                                      widget=forms.DateInput(attrs={"placeholder": "YYYY-MM-DD"}))
    until = django_filters.DateFilter(field_name="when", lookup_expr="date__lte", label="To (date)",
                                      input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                                      widget=forms.DateInput(attrs={"placeholder": "YYYY-MM-DD"}))
    q = django_filters.CharFilter(method="search", label="Record or detail contains")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(object_label__icontains=value) | Q(detail__icontains=value)
                               | Q(reason__icontains=value) | Q(object_type__icontains=value))


def audit_dataset(events) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(COLUMNS))
    for event in events.iterator() if isinstance(events, QuerySet) else events:
        data.append([
            timezone.localtime(event.when).strftime("%Y-%m-%d %H:%M:%S"), event.who, event.get_action_display(),
            f"{event.object_type}: {event.object_label}", event.period.label if event.period else "",
            event.detail, event.reason,
        ])
    return data


def export(period: str | None, user=None) -> tablib.Dataset:
    """The `audit-trail` kind: the whole trail, or one quarter's (--period)."""
    events = AuditEvent.objects.select_related("period").order_by("when", "pk")
    if period:
        value = parsing.parse(period)
        events = events.filter(period__year=value.year, period__quarter=value.quarter)
    return audit_dataset(events)

"""Reading the audit trail: its filters (the page and its downloads) and the `audit-trail` export kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
import tablib
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from . import access, parsing
from .models import AuditEvent, ReportingPeriod

COLUMNS = ("when", "who", "action", "object", "period", "detail", "reason")

# about -> rule(user) giving the Q (on AuditEvent) of the entries about it that the user may read, or
# None for none. Each domain registers its own in its AppConfig.ready(); an entry about something with
# no rule is read by no one but the performance officer.
SCOPES: dict[str, Callable[[Any], Q | None]] = {}


def register_scope(about: str, rule: Callable[[Any], Q | None]) -> None:
    SCOPES[about] = rule


def visible_events(user, events: QuerySet[AuditEvent] | None = None) -> QuerySet[AuditEvent]:
    """The entries of the trail this user may read: the council's own acts, and those about records the
    user may see (risks on their registers, placements if they read placements). The same rule for the
    page, its search and every download; None (a command run by the council) reads it all."""
    events = AuditEvent.objects.select_related("period") if events is None else events
    if user is None or access.is_performance_officer(user):
        return events
    if not access.can_view_audit(user):
        return events.none()
    allowed = Q(about="")
    for about, rule in SCOPES.items():
        q = rule(user)
        if q is not None:
            allowed |= Q(about=about) & q
    return events.filter(allowed)


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
    events = visible_events(user).order_by("when", "pk")
    if period:
        value = parsing.parse(period)
        events = events.filter(period__year=value.year, period__quarter=value.quarter)
    return audit_dataset(events)

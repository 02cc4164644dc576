"""Indicators and key commitments are set up here through kpis.services; targets, figures and benchmarks are
read-only (their pages and the imports change them under the record's rules)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from organisation.admin_site import ReadOnlyAdmin, ServiceAdmin

from . import services
from .models import Actual, Comparator, Indicator, KeyCommitment, Target


@admin.register(KeyCommitment)
class KeyCommitmentAdmin(ServiceAdmin):
    list_display = ("code", "title")
    search_fields = ("code", "title")

    def save_service(self, user, obj, form, change):
        services.commitment_save(user=user, commitment=obj, via="admin")

    def delete_service(self, user, obj):
        services.commitment_delete(user=user, commitment=obj)


@admin.register(Indicator)
class IndicatorAdmin(ServiceAdmin, SimpleHistoryAdmin):
    list_display = ("code", "title", "service_area", "frequency", "active")
    list_filter = ("service_area", "frequency", "active")
    search_fields = ("code", "title")
    list_select_related = ("service_area",)

    def save_service(self, user, obj, form, change):
        services.indicator_save(user=user, indicator=obj, via="admin")

    def delete_service(self, user, obj):
        services.indicator_delete(user=user, indicator=obj, via="admin")



class ReadOnlyHistoryAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    pass


@admin.register(Target)
class TargetAdmin(ReadOnlyHistoryAdmin):
    list_display = ("indicator", "period", "value")
    list_select_related = ("indicator", "period")
    search_fields = ("indicator__code",)


@admin.register(Actual)
class ActualAdmin(ReadOnlyHistoryAdmin):
    list_display = ("indicator", "period", "value", "state", "signed_status")
    list_filter = ("state",)
    list_select_related = ("indicator", "period")
    search_fields = ("indicator__code",)


@admin.register(Comparator)
class ComparatorAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "period", "england", "statistical_neighbours", "quartile")
    list_select_related = ("indicator", "period")

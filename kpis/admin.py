from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Actual, Comparator, Indicator, KeyCommitment, Target


@admin.register(KeyCommitment)
class KeyCommitmentAdmin(admin.ModelAdmin):
    list_display = ("code", "title")
    search_fields = ("code", "title")


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "service_area", "frequency", "active")
    list_filter = ("service_area", "frequency", "active")
    search_fields = ("code", "title")
    list_select_related = ("service_area",)


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("indicator", "period", "value")
    list_select_related = ("indicator", "period")
    search_fields = ("indicator__code",)


@admin.register(Actual)
class ActualAdmin(SimpleHistoryAdmin):
    list_display = ("indicator", "period", "value", "state")
    list_filter = ("state",)
    list_select_related = ("indicator", "period")
    search_fields = ("indicator__code",)
    readonly_fields = ("version",)


@admin.register(Comparator)
class ComparatorAdmin(admin.ModelAdmin):
    list_display = ("indicator", "period", "england", "statistical_neighbours", "quartile")
    list_select_related = ("indicator", "period")

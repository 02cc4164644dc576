from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import PlacementCategory, PlacementHeading, PlacementSnapshot


class CategoryInline(admin.TabularInline):
    model = PlacementCategory
    extra = 0
    fields = ("name", "order", "provision", "ssda903_codes", "active")


@admin.register(PlacementHeading)
class PlacementHeadingAdmin(SimpleHistoryAdmin):
    list_display = ("name", "order", "is_foster_care")
    inlines = [CategoryInline]


@admin.register(PlacementCategory)
class PlacementCategoryAdmin(SimpleHistoryAdmin):
    list_display = ("name", "heading", "provision", "ssda903_codes", "active")
    list_filter = ("heading", "provision", "active")
    list_select_related = ("heading",)


@admin.register(PlacementSnapshot)
class PlacementSnapshotAdmin(SimpleHistoryAdmin):
    list_display = ("period", "category", "children", "average_weekly_cost")
    list_select_related = ("period", "category__heading")
    list_filter = ("period",)
    readonly_fields = ("version",)

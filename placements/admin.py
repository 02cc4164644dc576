"""Placement headings and categories are set up here through placements.services; snapshots are read-only
(the entry grid and the imports change them under the record's rules)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from organisation.admin_site import ReadOnlyAdmin, ServiceAdmin

from . import services
from .models import PlacementCategory, PlacementHeading, PlacementSnapshot


class CategoryInline(admin.TabularInline):
    """Listed under the heading (added and changed on their own page)."""

    model = PlacementCategory
    extra = 0
    fields = ("name", "order", "provision", "ssda903_codes", "active")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class SetupAdmin(ServiceAdmin, SimpleHistoryAdmin):
    def save_service(self, user, obj, form, change):
        services.placement_setup_save(user=user, instance=obj)

    def delete_service(self, user, obj):
        services.placement_setup_delete(user=user, instance=obj)



@admin.register(PlacementHeading)
class PlacementHeadingAdmin(SetupAdmin):
    list_display = ("name", "order", "is_foster_care")
    inlines = [CategoryInline]



@admin.register(PlacementCategory)
class PlacementCategoryAdmin(SetupAdmin):
    list_display = ("name", "heading", "provision", "ssda903_codes", "active")
    list_filter = ("heading", "provision", "active")
    list_select_related = ("heading",)


@admin.register(PlacementSnapshot)
class PlacementSnapshotAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("period", "category", "children", "average_weekly_cost")
    list_select_related = ("period", "category__heading")
    list_filter = ("period",)

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import Directorate, ReportingPeriod, ServiceArea

User = get_user_model()


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0
    fields = ("name",)


@admin.register(Directorate)
class DirectorateAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)
    inlines = [ServiceAreaInline]


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "directorate")
    list_filter = ("directorate",)
    search_fields = ("name",)
    filter_horizontal = ("managers",)
    list_select_related = ("directorate",)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ("__str__", "start", "end", "state")
    list_filter = ("state", "year")
    fields = ("year", "quarter", "start", "end", "state")


class ManagedAreaInline(admin.TabularInline):
    model = ServiceArea.managers.through
    extra = 0
    verbose_name = "service area managed"
    verbose_name_plural = "service areas managed (as service manager)"
    autocomplete_fields = ("servicearea",)


admin.site.unregister(User)


@admin.register(User)
class CouncilUserAdmin(UserAdmin):
    inlines = [ManagedAreaInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active", "roles")
    list_filter = ("groups", "is_active", "is_staff")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def roles(self, obj):
        return ", ".join(g.name for g in obj.groups.all())


admin.site.site_header = "Performance and risk: administration"
admin.site.site_title = "Administration"

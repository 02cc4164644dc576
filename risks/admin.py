"""Risks, actions and scoring schemes are set up here through risks.services; reviews are read-only (the
review form and the imports change them under the record's rules)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from organisation.admin_site import ReadOnlyAdmin, ServiceAdmin

from . import services
from .models import Risk, RiskAction, RiskReview, ScoringScheme


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(ServiceAdmin):
    list_display = ("name", "active")
    readonly_fields = ("active",)

    def save_service(self, user, obj, form, change):
        services.scheme_save(user=user, scheme=obj, via="admin")

    def delete_service(self, user, obj):
        services.scheme_delete(user=user, scheme=obj)


class ReviewInline(admin.TabularInline):
    model = RiskReview
    extra = 0
    fields = ("period", "likelihood", "impact", "tolerance_likelihood", "tolerance_impact", "scheme")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Risk)
class RiskAdmin(ServiceAdmin, SimpleHistoryAdmin):
    list_display = ("reference", "title", "register", "directorate", "status", "exempt")
    list_filter = ("register", "status", "kind", "exempt")
    search_fields = ("reference", "title")
    list_select_related = ("directorate",)
    readonly_fields = ("status", "version")
    inlines = [ReviewInline]

    def save_service(self, user, obj, form, change):
        services.risk_save(user=user, risk=obj, via="admin")


    def delete_service(self, user, obj):
        services.risk_delete(user=user, risk=obj, via="admin")



@admin.register(RiskReview)
class RiskReviewAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("risk", "period", "likelihood", "impact", "tolerance_likelihood", "tolerance_impact", "scheme")
    list_select_related = ("risk", "period", "scheme")



@admin.register(RiskAction)
class RiskActionAdmin(ServiceAdmin, SimpleHistoryAdmin):
    list_display = ("risk", "description", "owner", "due_date", "status")
    list_select_related = ("risk",)

    def save_service(self, user, obj, form, change):
        services.action_save(user=user, action=obj, via="admin")

    def delete_service(self, user, obj):
        services.action_delete(user=user, action=obj)


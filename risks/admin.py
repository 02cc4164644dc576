from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Risk, RiskAction, RiskReview, ScoringScheme


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "active")


class ReviewInline(admin.TabularInline):
    model = RiskReview
    extra = 0
    fields = ("period", "likelihood", "impact", "tolerance_likelihood", "tolerance_impact")


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "title", "register", "directorate", "status", "exempt")
    list_filter = ("register", "status", "kind", "exempt")
    search_fields = ("reference", "title")
    list_select_related = ("directorate",)
    inlines = [ReviewInline]


@admin.register(RiskReview)
class RiskReviewAdmin(SimpleHistoryAdmin):
    list_display = ("risk", "period", "likelihood", "impact", "tolerance_likelihood", "tolerance_impact")
    list_select_related = ("risk", "period")


@admin.register(RiskAction)
class RiskActionAdmin(SimpleHistoryAdmin):
    list_display = ("risk", "description", "owner", "due_date", "status")
    list_select_related = ("risk",)

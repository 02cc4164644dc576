"""Programmes are set up here (the performance team) through programmes.services, each change with its history
and an audit entry; assessments and savings are read-only here (their own forms and the imports change them
under the record's rules)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from organisation.admin_site import ReadOnlyAdmin, ServiceAdmin

from . import services
from .models import Assessment, Benefit, BudgetLine, Milestone, Objective, Programme, Saving, Workstream


class ListedInline(admin.TabularInline):
    """Listed under the programme (added and changed on their own pages)."""

    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ObjectiveInline(ListedInline):
    model = Objective
    fields = ("number", "objective", "timeframe")


class WorkstreamInline(ListedInline):
    model = Workstream
    fields = ("name", "owner", "order")


class MilestoneInline(ListedInline):
    model = Milestone
    fields = ("name", "baseline", "approved", "actual")


class BudgetInline(ListedInline):
    model = BudgetLine
    fields = ("kind", "source", "original", "final_approved", "spend")


class SetupAdmin(ServiceAdmin, SimpleHistoryAdmin):
    def save_service(self, user, obj, form, change):
        services.setup_save(user=user, instance=obj)

    def delete_service(self, user, obj):
        services.setup_delete(user=user, instance=obj)

    def save_related(self, request, form, formsets, change):
        # Links (risks, indicators) go through the service too, with an audit entry naming what changed.
        for field in form._meta.model._meta.many_to_many:
            if field.name in form.cleaned_data:
                services.links_set(user=request.user, instance=form.instance, field=field.name,
                                   items=form.cleaned_data[field.name])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Programme)
class ProgrammeAdmin(SetupAdmin):
    list_display = ("name", "directorate", "status", "mandate_date", "approved_closure", "actual_closure")
    list_filter = ("status", "directorate")
    list_select_related = ("directorate",)
    search_fields = ("name",)
    autocomplete_fields = ()
    filter_horizontal = ("risks",)
    inlines = [ObjectiveInline, WorkstreamInline, MilestoneInline, BudgetInline]


@admin.register(Workstream)
class WorkstreamAdmin(SetupAdmin):
    list_display = ("name", "programme", "owner", "order")
    list_filter = ("programme",)
    list_select_related = ("programme",)
    filter_horizontal = ("indicators",)


@admin.register(Objective)
class ObjectiveAdmin(SetupAdmin):
    list_display = ("number", "objective", "programme", "timeframe")
    list_filter = ("programme",)
    list_select_related = ("programme",)
    filter_horizontal = ("indicators",)

    def get_readonly_fields(self, request, obj=None):
        # An objective stays with its programme: its assessments were reported under it.
        return ("programme",) if obj is not None else ()


@admin.register(Benefit)
class BenefitAdmin(SetupAdmin):
    list_display = ("benefit", "programme", "owner", "when", "financial")
    list_filter = ("programme", "financial")
    list_select_related = ("programme",)


@admin.register(Milestone)
class MilestoneAdmin(SetupAdmin):
    list_display = ("name", "programme", "baseline", "approved", "actual")
    list_filter = ("programme",)
    list_select_related = ("programme",)


@admin.register(BudgetLine)
class BudgetLineAdmin(SetupAdmin):
    list_display = ("programme", "kind", "original", "final_approved", "spend")
    list_select_related = ("programme",)


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("objective", "period", "rag", "assessment", "state")
    list_filter = ("period", "state")
    list_select_related = ("objective__programme", "period")


@admin.register(Saving)
class SavingAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("programme", "year", "period", "planned", "forecast", "delivered", "rag")
    list_filter = ("period", "programme")
    list_select_related = ("programme", "year", "period")

"""The role-based admin: who may use it, and the base every domain ModelAdmin builds on.

Performance officers (by role, not by the is_staff flag) manage directorates,
service areas, users' roles and service-area memberships, and the set-up of
each domain (indicators, risks, schemes, placement headings and categories),
always through the domain's services, so the record's rules and the audit
trail hold here as everywhere. Figures, reviews and snapshots are read-only.
Only superusers grant staff or superuser status, edit superusers or set other
users' passwords.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.db import DataError, models, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse

from . import access, parsing
from .forms import BoundedJSONField
from .records import InvalidWrite, RecordError


class CouncilAdminSite(admin.AdminSite):
    site_header = "Performance and risk: administration"
    site_title = "Administration"
    index_title = "Set-up and accounts"

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_superuser or access.is_performance_officer(user)))

    def admin_view(self, view, cacheable=False):
        """Every admin page, rendered inside a guard: a list filter whose value the database cannot hold (an
        id beyond its integers) goes back to the list with Django's "invalid filter" flag, not a server error."""
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            try:
                response = inner(request, *args, **kwargs)
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()
                return response
            except (OverflowError, DataError):
                if request.method != "GET" or not request.GET or ERROR_FLAG in request.GET:
                    raise
                messages.error(request, "That filter holds a value no record can have, so it was cleared.")
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")

        return guarded

    def login(self, request, extra_context=None):
        # One sign-in page for the whole service (with its throttling and password reset).
        if request.user.is_authenticated:
            return redirect("home")
        return redirect(f"{reverse('login')}?next={request.GET.get('next', reverse('admin:index'))}")


class NoRevert:
    """A record's change history is shown, never restored from: a restore would write around the services."""

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_view(self, request, object_id, extra_context=None):
        if parsing.record_id(object_id) is None:
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        if parsing.record_id(object_id) is None or parsing.record_id(version_id) is None:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(NoRevert, admin.ModelAdmin):
    """Records the admin shows but never changes (figures, reviews, snapshots: their own pages and the
    imports change them, through the services, under the record's rules)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ServiceAdmin(NoRevert, admin.ModelAdmin):
    """A ModelAdmin whose writes go through the domain's services.

    Subclasses give save_service(user, obj, form, change) and delete_service(user, obj). A write the
    record refuses comes back to the form as an error message; nothing is saved.
    """

    # JSON settings are bounded before they are parsed (a nested or huge value is a message, not a 500).
    formfield_overrides = {models.JSONField: {"form_class": BoundedJSONField}}

    def save_service(self, user, obj, form, change):
        raise NotImplementedError

    def delete_service(self, user, obj):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        self.save_service(request.user, obj, form, change)

    def delete_model(self, request, obj):
        self.delete_service(request.user, obj)

    def delete_queryset(self, request, queryset):
        # All or none: one refusal (a record in use) deletes nothing (changelist_view rolls back).
        for obj in queryset:
            self.delete_service(request.user, obj)

    def save_formset(self, request, form, formset, change):
        # Inlines on these pages are read-only lists (each row is changed on its own page).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except InvalidWrite as exc:
            for message in exc.errors.values():
                self.message_user(request, f"Nothing was saved: {message}", messages.ERROR)
        except RecordError as exc:
            self.message_user(request, f"Nothing was saved: {exc.message}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except RecordError as exc:
            self.message_user(request, f"Nothing was deleted: {exc.message}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        try:
            if request.method == "POST":  # a bulk action: all of it or nothing
                with transaction.atomic():
                    return super().changelist_view(request, extra_context)
            return super().changelist_view(request, extra_context)
        except RecordError as exc:
            self.message_user(request, f"Nothing was deleted: {exc.message}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

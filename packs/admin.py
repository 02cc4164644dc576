"""Committees are set up here through packs.services; issued packs are read-only (never changed)."""

from django.contrib import admin

from organisation.admin_site import ReadOnlyAdmin, ServiceAdmin

from . import services
from .models import Committee, Pack


@admin.register(Committee)
class CommitteeAdmin(ServiceAdmin):
    list_display = ("name", "report_of", "active")

    def save_service(self, user, obj, form, change):
        services.committee_save(user=user, committee=obj)

    def delete_service(self, user, obj):
        services.committee_delete(user=user, committee=obj)


@admin.register(Pack)
class PackAdmin(ReadOnlyAdmin):
    list_display = ("committee", "meeting_date", "quarter", "directorate", "version", "issued_by_name", "issued_at")
    list_select_related = ("committee", "quarter", "directorate")
    exclude = ("part_a_pdf", "part_b_pdf", "part_a_docx", "part_b_docx")

"""The admin for directorates, service areas, users and their roles, and the audit trail (read-only).

See admin_site.py for who may use it and how domain writes reach the services.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from . import parsing, roles, services
from .admin_site import ReadOnlyAdmin, ServiceAdmin
from .models import AuditEvent, Directorate, ExternalIdentity, ReportingPeriod, ServiceArea

User = get_user_model()


class ServiceAreaInline(admin.TabularInline):
    """Listed on the directorate (added and changed on their own page)."""

    model = ServiceArea
    extra = 0
    fields = ("name",)
    readonly_fields = ("name",)
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Directorate)
class DirectorateAdmin(ServiceAdmin):
    list_display = ("name",)
    search_fields = ("name",)
    inlines = [ServiceAreaInline]

    def save_service(self, user, obj, form, change):
        before = {"name": form.initial.get("name")} if change else None
        services.organisation_save(user=user, instance=obj, before=before)


    def delete_service(self, user, obj):
        services.organisation_delete(user=user, instance=obj)


@admin.register(ServiceArea)
class ServiceAreaAdmin(ServiceAdmin):
    list_display = ("name", "directorate", "manager_names", "head_of_service")
    list_filter = ("directorate",)
    search_fields = ("name",)
    filter_horizontal = ("managers",)
    list_select_related = ("directorate", "head_of_service")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("managers")

    @admin.display(description="Service managers")
    def manager_names(self, obj):
        return ", ".join(m.get_username() for m in obj.managers.all())

    def save_service(self, user, obj, form, change):
        before = None
        if change:
            stored = ServiceArea.objects.get(pk=obj.pk)
            before = {"name": stored.name, "directorate": str(stored.directorate),
                      "head of service": stored.head_of_service.get_username() if stored.head_of_service else "",
                      "managers": sorted(m.get_username() for m in stored.managers.all())}
        services.organisation_save(user=user, instance=obj, before=before,
                                   managers=list(form.cleaned_data.get("managers", [])))

    def save_related(self, request, form, formsets, change):
        pass  # the managers were set by the service

    def delete_service(self, user, obj):
        services.organisation_delete(user=user, instance=obj)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReadOnlyAdmin):
    """Read-only: quarters are opened, locked and reopened on the Reporting periods page."""

    list_display = ("__str__", "start", "end", "state")
    list_filter = ("state", "year")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("when", "who", "action", "object_type", "object_label", "period", "reason")
    list_filter = ("action",)
    search_fields = ("who", "object_label", "detail", "reason")
    list_select_related = ("period",)


# --- users and roles -------------------------------------------------------------------------

class ManagedAreaInline(admin.TabularInline):
    model = ServiceArea.managers.through
    extra = 0
    verbose_name = "service area managed"
    verbose_name_plural = "service areas managed (as service manager)"
    autocomplete_fields = ("servicearea",)


class OfficerUserForm(forms.ModelForm):
    """What a performance officer may change about an account: names, email, active, roles."""

    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.filter(name__in=roles.ALL_ROLES).order_by("name"), required=False,
        widget=forms.CheckboxSelectMultiple, label="Roles")

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email", "is_active", "groups")


class SetPasswordInvitation(PasswordResetForm):
    """The password-reset email, sent to a new account (which has no password yet) to set its own."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def get_users(self, email):
        return [self.user] if self.user.is_active else []


def _access(user) -> dict:
    """An account's access as the audit trail records it."""
    if user is None or user.pk is None:
        return {}
    return {
        "name": user.get_full_name(), "email": user.email, "active": user.is_active, "staff": user.is_staff,
        "superuser": user.is_superuser, "roles": sorted(g.name for g in user.groups.all()),
        "service areas": sorted(str(a) for a in user.managed_service_areas.all()),
    }


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """Roles' permissions are set by the release, not edited: superusers only."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def save_related(self, request, form, formsets, change):
        before = sorted(Group.objects.get(pk=form.instance.pk).permissions.values_list("codename", flat=True)) \
            if change else []
        super().save_related(request, form, formsets, change)
        after = sorted(form.instance.permissions.values_list("codename", flat=True))
        services.role_permissions_recorded(user=request.user, role=form.instance, before=before, after=after,
                                           created=not change)

    def delete_model(self, request, obj):
        services.account_event(user=request.user, object_type="Role", label=obj.name, detail="role deleted",
                               deleted=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for role in queryset:
            services.account_event(user=request.user, object_type="Role", label=role.name, detail="role deleted",
                                   deleted=True)
        super().delete_queryset(request, queryset)


@admin.register(User)
class CouncilUserAdmin(UserAdmin):
    inlines = [ManagedAreaInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active", "roles")
    list_filter = ("groups", "is_active", "is_staff")
    officer_fieldsets = ((None, {"fields": ("username", "first_name", "last_name", "email", "is_active",
                                            "groups")}),)
    officer_add_fieldsets = ((None, {"fields": ("username", "first_name", "last_name", "email", "groups")}),)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def roles(self, obj):
        return ", ".join(g.name for g in obj.groups.all())

    # Officers get a form without passwords, staff or superuser status, or permissions.
    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.officer_add_fieldsets if obj is None else self.officer_fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if request.user.is_superuser:
            return super().get_form(request, obj, change=change, **kwargs)
        kwargs["form"] = OfficerUserForm
        return admin.ModelAdmin.get_form(self, request, obj, change=change, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # An officer who could change the email of an account in use could take it over with a reset link:
        # only a superuser, or its holder (Your account), changes it. A new account's invitation address
        # can be corrected until its holder has set a password.
        fields = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser and obj is not None and obj.has_usable_password():
            return (*fields, "email")
        return fields

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied  # users set their own password, or ask for a reset link by email
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            target = User.objects.filter(pk=parsing.record_id(id)).first()
            if target is not None:
                services.account_event(user=request.user, object_type="User", label=target.get_username(),
                                       detail="password set by a superuser")
        return response

    actions = ["deactivate"]

    @admin.action(description="Deactivate the selected accounts (they keep their names on what they did)")
    def deactivate(self, request, queryset):
        closed = sum(services.user_deactivate(user=request.user, target=target) for target in queryset
                     if target.pk != request.user.pk and (request.user.is_superuser or not target.is_superuser))
        self.message_user(request, f"{closed} account{'s' if closed != 1 else ''} deactivated.", messages.SUCCESS)

    def get_deleted_objects(self, objs, request):
        """A person who has acted on any record is never deleted (the records keep their name, the trail
        its link): the admin lists why, refuses, and offers deactivation instead."""
        deleted, counts, perms, protected = super().get_deleted_objects(objs, request)
        for target in objs:
            if (found := services.user_records(target)):
                protected.append(
                    f"{target.get_username()} is named on {found:,} record{'s' if found != 1 else ''} (figures, "
                    "reviews, sign-offs, packs, the audit trail or change history): an account that has acted "
                    "is never deleted. Deactivate it instead: untick Active on its page, or choose "
                    '"Deactivate the selected accounts" on the list of users.')
        return deleted, counts, perms, protected

    def delete_model(self, request, obj):
        if services.user_records(obj):
            raise PermissionDenied
        services.account_event(user=request.user, object_type="User", label=obj.get_username(),
                               detail=f"account deleted ({', '.join(g.name for g in obj.groups.all()) or 'no role'})",
                               deleted=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        if any(services.user_records(target) for target in queryset):
            raise PermissionDenied
        for target in queryset:
            services.account_event(user=request.user, object_type="User", label=target.get_username(),
                                   detail="account deleted", deleted=True)
        super().delete_queryset(request, queryset)

    def save_model(self, request, obj, form, change):
        stored = User.objects.filter(pk=obj.pk).prefetch_related("groups", "managed_service_areas").first() \
            if change else None
        request._access_before = _access(stored)
        if not request.user.is_superuser:
            if stored is not None:  # what only a superuser changes stays as it was
                obj.is_staff, obj.is_superuser, obj.password = stored.is_staff, stored.is_superuser, stored.password
            else:
                obj.is_staff = obj.is_superuser = False
                obj.set_unusable_password()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        after = _access(User.objects.prefetch_related("groups", "managed_service_areas").get(pk=user.pk))
        services.user_access_save(user=request.user, target=user, before=getattr(request, "_access_before", {}),
                                  after=after)
        if not change and not request.user.is_superuser and user.email:
            reset = SetPasswordInvitation({"email": user.email}, user=user)
            if reset.is_valid():
                reset.save(request=request, use_https=request.is_secure(),
                           subject_template_name="registration/password_set_subject.txt",
                           email_template_name="registration/password_set_email.txt")
                self.message_user(request, f"{user.get_username()} has been sent a link to set their password.",
                                  messages.INFO)


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(ServiceAdmin):
    """Council sign-ins attached to accounts: seen here, and deleted (unlinked, audited) when one was linked to
    the wrong account. They are made only by a sign-in or the account holder's own linking step."""

    list_display = ("user", "subject", "issuer", "created", "last_sign_in")
    search_fields = ("user__username", "subject")
    list_select_related = ("user",)
    readonly_fields = ("user", "issuer", "subject", "created", "last_sign_in")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def save_service(self, user, obj, form, change):  # pragma: no cover - no add or change form
        raise PermissionDenied

    def delete_service(self, user, obj):
        from . import sso

        sso.identity_unlink(user=user, identity=obj)

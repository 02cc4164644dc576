"""The four roles, as Django groups, and the helper data migrations use to
grant each role its model permissions."""

from __future__ import annotations

from collections.abc import Mapping

SERVICE_MANAGER = "Service manager"
PERFORMANCE_OFFICER = "Performance officer"
EXECUTIVE = "Executive"
AUDIT_COMMITTEE = "Audit committee"

ALL_ROLES = (SERVICE_MANAGER, PERFORMANCE_OFFICER, EXECUTIVE, AUDIT_COMMITTEE)

ROLE_SUMMARIES = {
    SERVICE_MANAGER: "Enter and submit the quarter's figures and commentary for your own service areas, "
    "review their risks and, where your service owns them, enter placement snapshots.",
    PERFORMANCE_OFFICER: "Set up indicators, targets, periods and the risk scoring scheme, import data, "
    "sign off submissions, and lock or reopen quarters.",
    EXECUTIVE: "Read every dashboard, report and risk register. You cannot change figures.",
    AUDIT_COMMITTEE: "Read and export the corporate and directorate risk registers.",
}


def grant_permissions(apps, grants: Mapping[str, list[str]]) -> None:
    """Give each named group the listed ``app_label.codename`` permissions.

    For use in data migrations: it first creates the permissions of every
    migrated app (Django normally does that only after all migrations ran).
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in grants.items():
        group, _ = Group.objects.get_or_create(name=role)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def revoke_permissions(apps, grants: Mapping[str, list[str]]) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in grants.items():
        group = Group.objects.filter(name=role).first()
        if group is None:
            continue
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )

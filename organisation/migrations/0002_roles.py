"""Create the four role groups, with their permissions on the organisation models."""

from django.db import migrations

from organisation import roles

GRANTS = {
    roles.PERFORMANCE_OFFICER: [
        "organisation.add_directorate", "organisation.change_directorate", "organisation.view_directorate",
        "organisation.add_servicearea", "organisation.change_servicearea", "organisation.view_servicearea",
        "organisation.add_reportingperiod", "organisation.change_reportingperiod",
        "organisation.view_reportingperiod",
        "auth.view_user", "auth.add_user", "auth.change_user",
    ],
    roles.EXECUTIVE: ["organisation.view_directorate", "organisation.view_servicearea",
                      "organisation.view_reportingperiod"],
    roles.AUDIT_COMMITTEE: ["organisation.view_directorate", "organisation.view_servicearea",
                            "organisation.view_reportingperiod"],
    roles.SERVICE_MANAGER: ["organisation.view_directorate", "organisation.view_servicearea",
                            "organisation.view_reportingperiod"],
}


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in roles.ALL_ROLES:
        Group.objects.get_or_create(name=name)
    roles.grant_permissions(apps, GRANTS)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=roles.ALL_ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

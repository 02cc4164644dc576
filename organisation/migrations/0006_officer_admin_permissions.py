"""Performance officers read the audit trail in the admin and remove empty directorates and service areas."""

from django.db import migrations

from organisation import roles

GRANTS = {
    roles.PERFORMANCE_OFFICER: ["organisation.view_auditevent", "organisation.delete_directorate",
                                "organisation.delete_servicearea"],
}


def grant(apps, schema_editor):
    roles.grant_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    roles.revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("organisation", "0005_audit_trail_read_only")]
    operations = [migrations.RunPython(grant, revoke)]

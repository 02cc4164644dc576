"""Performance officers see council sign-ins in the admin and unlink one made to the wrong account."""

from django.db import migrations

from organisation import roles

GRANTS = {roles.PERFORMANCE_OFFICER: ["organisation.view_externalidentity",
                                      "organisation.delete_externalidentity"]}


def grant(apps, schema_editor):
    roles.grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("organisation", "0019_external_identity")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

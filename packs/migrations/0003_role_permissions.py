from django.db import migrations

from organisation import roles

GRANTS = {
    roles.PERFORMANCE_OFFICER: ["packs.add_committee", "packs.change_committee", "packs.view_committee",
                                "packs.delete_committee", "packs.view_pack"],
}


def grant(apps, schema_editor):
    roles.grant_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    roles.revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("packs", "0002_committees"), ("organisation", "0002_roles")]
    operations = [migrations.RunPython(grant, revoke)]

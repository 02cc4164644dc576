from django.db import migrations

from organisation import roles

MODELS = ("placementheading", "placementcategory", "placementsnapshot")
GRANTS = {
    roles.PERFORMANCE_OFFICER: [f"placements.{a}_{m}" for m in MODELS for a in ("add", "change", "view", "delete")],
    roles.SERVICE_MANAGER: [f"placements.view_{m}" for m in MODELS]
    + ["placements.add_placementsnapshot", "placements.change_placementsnapshot"],
    roles.EXECUTIVE: [f"placements.view_{m}" for m in MODELS],
    roles.AUDIT_COMMITTEE: [],
}


def grant(apps, schema_editor):
    roles.grant_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    roles.revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("placements", "0001_initial"), ("organisation", "0002_roles")]
    operations = [migrations.RunPython(grant, revoke)]

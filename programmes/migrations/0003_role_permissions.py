from django.db import migrations

from organisation import roles

SETUP = ("programme", "workstream", "objective", "benefit", "milestone", "budgetline")
RECORDS = ("assessment", "saving")
GRANTS = {
    # The performance team sets programmes up in the admin; assessments and savings are entered on the
    # programme's own forms, so the admin only lists them.
    roles.PERFORMANCE_OFFICER: [f"programmes.{a}_{m}" for m in SETUP for a in ("add", "change", "view", "delete")]
    + [f"programmes.view_{m}" for m in RECORDS],
}


def grant(apps, schema_editor):
    roles.grant_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    roles.revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0002_locked_rows"), ("organisation", "0002_roles")]
    operations = [migrations.RunPython(grant, revoke)]

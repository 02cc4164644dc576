from django.db import migrations

from organisation import roles

GRANTS = {
    roles.PERFORMANCE_OFFICER: [
        f"kpis.{action}_{model}"
        for model in ("indicator", "target", "actual", "keycommitment", "comparator")
        for action in ("add", "change", "view", "delete")
    ],
    roles.SERVICE_MANAGER: ["kpis.view_indicator", "kpis.view_target", "kpis.add_actual", "kpis.change_actual",
                            "kpis.view_actual", "kpis.view_keycommitment", "kpis.view_comparator"],
    roles.EXECUTIVE: ["kpis.view_indicator", "kpis.view_target", "kpis.view_actual", "kpis.view_keycommitment",
                      "kpis.view_comparator"],
    roles.AUDIT_COMMITTEE: [],
}


def grant(apps, schema_editor):
    roles.grant_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    roles.revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("kpis", "0001_initial"), ("organisation", "0002_roles")]
    operations = [migrations.RunPython(grant, revoke)]

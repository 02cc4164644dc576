from django.db import migrations

from organisation import roles

MODELS = ("scoringscheme", "risk", "riskreview", "riskaction")
GRANTS = {
    roles.PERFORMANCE_OFFICER: [f"risks.{a}_{m}" for m in MODELS for a in ("add", "change", "view", "delete")],
    roles.SERVICE_MANAGER: [f"risks.view_{m}" for m in MODELS] + ["risks.add_riskreview", "risks.change_riskreview",
                                                                 "risks.add_riskaction", "risks.change_riskaction"],
    roles.EXECUTIVE: [f"risks.view_{m}" for m in MODELS],
    roles.AUDIT_COMMITTEE: ["risks.view_risk", "risks.view_riskreview", "risks.view_scoringscheme",
                            "risks.view_riskaction"],
}


def grant(apps, schema_editor):
    roles.grant_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    roles.revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("risks", "0002_scoring_schemes"), ("organisation", "0002_roles")]
    operations = [migrations.RunPython(grant, revoke)]

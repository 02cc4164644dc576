"""Stored judgements get their reference in natural order (on PostgreSQL the locked-row guard is set aside
for this one update, as the migration runs as the tables' owner)."""

from django.db import migrations

from organisation.ordering import natural


def forward(apps, schema_editor):
    Judgement = apps.get_model("risks", "Judgement")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE risks_judgement DISABLE TRIGGER risks_judgement_locked")
    for pk, reference, live in Judgement.objects.values_list("pk", "reference", "risk__reference").iterator():
        Judgement.objects.filter(pk=pk).update(order_key=natural(reference or live))
    if postgres:
        schema_editor.execute("ALTER TABLE risks_judgement ENABLE TRIGGER risks_judgement_locked")


class Migration(migrations.Migration):
    dependencies = [("risks", "0017_judgement_order_key"), ("organisation", "0017_period_state_log_triggers")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

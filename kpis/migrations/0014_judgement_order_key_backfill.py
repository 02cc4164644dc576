"""Stored judgements get their code in natural order (BCP9 before BCP10). On PostgreSQL the locked-row guard
is set aside for this one update, as the migration runs as the tables' owner."""

from django.db import migrations

from organisation.ordering import natural


def forward(apps, schema_editor):
    Judgement = apps.get_model("kpis", "Judgement")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE kpis_judgement DISABLE TRIGGER kpis_judgement_locked")
    for pk, recorded, live in Judgement.objects.values_list("pk", "facts__code", "indicator__code").iterator():
        Judgement.objects.filter(pk=pk).update(order_key=natural(recorded or live))
    if postgres:
        schema_editor.execute("ALTER TABLE kpis_judgement ENABLE TRIGGER kpis_judgement_locked")


class Migration(migrations.Migration):
    dependencies = [("kpis", "0013_judgement_order_key"), ("organisation", "0018_demo_clock")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

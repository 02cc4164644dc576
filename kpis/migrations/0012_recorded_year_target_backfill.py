"""Quarters locked before the record kept the year's target and "New PI": what the targets and figures say
now (on PostgreSQL the locked-row guard is set aside for this one update, as the migration runs as the
tables' owner)."""

from django.db import migrations


def forward(apps, schema_editor):
    RecordedIndicator = apps.get_model("kpis", "RecordedIndicator")
    Target = apps.get_model("kpis", "Target")
    Actual = apps.get_model("kpis", "Actual")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE kpis_recordedindicator DISABLE TRIGGER kpis_recordedindicator_locked")
    for record in RecordedIndicator.objects.select_related("quarter").iterator():
        year = record.quarter.year
        target = Target.objects.filter(indicator_id=record.indicator_id, period__year=year,
                                       period__quarter__isnull=True).values_list("value", flat=True).first()
        earlier = Actual.objects.filter(indicator_id=record.indicator_id, period__year__lt=year).exists()
        RecordedIndicator.objects.filter(pk=record.pk).update(year_target=target, new_this_year=not earlier)
    if postgres:
        schema_editor.execute("ALTER TABLE kpis_recordedindicator ENABLE TRIGGER kpis_recordedindicator_locked")


class Migration(migrations.Migration):
    dependencies = [("kpis", "0011_recorded_year_target"), ("organisation", "0017_period_state_log_triggers")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

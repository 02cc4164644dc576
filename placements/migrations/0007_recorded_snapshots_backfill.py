"""Quarters locked before their report's trend was recorded: the snapshots of each and the seven quarters
before it that have one, as they stand."""

from django.db import migrations

TREND_QUARTERS = 8


def forwards(apps, schema_editor):
    ReportingPeriod = apps.get_model("organisation", "ReportingPeriod")
    PlacementSnapshot = apps.get_model("placements", "PlacementSnapshot")
    RecordedSnapshot = apps.get_model("placements", "RecordedSnapshot")
    with_snapshots = list(ReportingPeriod.objects.filter(
        quarter__isnull=False, pk__in=PlacementSnapshot.objects.values("period_id")).order_by("year", "quarter"))
    for quarter in ReportingPeriod.objects.filter(state="locked", recorded_at__isnull=False, quarter__isnull=False):
        if RecordedSnapshot.objects.filter(as_at=quarter).exists():
            continue
        periods = [q.pk for q in with_snapshots if (q.year, q.quarter) <= (quarter.year, quarter.quarter)][
            -TREND_QUARTERS:]
        RecordedSnapshot.objects.bulk_create([
            RecordedSnapshot(as_at=quarter, period_id=s.period_id, category_id=s.category_id, children=s.children,
                             average_weekly_cost=s.average_weekly_cost)
            for s in PlacementSnapshot.objects.filter(period_id__in=periods)])


class Migration(migrations.Migration):
    dependencies = [("placements", "0006_recorded_snapshots")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""Quarters locked before the record named their placement categories: record each category as it stands."""

from django.db import migrations
from django.db.models import Q


def forwards(apps, schema_editor):
    ReportingPeriod = apps.get_model("organisation", "ReportingPeriod")
    PlacementCategory = apps.get_model("placements", "PlacementCategory")
    RecordedCategory = apps.get_model("placements", "RecordedCategory")
    for quarter in ReportingPeriod.objects.filter(state="locked", recorded_at__isnull=False, quarter__isnull=False):
        if RecordedCategory.objects.filter(quarter=quarter).exists():
            continue
        shown = PlacementCategory.objects.filter(Q(active=True) | Q(snapshots__period=quarter)).select_related(
            "heading").distinct()
        RecordedCategory.objects.bulk_create([RecordedCategory(
            quarter=quarter, category=c, heading=c.heading, heading_name=c.heading.name,
            heading_order=c.heading.order, is_foster_care=c.heading.is_foster_care, name=c.name, order=c.order,
            provision=c.provision) for c in shown])


def backwards(apps, schema_editor):
    apps.get_model("placements", "RecordedCategory").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("placements", "0004_recorded_categories"), ("organisation", "0008_servicearea_head_of_service_alter_auditevent_action_and_more")]
    operations = [migrations.RunPython(forwards, backwards)]

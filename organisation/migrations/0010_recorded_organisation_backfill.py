"""Quarters locked before the organisation's names were recorded: the names they have now."""

from django.db import migrations


def forwards(apps, schema_editor):
    ReportingPeriod = apps.get_model("organisation", "ReportingPeriod")
    ServiceArea = apps.get_model("organisation", "ServiceArea")
    Directorate = apps.get_model("organisation", "Directorate")
    RecordedOrganisation = apps.get_model("organisation", "RecordedOrganisation")
    for quarter in ReportingPeriod.objects.filter(state="locked", recorded_at__isnull=False, quarter__isnull=False):
        if RecordedOrganisation.objects.filter(quarter=quarter).exists():
            continue
        rows = [RecordedOrganisation(quarter=quarter, directorate_id=a.directorate_id,
                                     directorate_name=a.directorate.name, service_area=a, service_area_name=a.name)
                for a in ServiceArea.objects.select_related("directorate")]
        rows += [RecordedOrganisation(quarter=quarter, directorate=d, directorate_name=d.name)
                 for d in Directorate.objects.filter(service_areas__isnull=True)]
        RecordedOrganisation.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("organisation", "0009_recorded_organisation")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""Quarters locked before the record named its indicators: record each indicator of their stored
judgements as it stands now (the best knowledge there is), so that their pages read the record from here on."""

from django.db import migrations


def _name(user) -> str:
    if user is None:
        return ""
    return f"{user.first_name} {user.last_name}".strip() or user.username


def forwards(apps, schema_editor):
    Judgement = apps.get_model("kpis", "Judgement")
    RecordedIndicator = apps.get_model("kpis", "RecordedIndicator")
    Actual = apps.get_model("kpis", "Actual")
    ReportingPeriod = apps.get_model("organisation", "ReportingPeriod")
    for quarter in ReportingPeriod.objects.filter(state="locked", recorded_at__isnull=False, quarter__isnull=False):
        judgements = list(Judgement.objects.filter(quarter=quarter, facts__isnull=True).select_related(
            "indicator__service_area__directorate", "indicator__commitment"))
        if not judgements:
            continue
        people = {}
        for actual in Actual.objects.filter(indicator_id__in=[j.indicator_id for j in judgements],
                                            reported_in=quarter, state="signed_off").select_related(
                "entered_by", "signed_off_by"):
            people[actual.indicator_id] = (_name(actual.entered_by), _name(actual.signed_off_by))
        for judgement in judgements:
            indicator = judgement.indicator
            area = indicator.service_area
            commitment = indicator.commitment
            entered, signed = people.get(indicator.pk, ("", ""))
            record, _ = RecordedIndicator.objects.get_or_create(quarter=quarter, indicator=indicator, defaults=dict(
                code=indicator.code, title=indicator.title, polarity=indicator.polarity, unit=indicator.unit,
                precision=indicator.precision, frequency=indicator.frequency, accumulation=indicator.accumulation,
                tolerance=indicator.tolerance, service_area=area, service_area_name=area.name,
                directorate_id=area.directorate_id, directorate_name=area.directorate.name, commitment=commitment,
                commitment_code=commitment.code if commitment else "",
                commitment_title=commitment.title if commitment else "",
                entered_by_name=entered, signed_off_by_name=signed))
            judgement.facts = record
            judgement.save(update_fields=["facts"])


def backwards(apps, schema_editor):
    apps.get_model("kpis", "Judgement").objects.update(facts=None)
    apps.get_model("kpis", "RecordedIndicator").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("kpis", "0009_recorded_indicators")]
    operations = [migrations.RunPython(forwards, backwards)]

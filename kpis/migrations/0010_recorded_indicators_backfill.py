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
        # Last year's outturn: the previous year's Q4 figure (the year's, for an annual indicator), as reported
        # where it was signed off in a locked quarter.
        outturns = {}
        last_q4 = ReportingPeriod.objects.filter(year=quarter.year - 1, quarter=4).first()
        last_year = ReportingPeriod.objects.filter(year=quarter.year - 1, quarter__isnull=True).first()
        for period in (p for p in (last_q4, last_year) if p is not None):
            for actual in Actual.objects.filter(period=period, indicator_id__in=[j.indicator_id for j in judgements]
                                                ).select_related("reported_in", "indicator"):
                if (actual.indicator.frequency == "annual") != (period.quarter is None):
                    continue
                locked_in = period if period.quarter is not None else actual.reported_in
                if locked_in is not None and locked_in.state == "locked":
                    value = actual.signed_value if actual.signed_status else None
                else:
                    value = actual.value
                outturns[actual.indicator_id] = value
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
                entered_by_name=entered, signed_off_by_name=signed, outturn=outturns.get(indicator.pk)))
            judgement.facts = record
            judgement.save(update_fields=["facts"])


def backwards(apps, schema_editor):
    apps.get_model("kpis", "Judgement").objects.update(facts=None)
    apps.get_model("kpis", "RecordedIndicator").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("kpis", "0009_recorded_indicators")]
    operations = [migrations.RunPython(forwards, backwards)]

"""Figures signed off before this release get their record: the judgement a locked quarter shows.

Each signed-off figure is judged as the pages judged it until now (the target in force, the same
period a year earlier), with kpis/status.py, the pure rules; drafts stay drafts (in a locked quarter
they read "not submitted": they were never reported).
"""

from django.db import migrations

from kpis import status as rules


def record(apps, schema_editor):
    Actual = apps.get_model("kpis", "Actual")
    Target = apps.get_model("kpis", "Target")
    Period = apps.get_model("organisation", "ReportingPeriod")
    periods = {p.pk: p for p in Period.objects.all()}
    by_key = {(p.year, p.quarter): p for p in periods.values()}
    targets = {(t.indicator_id, t.period_id): t.value for t in Target.objects.all()}
    values = {(a.indicator_id, a.period_id): a.value for a in Actual.objects.all()}
    changed = []
    for actual in Actual.objects.filter(state="signed_off", signed_status="").select_related("indicator"):
        indicator, period = actual.indicator, periods[actual.period_id]
        year = by_key.get((period.year, None))
        year_target = targets.get((indicator.pk, year.pk)) if year else None
        if period.quarter is None:
            target = year_target
            quarters = [q for q in periods.values() if q.year == period.year and q.quarter]
            reported_in = max(quarters, key=lambda q: q.quarter) if quarters else None
        else:
            target = rules.target_in_force(quarter_target=targets.get((indicator.pk, period.pk)),
                                           year_target=year_target, accumulation=indicator.accumulation,
                                           quarter=period.quarter)
            reported_in = period
        last = by_key.get((period.year - 1, period.quarter))
        previous = values.get((indicator.pk, last.pk)) if last else None
        tolerance = indicator.tolerance if indicator.tolerance is not None else rules.DEFAULT_TOLERANCE
        status = rules.judge(actual.value, target, indicator.polarity, tolerance)
        actual.signed_value, actual.signed_numerator = actual.value, actual.numerator
        actual.signed_denominator, actual.signed_commentary = actual.denominator, actual.commentary
        actual.signed_target, actual.signed_previous = target, previous
        actual.signed_status = status.value
        actual.signed_direction = rules.direction(actual.value, previous, indicator.polarity).value
        actual.signed_unit = indicator.unit
        actual.reported_in = reported_in
        changed.append(actual)
    Actual.objects.bulk_update(changed, [
        "signed_value", "signed_numerator", "signed_denominator", "signed_commentary", "signed_target",
        "signed_previous", "signed_status", "signed_direction", "signed_unit", "reported_in"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("kpis", "0003_the_record")]
    operations = [migrations.RunPython(record, migrations.RunPython.noop)]

"""Quarters locked before their register's scheme was recorded: the scheme most of their stored rows were
scored on, else the active one, by the name it has now."""

from collections import Counter

from django.db import migrations


def forwards(apps, schema_editor):
    ReportingPeriod = apps.get_model("organisation", "ReportingPeriod")
    Judgement = apps.get_model("risks", "Judgement")
    ScoringScheme = apps.get_model("risks", "ScoringScheme")
    RecordedRegister = apps.get_model("risks", "RecordedRegister")
    fallback = ScoringScheme.objects.filter(active=True).first() or ScoringScheme.objects.order_by("pk").first()
    for quarter in ReportingPeriod.objects.filter(state="locked", recorded_at__isnull=False, quarter__isnull=False):
        if RecordedRegister.objects.filter(quarter=quarter).exists():
            continue
        counts = Counter(Judgement.objects.filter(quarter=quarter).values_list("scheme_id", flat=True))
        scheme = ScoringScheme.objects.filter(pk=counts.most_common(1)[0][0]).first() if counts else fallback
        if scheme is not None:
            RecordedRegister.objects.create(
                quarter=quarter, scheme=scheme, scheme_name=scheme.name, definition=scheme.definition,
                names={str(pk): name for pk, name in ScoringScheme.objects.values_list("pk", "name")})


class Migration(migrations.Migration):
    dependencies = [("risks", "0014_judgement_records_the_risk_backfill")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

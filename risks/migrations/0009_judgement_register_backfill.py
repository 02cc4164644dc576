"""Judgements stored before they kept the register: the risk's register now is the best record there is."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    Judgement = apps.get_model("risks", "Judgement")
    Risk = apps.get_model("risks", "Risk")
    Judgement.objects.update(register=Subquery(Risk.objects.filter(pk=OuterRef("risk_id")).values("register")[:1]))


class Migration(migrations.Migration):
    dependencies = [("risks", "0008_judgement_register")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

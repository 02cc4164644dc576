"""Every existing review was scored on the scheme active when this release is installed: record it."""

from django.db import migrations


def stamp(apps, schema_editor):
    Scheme = apps.get_model("risks", "ScoringScheme")
    Review = apps.get_model("risks", "RiskReview")
    scheme = Scheme.objects.filter(active=True).first() or Scheme.objects.order_by("pk").first()
    if scheme is not None:
        Review.objects.filter(scheme__isnull=True).update(scheme=scheme)


def unstamp(apps, schema_editor):
    apps.get_model("risks", "RiskReview").objects.update(scheme=None)


class Migration(migrations.Migration):
    dependencies = [("risks", "0004_the_record")]
    operations = [migrations.RunPython(stamp, unstamp)]

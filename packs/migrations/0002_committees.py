"""The committees the quarterly papers usually go to (more can be added in the admin)."""

from django.db import migrations

COMMITTEES = (
    ("People Scrutiny Commission", "Executive Director: People"),
    ("Audit Committee", "Director of Finance"),
    ("Cabinet", "Chief Executive"),
)


def create(apps, schema_editor):
    Committee = apps.get_model("packs", "Committee")
    for name, report_of in COMMITTEES:
        Committee.objects.get_or_create(name=name, defaults={"report_of": report_of})


def remove(apps, schema_editor):
    apps.get_model("packs", "Committee").objects.filter(name__in=[n for n, _ in COMMITTEES], packs__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("packs", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]

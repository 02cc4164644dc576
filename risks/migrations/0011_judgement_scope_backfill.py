"""Judgements stored before they kept the risk's kind, directorate, service area and outside tolerance:
the risk's values now are the best record there is (outside tolerance worked out from the stored scores)."""

from django.db import migrations


def backfill(apps, schema_editor):
    Judgement = apps.get_model("risks", "Judgement")
    changed = []
    for judgement in Judgement.objects.select_related("risk").iterator(chunk_size=2000):
        risk = judgement.risk
        rating = judgement.likelihood * judgement.impact
        tolerance = judgement.tolerance_likelihood * judgement.tolerance_impact
        judgement.kind = risk.kind
        judgement.directorate_id, judgement.service_area_id = risk.directorate_id, risk.service_area_id
        judgement.outside = rating < tolerance if risk.kind == "opportunity" else rating > tolerance
        changed.append(judgement)
        if len(changed) >= 2000:
            Judgement.objects.bulk_update(changed, ["kind", "directorate", "service_area", "outside"])
            changed = []
    if changed:
        Judgement.objects.bulk_update(changed, ["kind", "directorate", "service_area", "outside"])


class Migration(migrations.Migration):
    dependencies = [("risks", "0010_judgement_scope_and_outside")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

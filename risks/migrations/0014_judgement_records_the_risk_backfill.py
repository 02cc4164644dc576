"""Stored judgements from before they recorded the risk: record each risk and its review as they stand now
(the best knowledge there is), and each review's reviewer by name."""

from django.db import migrations

RISK_FACTS = ("reference", "title", "description", "causes", "consequences", "risk_owner", "action_owner",
              "portfolio", "strategy_themes", "category", "status", "exempt", "exempt_paragraph")


def _name(user) -> str:
    if user is None:
        return ""
    return f"{user.first_name} {user.last_name}".strip() or user.username


def forwards(apps, schema_editor):
    RiskReview = apps.get_model("risks", "RiskReview")
    Judgement = apps.get_model("risks", "Judgement")
    for review in RiskReview.objects.filter(reviewed_by__isnull=False, reviewed_by_name="").select_related(
            "reviewed_by"):
        review.reviewed_by_name = _name(review.reviewed_by)
        review.save(update_fields=["reviewed_by_name"])
    for judgement in Judgement.objects.filter(reference="").select_related(
            "risk__directorate", "risk__service_area", "review__scheme"):
        risk, review = judgement.risk, judgement.review
        for name in RISK_FACTS:
            setattr(judgement, name, getattr(risk, name))
        judgement.directorate_name = risk.directorate.name
        judgement.service_area_name = risk.service_area.name if risk.service_area_id else ""
        judgement.scheme_name = review.scheme.name
        judgement.controls, judgement.actions = review.controls, review.actions
        judgement.next_review_date, judgement.reviewed_at = review.next_review_date, review.reviewed_at
        judgement.reviewed_by_name = review.reviewed_by_name
        judgement.inherent_likelihood, judgement.inherent_impact = review.inherent_likelihood, review.inherent_impact
        judgement.save()  # (the five-quarter history stays empty: read as the quarters stand, as before)


class Migration(migrations.Migration):
    dependencies = [("risks", "0013_judgement_records_the_risk")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

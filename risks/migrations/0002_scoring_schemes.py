"""Ship the council 4x4 scheme (active) and a standard 5x5 alternative."""

from django.db import migrations

COUNCIL_4X4 = {
    "likelihood": [[1, "Rare"], [2, "Unlikely"], [3, "Likely"], [4, "Almost certain"]],
    "threat_impact": [[1, "Minor"], [3, "Moderate"], [5, "Major"], [7, "Critical"]],
    "opportunity_impact": [[1, "Slight"], [3, "Modest"], [5, "Significant"], [7, "Exceptional"]],
    "levels": [
        {"name": "Low", "min": 1, "max": 4, "colour": "#00703c"},
        {"name": "Medium", "min": 5, "max": 12, "colour": "#ffdd00"},
        {"name": "High", "min": 13, "max": 27, "colour": "#f47738"},
        {"name": "Critical", "min": 28, "max": None, "colour": "#d4351c"},
    ],
}

STANDARD_5X5 = {
    "likelihood": [[1, "Rare"], [2, "Unlikely"], [3, "Possible"], [4, "Likely"], [5, "Almost certain"]],
    "threat_impact": [[1, "Negligible"], [2, "Minor"], [3, "Moderate"], [4, "Major"], [5, "Catastrophic"]],
    "opportunity_impact": [[1, "Negligible"], [2, "Minor"], [3, "Moderate"], [4, "Major"], [5, "Transformational"]],
    "levels": [
        {"name": "Low", "min": 1, "max": 4, "colour": "#00703c"},
        {"name": "Medium", "min": 5, "max": 9, "colour": "#ffdd00"},
        {"name": "High", "min": 10, "max": 16, "colour": "#f47738"},
        {"name": "Critical", "min": 17, "max": None, "colour": "#d4351c"},
    ],
}


def create(apps, schema_editor):
    Scheme = apps.get_model("risks", "ScoringScheme")
    Scheme.objects.update_or_create(name="Council 4x4", defaults={
        "definition": COUNCIL_4X4, "active": True,
        "description": "The council's matrix: likelihood 1-4, weighted impact 1, 3, 5, 7."})
    Scheme.objects.update_or_create(name="Standard 5x5", defaults={
        "definition": STANDARD_5X5, "active": False,
        "description": "The common 5x5 matrix: likelihood 1-5 by impact 1-5."})


def remove(apps, schema_editor):
    apps.get_model("risks", "ScoringScheme").objects.filter(name__in=["Council 4x4", "Standard 5x5"]).delete()


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]

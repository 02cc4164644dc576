"""The Orange Book's example risk categories (2023, Annex 4), and safeguarding, which councils add, each with a
starting appetite the performance officer changes on the appetite page."""

from django.db import migrations

CATEGORIES = (
    ("Strategy", "open", "Arising from identifying and pursuing a strategy, poorly defined strategy, or strategy "
                         "based on flawed or inaccurate data."),
    ("Governance", "cautious", "Unclear plans, priorities, authorities and accountabilities, or ineffective "
                               "oversight of decision-making and performance."),
    ("Operations", "cautious", "Inadequate, poorly designed or ineffective internal processes, resulting in fraud, "
                               "error or poor service."),
    ("Legal", "minimal", "A defective transaction, a claim, or a change in law or regulation."),
    ("Property", "cautious", "Property that is unsafe, unfit for purpose or poorly managed."),
    ("Financial", "cautious", "Not managing finances in line with requirements, or not delivering savings or "
                              "value for money."),
    ("Commercial", "open", "Weaknesses in the management of commercial partnerships, supply chains and contracts."),
    ("People", "cautious", "Ineffective leadership, engagement, capability or capacity of the workforce."),
    ("Technology", "open", "Technology not delivering the expected services, or being unreliable or insecure."),
    ("Information", "minimal", "Information that is not available, accurate, secure or lawfully shared."),
    ("Security", "averse", "Failure to prevent unauthorised or inappropriate access to the estate and information."),
    ("Project and programme", "open", "Change programmes and projects not aligned with strategy, or not "
                                      "delivering their benefits on time and budget."),
    ("Reputational", "cautious", "Adverse events, including ethical violations, a lack of sustainability or a "
                                 "lack of capability, that undermine trust in the council."),
    ("Safeguarding", "averse", "Failure to protect children and adults at risk from harm."),
)


def forward(apps, schema_editor):
    RiskCategory = apps.get_model("risks", "RiskCategory")
    for name, level, description in CATEGORIES:
        RiskCategory.objects.get_or_create(name=name, defaults={"level": level, "description": description})


class Migration(migrations.Migration):
    dependencies = [("risks", "0020_risk_appetite")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

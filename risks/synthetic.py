"""The risk part of the synthetic council (organisation/synthetic.py): per unit, 40 risks across the three
registers with a review in every quarter, scored on the active scheme."""

from __future__ import annotations

from . import services
from .models import Risk, RiskReview


def generate(unit) -> dict[str, int]:
    if Risk.objects.filter(directorate=unit.directorate).exists():
        return {}
    scheme = services.active_scheme()
    rng, number = unit.rng, unit.number
    risks = [
        Risk(reference=f"G{number}R{r:02d}", title=f"Synthetic risk {number}.{r}", description="Generated.",
             causes="Demand; capacity", kind="opportunity" if r % 10 == 9 else "threat",
             register=("corporate", "directorate", "service")[r % 3], directorate=unit.directorate,
             service_area=unit.areas[r % 6], risk_owner=f"Director {r % 5}", action_owner=f"Head {r % 7}",
             portfolio=f"Portfolio {r % 4}", strategy_themes="Theme A; Theme B", exempt=r % 13 == 0)
        for r in range(40)
    ]
    reviews = []
    impacts = [1, 3, 5, 7]
    for risk in risks:
        for period in unit.quarters:
            reviews.append(RiskReview(risk=risk, period=period, scheme=scheme, likelihood=rng.randint(1, 4),
                                      impact=rng.choice(impacts), tolerance_likelihood=rng.randint(1, 2),
                                      tolerance_impact=rng.choice(impacts[:3]), controls="Controls in place.",
                                      actions="Further actions."))
    services.bulk_load(risks=risks, reviews=reviews)
    return {"risks": len(risks), "reviews": len(reviews)}

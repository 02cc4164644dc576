"""The placements part of the synthetic council (organisation/synthetic.py): per unit, three headings of 15
categories with a snapshot at every quarter end."""

from __future__ import annotations

from decimal import Decimal

from . import services
from .models import PlacementCategory, PlacementHeading, PlacementSnapshot


def generate(unit) -> dict[str, int]:
    number, rng = unit.number, unit.rng
    if PlacementHeading.objects.filter(name=f"Foster Care {number}").exists():
        return {}
    headings = [PlacementHeading(name=f"{name} {number}", order=number * 10 + n, is_foster_care=name == "Foster Care")
                for n, name in enumerate(("Foster Care", "Residential", "Other"))]
    categories = [PlacementCategory(heading=headings[c % 3], name=f"Category {number}.{c}", order=c,
                                    provision=("in_house", "external", "other")[c % 3]) for c in range(15)]
    snapshots = [PlacementSnapshot(period=period, category=category, children=rng.randint(0, 200),
                                   average_weekly_cost=Decimal(rng.randint(20, 5000)))
                 for category in categories for period in unit.quarters]
    services.bulk_load(headings=headings, categories=categories, snapshots=snapshots)
    return {"snapshots": len(snapshots)}

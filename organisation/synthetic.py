"""A deterministic synthetic council for load tests and the benchmark.

Per unit of scale: one directorate with six service areas, 60 indicators
(every unit, both polarities, quarterly and annual, snapshot and cumulative,
some values missing and some baseline years), eight financial years of
targets and actuals with commentary, 40 risks across the three registers with
32 quarterly reviews each, 15 placement categories with 32 quarterly
snapshots, and a service manager per service area.

Rows are written with bulk_create: synthetic data has no change history.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from . import roles, summaries
from .models import Directorate, ReportingPeriod, ServiceArea
from .periods import Period

FIRST_YEAR = 2012
YEARS = 8
AREAS = ("Adult Social Care", "Children & Families", "Education & Skills", "Public Health", "Housing", "Communities")
UNITS = ["percent", "number", "rate per 1000", "rate per 10000", "rate per 100000", "currency", "hours", "days",
         "points", "percentage points", "score"]
PASSWORD = "synthetic-password-not-secret"


def _periods() -> tuple[list[ReportingPeriod], list[ReportingPeriod]]:
    years, quarters = [], []
    for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
        years.append(ReportingPeriod.for_value(Period(year)))
        for q in (1, 2, 3, 4):
            quarters.append(ReportingPeriod.for_value(Period(year, q)))
    ReportingPeriod.objects.filter(pk__in=[q.pk for q in quarters[:-1]]).update(state=ReportingPeriod.State.LOCKED)
    ReportingPeriod.objects.filter(pk=quarters[-1].pk).update(state=ReportingPeriod.State.OPEN)
    return years, quarters


@transaction.atomic
def generate(scale: int, seed: int = 1) -> dict[str, int]:
    from kpis.models import Actual, Indicator, KeyCommitment, Target
    from placements.models import PlacementCategory, PlacementHeading, PlacementSnapshot
    from risks.models import Risk, RiskReview

    rng = random.Random(seed)
    years, quarters = _periods()
    manager_group = Group.objects.get(name=roles.SERVICE_MANAGER)
    password = make_password(PASSWORD)
    commitments = [KeyCommitment.objects.get_or_create(code=f"SC{i}", defaults={"title": f"Commitment {i}"})[0]
                   for i in range(1, 9)]
    User = get_user_model()
    created = {"indicators": 0, "actuals": 0, "targets": 0, "risks": 0, "reviews": 0, "snapshots": 0}
    for unit in range(1, scale + 1):
        directorate, _ = Directorate.objects.get_or_create(name=f"Synthetic directorate {unit}")
        areas = [ServiceArea.objects.get_or_create(directorate=directorate, name=f"{name} {unit}")[0]
                 for name in AREAS]
        for index, area in enumerate(areas, start=1):
            user, _ = User.objects.get_or_create(username=f"gen.manager.{unit}.{index}",
                                                 defaults={"password": password, "first_name": "Synthetic",
                                                           "last_name": f"Manager {unit}.{index}"})
            user.groups.add(manager_group)
            area.managers.add(user)
        if Indicator.objects.filter(service_area__directorate=directorate).exists():
            continue  # this unit is already generated (the generator is idempotent)
        indicators = []
        for i in range(60):
            unit_name = UNITS[i % len(UNITS)]
            indicators.append(Indicator(
                code=f"G{unit:03d}-{i:02d}", title=f"Synthetic indicator {unit}.{i} ({unit_name})",
                description="Generated for load testing.", service_area=areas[i % 6],
                polarity="higher" if i % 2 == 0 else "lower", unit=unit_name,
                frequency="annual" if i % 5 == 0 else "quarterly",
                accumulation="cumulative" if i % 7 == 0 else "snapshot", commitment=commitments[i % 8],
                tolerance=Decimal(10) if i % 3 == 0 else None, precision=1,
            ))
        Indicator.objects.bulk_create(indicators)
        targets, actuals = [], []
        for i, indicator in enumerate(indicators):
            base = Decimal(rng.randint(20, 80))
            periods = years if indicator.frequency == "annual" else quarters
            for y, year in enumerate(years):
                baseline_year = (i % 11 == 0 and y == 0)
                targets.append(Target(indicator=indicator, period=year, value=None if baseline_year else base + y))
            for p, period in enumerate(periods):
                missing = (i + p) % 17 == 0
                value = None if missing else (base + Decimal(rng.randint(-150, 150)) / 10).quantize(Decimal("0.1"))
                if indicator.unit == "percent" and value is not None:
                    value = min(max(value, Decimal(0)), Decimal(100))
                actuals.append(Actual(indicator=indicator, period=period, value=value,
                                      commentary="" if p % 3 else f"Commentary for {period.label}: steady progress.",
                                      state="signed_off" if period.is_locked else "draft",
                                      reported_value=value if period.is_locked else None))
        Target.objects.bulk_create(targets, batch_size=2000)
        Actual.objects.bulk_create(actuals, batch_size=2000)
        risks = [
            Risk(reference=f"G{unit}R{r:02d}", title=f"Synthetic risk {unit}.{r}", description="Generated.",
                 causes="Demand; capacity", kind="opportunity" if r % 10 == 9 else "threat",
                 register=("corporate", "directorate", "service")[r % 3], directorate=directorate,
                 service_area=areas[r % 6], risk_owner=f"Director {r % 5}", action_owner=f"Head {r % 7}",
                 portfolio=f"Portfolio {r % 4}", strategy_themes="Theme A; Theme B", exempt=r % 13 == 0)
            for r in range(40)
        ]
        Risk.objects.bulk_create(risks)
        reviews = []
        impacts = [1, 3, 5, 7]
        for risk in risks:
            for period in quarters:
                reviews.append(RiskReview(risk=risk, period=period, likelihood=rng.randint(1, 4),
                                          impact=rng.choice(impacts), tolerance_likelihood=rng.randint(1, 2),
                                          tolerance_impact=rng.choice(impacts[:3]), controls="Controls in place.",
                                          actions="Further actions."))
        RiskReview.objects.bulk_create(reviews, batch_size=2000)
        headings = [PlacementHeading.objects.get_or_create(name=f"{name} {unit}", defaults={
            "order": unit * 10 + n, "is_foster_care": name == "Foster Care"})[0]
            for n, name in enumerate(("Foster Care", "Residential", "Other"))]
        categories = [PlacementCategory.objects.create(
            heading=headings[c % 3], name=f"Category {unit}.{c}", order=c,
            provision=("in_house", "external", "other")[c % 3]) for c in range(15)]
        snapshots = [PlacementSnapshot(period=period, category=category, children=rng.randint(0, 200),
                                       average_weekly_cost=Decimal(rng.randint(20, 5000)))
                     for category in categories for period in quarters]
        PlacementSnapshot.objects.bulk_create(snapshots, batch_size=2000)
        created["indicators"] += len(indicators)
        created["targets"] += len(targets)
        created["actuals"] += len(actuals)
        created["risks"] += len(risks)
        created["reviews"] += len(reviews)
        created["snapshots"] += len(snapshots)
    summaries.changed()  # bulk-written: no signals, no history
    return created

"""The performance part of the synthetic council (organisation/synthetic.py): per unit, 60 indicators (every
unit, both polarities, quarterly and annual, snapshot and cumulative, some values missing and some baseline
years) with eight financial years of targets and figures; locked quarters' figures signed off as reported."""

from __future__ import annotations

from decimal import Decimal

from . import services
from . import status as rules
from .models import Actual, Indicator, KeyCommitment, Target

UNITS = ["percent", "number", "rate per 1000", "rate per 10000", "rate per 100000", "currency", "hours", "days",
         "points", "percentage points", "score"]


def generate(unit) -> dict[str, int]:
    if Indicator.objects.filter(service_area__directorate=unit.directorate).exists():
        return {}  # this unit is already generated (the generator is idempotent)
    if "commitments" not in unit.shared:
        unit.shared["commitments"] = [services.commitment_get_or_create(code=f"SC{i}")[0] for i in range(1, 9)]
    commitments: list[KeyCommitment] = unit.shared["commitments"]
    rng, years, quarters = unit.rng, unit.years, unit.quarters
    indicators = []
    for i in range(60):
        unit_name = UNITS[i % len(UNITS)]
        indicators.append(Indicator(
            code=f"G{unit.number:03d}-{i:02d}", title=f"Synthetic indicator {unit.number}.{i} ({unit_name})",
            description="Generated for load testing.", service_area=unit.areas[i % 6],
            polarity="higher" if i % 2 == 0 else "lower", unit=unit_name,
            frequency="annual" if i % 5 == 0 else "quarterly",
            accumulation="cumulative" if i % 7 == 0 else "snapshot", commitment=commitments[i % 8],
            tolerance=Decimal(10) if i % 3 == 0 else None, precision=1,
        ))
    targets, actuals = [], []
    last_quarter_of = {y.year: max((q for q in quarters if q.year == y.year), key=lambda q: q.quarter)
                       for y in years}
    for i, indicator in enumerate(indicators):
        base = Decimal(rng.randint(20, 80))
        periods = years if indicator.frequency == "annual" else quarters
        year_targets = {}
        for y, year in enumerate(years):
            baseline_year = (i % 11 == 0 and y == 0)
            year_targets[year.year] = None if baseline_year else base + y
            targets.append(Target(indicator=indicator, period=year, value=year_targets[year.year]))
        values: dict[tuple[int, int | None], Decimal | None] = {}
        for p, period in enumerate(periods):
            missing = (i + p) % 17 == 0
            value = None if missing else (base + Decimal(rng.randint(-150, 150)) / 10).quantize(Decimal("0.1"))
            if indicator.unit == "percent" and value is not None:
                value = min(max(value, Decimal(0)), Decimal(100))
            values[(period.year, period.quarter)] = value
            reported_in = last_quarter_of[period.year] if period.is_year else period
            actual = Actual(indicator=indicator, period=period, value=value,
                            commentary="" if p % 3 else f"Commentary for {period.label}: steady progress.")
            if reported_in.is_locked:
                # Reported: signed off, with the judgement it was reported with.
                target = year_targets[period.year] if period.is_year else rules.target_in_force(
                    quarter_target=None, year_target=year_targets[period.year],
                    accumulation=indicator.accumulation, quarter=period.quarter)
                previous = values.get((period.year - 1, period.quarter))
                status = rules.judge(value, target, indicator.polarity, indicator.effective_tolerance)
                actual.state, actual.reported_value, actual.reported_in = "signed_off", value, reported_in
                actual.signed_value, actual.signed_commentary = value, actual.commentary
                actual.signed_target, actual.signed_previous = target, previous
                actual.signed_status = status.value
                actual.signed_direction = rules.direction(value, previous, indicator.polarity).value
                actual.signed_unit = indicator.unit
            actuals.append(actual)
    services.bulk_load(indicators=indicators, targets=targets, actuals=actuals)
    return {"indicators": len(indicators), "targets": len(targets), "actuals": len(actuals)}

"""Reads: every figure a page shows, in a fixed number of queries, judged by status.py."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from organisation import access
from organisation.models import ReportingPeriod

from . import status as rules
from .models import Actual, Indicator, Target


def indicators_visible_to(user) -> QuerySet[Indicator]:
    qs = Indicator.objects.filter(active=True)
    if not access.can_view_performance(user):
        return qs.none()
    return qs


def indicators_for_entry(user) -> QuerySet[Indicator]:
    """The indicators whose figures this user may see in the entry form."""
    qs = Indicator.objects.filter(active=True).select_related("service_area__directorate", "commitment")
    if access.is_performance_officer(user):
        return qs
    return qs.filter(service_area_id__in=access.managed_service_area_ids(user))


@dataclass
class Row:
    """One indicator judged for a quarter (annual indicators: for its financial year)."""

    indicator: Indicator
    period_label: str
    actual: Actual | None
    value: Decimal | None
    target: Decimal | None
    previous: Decimal | None
    status: rules.Status
    rag: rules.RAG | None
    direction: rules.Direction
    deviation: Decimal | None
    data_quality: str | None

    @property
    def status_severity(self) -> int:
        return self.status.severity

    @property
    def is_exception(self) -> bool:
        return rules.is_exception(self.status, self.direction)

    @property
    def reported_value(self) -> Decimal | None:
        return self.actual.reported_value if self.actual else None

    @property
    def is_revised(self) -> bool:
        return bool(self.actual and self.actual.is_revised)

    @property
    def commentary(self) -> str:
        return self.actual.commentary if self.actual else ""


def _periods_around(quarter: ReportingPeriod) -> dict[str, ReportingPeriod]:
    """The quarter, its year, and the same two a year earlier (those that exist)."""
    value = quarter.value
    wanted = {
        "quarter": value, "year": value.financial_year,
        "quarter_last_year": value.same_period_last_year(), "year_last_year": value.financial_year.previous(),
    }
    found = {
        (p.year, p.quarter): p
        for p in ReportingPeriod.objects.filter(year__in={value.year, value.year - 1})
    }
    return {k: found[(v.year, v.quarter)] for k, v in wanted.items() if (v.year, v.quarter) in found}


def judge_quarter(indicators: QuerySet[Indicator] | list[Indicator], quarter: ReportingPeriod) -> list[Row]:
    """Judge each indicator for the quarter in three queries (plus the indicators themselves)."""
    periods = _periods_around(quarter)
    indicator_list = list(indicators)
    ids = [i.pk for i in indicator_list]
    period_ids = [p.pk for p in periods.values()]
    actuals = {
        (a.indicator_id, a.period_id): a
        for a in Actual.objects.filter(indicator_id__in=ids, period_id__in=period_ids)
    } if ids and period_ids else {}
    targets = {
        (t.indicator_id, t.period_id): t.value
        for t in Target.objects.filter(
            indicator_id__in=ids,
            period_id__in=[p.pk for k, p in periods.items() if k in ("quarter", "year")],
        )
    } if ids and period_ids else {}

    def pid(key: str) -> int | None:
        p = periods.get(key)
        return p.pk if p else None

    rows = []
    for indicator in indicator_list:
        if indicator.is_annual:
            current, last = pid("year"), pid("year_last_year")
            target = targets.get((indicator.pk, pid("year")))
            label = quarter.value.financial_year.label
        else:
            current, last = pid("quarter"), pid("quarter_last_year")
            target = rules.target_in_force(
                quarter_target=targets.get((indicator.pk, pid("quarter"))),
                year_target=targets.get((indicator.pk, pid("year"))),
                accumulation=indicator.accumulation,
                quarter=quarter.quarter,
            )
            label = quarter.label
        actual = actuals.get((indicator.pk, current))
        previous_actual = actuals.get((indicator.pk, last))
        value = actual.value if actual else None
        previous = previous_actual.value if previous_actual else None
        judged = rules.judge(value, target, indicator.polarity, indicator.effective_tolerance)
        rows.append(Row(
            indicator=indicator, period_label=label, actual=actual, value=value, target=target,
            previous=previous, status=judged, rag=rules.rag(judged),
            direction=rules.direction(value, previous, indicator.polarity),
            deviation=rules.deviation(value, target, indicator.polarity) if value is not None and target else None,
            data_quality=rules.data_quality_problem(
                value, actual.numerator if actual else None, actual.denominator if actual else None, indicator.unit
            ),
        ))
    return rows


def worst_first(rows: list[Row]) -> list[Row]:
    return sorted(
        (r for r in rows if r.is_exception),
        key=lambda r: (*rules.exception_sort_key(r.status, r.direction, r.deviation), r.indicator.code),
    )


def quarters_with_figures() -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.quarters().order_by("-year", "-quarter")


def default_quarter() -> ReportingPeriod | None:
    return ReportingPeriod.objects.latest_quarter()


def history_series(indicator: Indicator) -> list[tuple[str, Decimal | None, Decimal | None, Actual | None]]:
    """(period label, value, target in force, actual) for every period with a figure or target, oldest first."""
    actuals = {a.period_id: a for a in indicator.actuals.select_related("period", "entered_by")}
    targets = {t.period_id: t.value for t in indicator.targets.select_related("period")}
    periods = ReportingPeriod.objects.filter(pk__in=set(actuals) | set(targets)).order_by("year", "quarter")
    by_year = {p.year: p.pk for p in ReportingPeriod.objects.years().filter(year__in={p.year for p in periods})}
    out = []
    for period in periods:
        if indicator.is_annual != period.is_year:
            continue
        if period.is_year:
            target = targets.get(period.pk)
        else:
            target = rules.target_in_force(
                quarter_target=targets.get(period.pk), year_target=targets.get(by_year.get(period.year)),
                accumulation=indicator.accumulation, quarter=period.quarter,
            )
        actual = actuals.get(period.pk)
        out.append((period.label, actual.value if actual else None, target, actual))
    return out

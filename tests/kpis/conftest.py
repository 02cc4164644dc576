from decimal import Decimal

import pytest

from kpis.models import Actual, Indicator, Target
from organisation.models import ReportingPeriod


def make_indicator(area, code, *, polarity="higher", unit="percent", frequency="quarterly",
                   accumulation="snapshot", **extra) -> Indicator:
    return Indicator.objects.create(
        code=code, title=f"Indicator {code}", service_area=area, polarity=polarity, unit=unit,
        frequency=frequency, accumulation=accumulation, **extra,
    )


def set_target(indicator, label, value):
    return Target.objects.create(indicator=indicator, period=ReportingPeriod.for_label(label),
                                 value=None if value is None else Decimal(str(value)))


def set_actual(indicator, label, value, **extra):
    return Actual.objects.create(indicator=indicator, period=ReportingPeriod.for_label(label),
                                 value=None if value is None else Decimal(str(value)), **extra)


@pytest.fixture
def dpe007(area_a, open_quarter):
    indicator = make_indicator(area_a, "DPE007")
    set_target(indicator, "2019/20", 90)
    return indicator


@pytest.fixture
def adults_indicator(area_b, open_quarter):
    indicator = make_indicator(area_b, "BCP278")
    set_target(indicator, "2019/20", 88)
    return indicator


def build_many(area_a, area_b, n: int) -> None:
    """n indicators per area, each with a target and two years of figures."""
    for area in (area_a, area_b):
        for i in range(n):
            indicator = make_indicator(area, f"{area.pk}X{i:03d}", polarity="lower" if i % 2 else "higher",
                                       frequency="annual" if i % 5 == 0 else "quarterly")
            if indicator.is_annual:
                set_target(indicator, "2019/20", 50)
                set_actual(indicator, "2019/20", 40 + i % 20, commentary="annual")
                set_actual(indicator, "2018/19", 45, commentary="")
            else:
                set_target(indicator, "2019/20", 50)
                set_actual(indicator, "2019/20 Q1", 40 + i % 20, commentary="c")
                set_actual(indicator, "2018/19 Q1", 45)

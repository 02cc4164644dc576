"""kpis/status.py: every rule, boundaries first."""

from decimal import Decimal as D

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kpis.status import (
    RAG,
    Direction,
    Share,
    Status,
    data_quality_problem,
    direction,
    exception_sort_key,
    is_exception,
    judge,
    rag,
    summarise,
    target_in_force,
)


@pytest.mark.parametrize(
    ("value", "target", "polarity", "tolerance", "expected"),
    [
        # the domain's own examples
        (D("75.8"), D("90"), "higher", None, Status.WELL_BELOW),
        (D("55.7"), D("54"), "lower", None, Status.BELOW),
        # exactly on target
        (D("90"), D("90"), "higher", None, Status.ON),
        (D("54"), D("54"), "lower", None, Status.ON),
        # d exactly at the tolerance is inside it
        (D("115"), D("100"), "higher", None, Status.ABOVE),
        (D("85"), D("100"), "higher", None, Status.BELOW),
        (D("85"), D("100"), "lower", None, Status.ABOVE),
        (D("115"), D("100"), "lower", None, Status.BELOW),
        # just beyond the tolerance
        (D("115.0001"), D("100"), "higher", None, Status.WELL_ABOVE),
        (D("84.9999"), D("100"), "higher", None, Status.WELL_BELOW),
        (D("84.9999"), D("100"), "lower", None, Status.WELL_ABOVE),
        (D("115.0001"), D("100"), "lower", None, Status.WELL_BELOW),
        # just off target
        (D("100.0001"), D("100"), "higher", None, Status.ABOVE),
        (D("99.9999"), D("100"), "higher", None, Status.BELOW),
        # an indicator's own tolerance
        (D("95"), D("100"), "higher", D("5"), Status.BELOW),
        (D("94.99"), D("100"), "higher", D("5"), Status.WELL_BELOW),
        (D("101"), D("100"), "higher", D("0"), Status.WELL_ABOVE),
        # zero targets
        (D("0"), D("0"), "higher", None, Status.ON),
        (D("0.01"), D("0"), "higher", None, Status.WELL_ABOVE),
        (D("-0.09"), D("0"), "higher", None, Status.WELL_BELOW),
        (D("-0.09"), D("0"), "lower", None, Status.WELL_ABOVE),
        (D("3"), D("0"), "lower", None, Status.WELL_BELOW),
        # negative values and targets (Progress 8)
        (D("-0.09"), D("-0.10"), "higher", None, Status.ABOVE),
        (D("-0.20"), D("-0.10"), "higher", None, Status.WELL_BELOW),
        (D("-0.11"), D("-0.10"), "higher", None, Status.BELOW),
        (D("-0.05"), D("-0.10"), "lower", None, Status.WELL_BELOW),
        # no target, no value
        (D("5"), None, "higher", None, Status.NO_TARGET),
        (None, D("5"), "higher", None, Status.NO_DATA),
        (None, None, "lower", None, Status.NO_DATA),
        (D("0"), D("5"), "higher", None, Status.WELL_BELOW),  # zero is a value, not "no data"
    ],
)
def test_status_against_target(value, target, polarity, tolerance, expected):
    assert judge(value, target, polarity, tolerance) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.WELL_ABOVE, RAG.GREEN), (Status.ABOVE, RAG.GREEN), (Status.ON, RAG.GREEN),
        (Status.BELOW, RAG.AMBER), (Status.WELL_BELOW, RAG.RED),
        (Status.NO_TARGET, None), (Status.NO_DATA, None),
    ],
)
def test_rag(status, expected):
    assert rag(status) == expected


@pytest.mark.parametrize(
    ("quarter_target", "year_target", "accumulation", "quarter", "expected"),
    [
        (D("10"), D("100"), "snapshot", 1, D("10")),
        (D("10"), D("100"), "cumulative", 3, D("10")),
        (None, D("100"), "snapshot", 3, D("100")),
        (None, D("100"), "cumulative", 1, D("25")),
        (None, D("100"), "cumulative", 2, D("50")),
        (None, D("100"), "cumulative", 3, D("75")),
        (None, D("100"), "cumulative", 4, D("100")),
        (None, D("24"), "cumulative", 1, D("6")),
        (None, D("100"), "cumulative", None, D("100")),
        (None, None, "snapshot", 1, None),
        (None, None, "cumulative", None, None),
        (D("7"), None, "snapshot", None, None),  # a quarter's target does not apply to a year
    ],
)
def test_target_in_force(quarter_target, year_target, accumulation, quarter, expected):
    assert target_in_force(quarter_target=quarter_target, year_target=year_target,
                           accumulation=accumulation, quarter=quarter) == expected


@pytest.mark.parametrize(
    ("value", "previous", "polarity", "expected"),
    [
        (D("2"), D("1"), "higher", Direction.IMPROVED),
        (D("1"), D("2"), "higher", Direction.WORSENED),
        (D("1"), D("2"), "lower", Direction.IMPROVED),
        (D("2"), D("1"), "lower", Direction.WORSENED),
        (D("1.0"), D("1"), "higher", Direction.SAME),
        (None, D("1"), "higher", Direction.NOT_KNOWN),
        (D("1"), None, "lower", Direction.NOT_KNOWN),
        (D("-0.09"), D("-0.2"), "higher", Direction.IMPROVED),
    ],
)
def test_direction_of_travel(value, previous, polarity, expected):
    assert direction(value, previous, polarity) == expected


@pytest.mark.parametrize(
    ("value", "numerator", "denominator", "unit", "problem"),
    [
        (D("75.8"), D("144"), D("190"), "percent", None),
        (D("75.8000"), D("144.0000"), D("190.0000"), "percent", None),  # as stored
        (D("75.7000"), D("144.0000"), D("190.0000"), "percent", "144 / 190 gives 75.8, not 75.7"),
        (D("1E+2"), D("1"), D("1"), "percent", None),
        (D("55.7"), D("1448"), D("26"), "number", None),
        (D("75.7"), D("144"), D("190"), "percent", "144 / 190 gives 75.8, not 75.7"),
        (D("76"), D("144"), D("190"), "percent", None),  # whole-number rounding allows 75.5 to 76.5
        (D("77"), D("144"), D("190"), "percent", "144 / 190 gives 75.8, not 77"),
        (D("603.4"), D("100"), D("16573"), "rate per 100000", None),
        (D("5"), D("1"), D("0"), "number", "the denominator is zero, so the value cannot be checked"),
        (None, D("1"), D("2"), "percent", None),
        (D("50"), None, D("2"), "percent", None),
    ],
)
def test_numerator_and_denominator_check(value, numerator, denominator, unit, problem):
    assert data_quality_problem(value, numerator, denominator, unit) == problem


def test_summary_figures_are_shown_as_percent_and_count():
    statuses = [Status.ON, Status.ABOVE, Status.BELOW, Status.WELL_BELOW, Status.NO_DATA, Status.NO_TARGET]
    travel = [Direction.IMPROVED, Direction.WORSENED, Direction.NOT_KNOWN, Direction.IMPROVED,
              Direction.SAME, Direction.NOT_KNOWN]
    summary = summarise(zip(statuses, travel))
    assert str(summary.on_or_above) == "50% (2)"
    assert str(summary.improved) == "50% (2)"
    assert summary.rag_counts == {"Green": 2, "Amber": 1, "Red": 1, "None": 2}


@pytest.mark.parametrize(("count", "base", "text"), [(8, 30, "27% (8)"), (0, 5, "0% (0)"), (0, 0, "n/a (0)"),
                                                     (1, 8, "13% (1)"), (5, 5, "100% (5)")])
def test_shares(count, base, text):
    assert str(Share(count, base)) == text


def test_exceptions_are_below_target_or_worsened_worst_first():
    assert is_exception(Status.BELOW, Direction.IMPROVED)
    assert is_exception(Status.ABOVE, Direction.WORSENED)
    assert not is_exception(Status.ON, Direction.SAME)
    keys = [
        exception_sort_key(Status.BELOW, Direction.IMPROVED, D("-0.05")),
        exception_sort_key(Status.WELL_BELOW, Direction.IMPROVED, D("-0.2")),
        exception_sort_key(Status.WELL_BELOW, Direction.IMPROVED, D("-0.9")),
        exception_sort_key(Status.ABOVE, Direction.WORSENED, D("0.01")),
    ]
    assert sorted(range(4), key=lambda i: keys[i]) == [2, 1, 0, 3]


decimals = st.decimals(min_value=-10000, max_value=10000, places=2, allow_nan=False, allow_infinity=False)
tolerances = st.decimals(min_value=0, max_value=50, places=1)
MIRROR = {Status.WELL_ABOVE: Status.WELL_BELOW, Status.ABOVE: Status.BELOW, Status.ON: Status.ON,
          Status.BELOW: Status.ABOVE, Status.WELL_BELOW: Status.WELL_ABOVE}


@given(decimals, decimals, tolerances)
def test_swapping_polarity_mirrors_the_status(value, target, tolerance):
    higher = judge(value, target, "higher", tolerance)
    lower = judge(value, target, "lower", tolerance)
    assert MIRROR[higher] == lower


@given(decimals, decimals, tolerances)
def test_status_is_judged_whenever_there_is_a_value_and_a_target(value, target, tolerance):
    assert judge(value, target, "higher", tolerance).judged


@given(decimals, decimals)
def test_a_wider_tolerance_never_makes_a_status_more_extreme(value, target):
    narrow, wide = judge(value, target, "higher", D(5)), judge(value, target, "higher", D(30))
    if wide in (Status.WELL_ABOVE, Status.WELL_BELOW):
        assert narrow == wide


@given(decimals, decimals)
def test_direction_mirrors_with_polarity(value, previous):
    assume(value != previous)
    up, down = direction(value, previous, "higher"), direction(value, previous, "lower")
    assert {up, down} == {Direction.IMPROVED, Direction.WORSENED}


@given(st.decimals(min_value=0, max_value=100000, places=2), st.integers(min_value=1, max_value=4))
def test_cumulative_pro_rata_adds_up_to_the_year(year_target, quarter):
    value = target_in_force(quarter_target=None, year_target=year_target, accumulation="cumulative", quarter=quarter)
    assert value * 4 == year_target * quarter

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from organisation.periods import (
    Period,
    PeriodError,
    latest_ended_quarter,
    parse,
    quarter_containing,
    quarter_range,
)

years = st.integers(min_value=1991, max_value=2099)
quarters = st.one_of(st.none(), st.integers(min_value=1, max_value=4))
periods = st.builds(Period, years, quarters)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019/20 Q1", Period(2019, 1)),
        ("2019/20 Q4", Period(2019, 4)),
        ("2019/20", Period(2019)),
        ("  2019/20   q2 ", Period(2019, 2)),
        ("2019/2020 Q3", Period(2019, 3)),
        ("1999/00", Period(1999)),
        ("2099/00 Q1", Period(2099, 1)),
    ],
)
def test_valid_text_parses(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2019/21 Q1", "the year after 2019 is 2020"),
        ("2019/20 Q5", "Q1, Q2, Q3 or Q4"),
        ("2019/20 Q0", "Q1, Q2, Q3 or Q4"),
        ("2019-20 Q1", "is not a period"),
        ("Q1 2019/20", "is not a period"),
        ("", "is not a period"),
        ("2019", "is not a period"),
        ("20/21", "is not a period"),
        ("1850/51", "outside the years"),
    ],
)
def test_invalid_text_gives_a_clear_error(text, fragment):
    with pytest.raises(PeriodError, match=fragment):
        parse(text)


def test_a_non_string_is_refused_with_a_message():
    with pytest.raises(PeriodError, match="is not a period"):
        parse(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (Period(2019, 1), date(2019, 4, 1), date(2019, 6, 30)),
        (Period(2019, 2), date(2019, 7, 1), date(2019, 9, 30)),
        (Period(2019, 3), date(2019, 10, 1), date(2019, 12, 31)),
        (Period(2019, 4), date(2020, 1, 1), date(2020, 3, 31)),
        (Period(2019), date(2019, 4, 1), date(2020, 3, 31)),
    ],
)
def test_start_and_end_dates(period, start, end):
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    ("period", "previous", "last_year"),
    [
        (Period(2019, 1), Period(2018, 4), Period(2018, 1)),
        (Period(2019, 3), Period(2019, 2), Period(2018, 3)),
        (Period(2019), Period(2018), Period(2018)),
    ],
)
def test_previous_and_same_period_last_year(period, previous, last_year):
    assert period.previous() == previous
    assert period.same_period_last_year() == last_year


def test_labels_are_written_as_councils_write_them():
    assert Period(2019, 1).label == "2019/20 Q1"
    assert Period(1999).label == "1999/00"
    assert str(Period(2009, 4)) == "2009/10 Q4"


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2019, 4, 1), Period(2019, 1)),
        (date(2019, 6, 30), Period(2019, 1)),
        (date(2019, 7, 1), Period(2019, 2)),
        (date(2020, 1, 1), Period(2019, 4)),
        (date(2020, 3, 31), Period(2019, 4)),
    ],
)
def test_quarter_containing_a_day(day, quarter):
    assert quarter_containing(day) == quarter


def test_the_latest_ended_quarter_is_the_one_before_today():
    assert latest_ended_quarter(date(2019, 7, 15)) == Period(2019, 1)
    assert latest_ended_quarter(date(2019, 4, 1)) == Period(2018, 4)


def test_quarter_range_is_inclusive_and_crosses_years():
    labels = [p.label for p in quarter_range(Period(2016, 4), Period(2018, 1))]
    assert labels == ["2016/17 Q4", "2017/18 Q1", "2017/18 Q2", "2017/18 Q3", "2017/18 Q4", "2018/19 Q1"]
    assert quarter_range(Period(2018, 1), Period(2016, 4)) == []


def test_a_year_sorts_before_its_own_first_quarter():
    assert sorted([Period(2019, 1), Period(2019), Period(2018, 4)]) == [Period(2018, 4), Period(2019), Period(2019, 1)]


@given(periods)
def test_label_round_trips_through_parse(period):
    assert parse(period.label) == period


@given(periods)
def test_next_undoes_previous(period):
    assert period.previous().next() == period
    assert period.next().previous() == period


@given(st.builds(Period, years, st.integers(min_value=1, max_value=4)))
def test_quarters_tile_the_year_without_gaps(period):
    assert period.previous().end + timedelta(days=1) == period.start
    assert period.financial_year.contains(period.start) and period.financial_year.contains(period.end)
    assert period.same_period_last_year().next().next().next().next() == period


@given(st.dates(min_value=date(1991, 1, 1), max_value=date(2099, 12, 31)))
def test_every_day_is_in_exactly_one_quarter(day):
    quarter = quarter_containing(day)
    assert quarter.contains(day)
    assert not quarter.previous().contains(day)
    assert not quarter.next().contains(day)


@given(st.text(max_size=20))
def test_parse_never_fails_with_anything_but_a_period_error(text):
    try:
        result = parse(text)
    except PeriodError:
        return
    assert parse(result.label) == result

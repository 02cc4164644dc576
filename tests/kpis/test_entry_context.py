"""The entry form gives each figure its context: the quarter before, a year ago (an annual result: last
year), last year's outturn and a small trend (drawn, and said in words), in one query at any size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis import queries
from organisation.charts import sparkline_points
from organisation.models import ReportingPeriod
from tests.kpis.conftest import make_indicator, set_actual, set_target


def entry_url(quarter, area):
    return f"/performance/entry/{quarter.slug}/{area.pk}/"


@pytest.mark.parametrize(("values", "runs"), [
    ([], 0), ([None, None], 0), ([1.0], 1), ([1.0, 2.0, 3.0], 1), ([1.0, None, 3.0], 2), ([None, 2.0, 2.0], 1),
    ([5.0, 5.0, 5.0], 1), ([-3.0, 0.0, 3.0], 1)])
def test_sparkline_runs_break_at_gaps(values, runs):
    points = sparkline_points(values)
    assert len(points) == runs
    for run in points:
        for pair in run.split():
            x, y = (float(n) for n in pair.split(","))
            assert 0 <= x <= 80 and 0 <= y <= 20


def test_a_flat_series_sits_mid_height():
    assert all(pair.endswith(",10.0") for pair in sparkline_points([4.0, 4.0]).pop().split())


def test_the_context_of_a_quarterly_and_an_annual_indicator(area_a, open_quarter):
    quarterly = make_indicator(area_a, "DPE007")
    annual = make_indicator(area_a, "ANN001", frequency="annual")
    set_target(quarterly, "2019/20", 90)
    set_actual(quarterly, "2018/19 Q4", 85, state="submitted")
    set_actual(quarterly, "2018/19 Q1", 70, state="submitted")
    set_actual(annual, "2018/19", 60, state="submitted")
    found = queries.entry_context([quarterly, annual], open_quarter)
    assert found[quarterly.pk].previous == ("2018/19 Q4", 85)
    assert found[quarterly.pk].outturn == ("2018/19 Q4", 85)
    # The trend starts at the first figure and needs two to be drawn.
    assert [label for label, _ in found[quarterly.pk].trend] == ["2018/19 Q1", "2018/19 Q2", "2018/19 Q3",
                                                                 "2018/19 Q4"]
    assert found[annual.pk].previous == ("2018/19", 60)
    assert found[annual.pk].outturn is None
    assert found[annual.pk].trend == []  # one figure is no trend


def test_a_locked_quarters_draft_is_no_figure(area_a, open_quarter, locked_quarter):
    indicator = make_indicator(area_a, "DPE007")
    set_actual(indicator, locked_quarter.label, 50, state="draft")
    found = queries.entry_context([indicator], open_quarter)
    assert dict(found[indicator.pk].trend).get(locked_quarter.label) is None


def test_the_form_shows_it_and_labels_an_annual_result_by_its_year(manager_a, area_a, open_quarter):
    quarterly = make_indicator(area_a, "DPE007")
    annual = make_indicator(area_a, "ANN001", frequency="annual")
    set_actual(quarterly, "2018/19 Q4", 85, state="submitted")
    set_actual(annual, "2018/19", 60, state="submitted")
    set_actual(quarterly, "2018/19 Q3", 80, state="submitted")
    page = manager_a.get(entry_url(open_quarter, area_a)).content.decode()
    assert "Previous quarter (2018/19 Q4)</dt><dd>85.0%" in page
    assert "Outturn 2018/19 Q4</dt><dd>85.0%" in page
    assert "Last year (2018/19)</dt><dd>60.0%" in page
    assert "A year ago (2018/19 Q1)</dt><dd>no figure" in page  # the quarterly one
    assert 'class="app-spark"' in page and 'aria-hidden="true"' in page
    # Numerator and denominator fold away when empty.
    assert "Numerator and denominator" in page


def test_the_entry_forms_queries_do_not_grow_with_the_indicators(manager_a, area_a, open_quarter):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert manager_a.get(entry_url(open_quarter, area_a)).status_code == 200
        return len(ctx.captured_queries)

    for n in range(3):
        i = make_indicator(area_a, f"S{n:03d}", frequency="annual" if n == 0 else "quarterly")
        set_actual(i, "2018/19 Q4" if n else "2018/19", n, state="submitted")
    small = count()
    for n in range(3, 30):
        i = make_indicator(area_a, f"S{n:03d}", frequency="annual" if n % 3 == 0 else "quarterly")
        set_actual(i, "2018/19 Q4" if n % 3 else "2018/19", n, state="submitted")
        ReportingPeriod.for_label("2018/19 Q3")
    assert count() <= small

import pytest


@pytest.mark.parametrize("count, current, expected", [
    (3, 1, [1, 2, 3]),
    (10, 1, [1, 2, 3, None, 10]),
    (7, 4, [1, 2, 3, 4, 5, 6, 7]),
    (80, 40, [1, None, 38, 39, 40, 41, 42, None, 80]),
    (80, 80, [1, None, 78, 79, 80]),
])
def test_page_numbers_leave_gaps_in_long_runs(count, current, expected):
    from django.core.paginator import Paginator

    from organisation.templatetags.govuk import page_numbers

    assert page_numbers(Paginator(range(count), 1).page(current)) == expected


def test_a_chart_spaces_quarters_by_time_and_breaks_its_line_at_a_gap():
    from organisation.charts import Series, line_chart
    from organisation.periods import parse

    labels = ["2017/18 Q4", "2018/19 Q1", "2019/20 Q1", "2019/20 Q2"]
    chart = line_chart("Children", labels, [Series("Children", [10, 12, 11, 13])],
                       positions=[parse(label).ordinal for label in labels])
    xs = [p.x for p in chart.series[0].points]
    # A year (four quarters) lies between 2018/19 Q1 and 2019/20 Q1: four steps, not one.
    assert round((xs[2] - xs[1]) / (xs[1] - xs[0])) == 4
    assert len(chart.series[0].paths) == 2  # the line breaks across the gap

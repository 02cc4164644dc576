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

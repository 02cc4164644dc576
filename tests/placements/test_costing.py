"""placements/costing.py on hand-worked examples."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from placements.costing import (
    Line,
    Provision,
    Split,
    annual_cost,
    change,
    guess_provision,
    split,
    thousands,
    total,
    total_of,
)


def test_annual_cost_is_children_times_weekly_cost_times_52():
    assert annual_cost(170, D("787")) == D("6957080")  # 133,790 a week
    assert annual_cost(0, D("2000")) == 0
    assert annual_cost(3, D("0")) == 0


@pytest.mark.parametrize(("children", "cost"), [(-1, D("1")), (1, D("-0.01"))])
def test_negative_inputs_are_refused(children, cost):
    with pytest.raises(ValueError):
        annual_cost(children, cost)


def test_totals_sum_children_and_cost_and_weight_the_average_by_children():
    # Foster care 2016/17 Q4 from the demo figures, worked by hand:
    # 170 x 787 + 375 x 327 + 0 x 2000 + 17 x 39 = 133,790 + 122,625 + 0 + 663 = 257,078 a week
    lines = [Line(170, D("787")), Line(375, D("327")), Line(0, D("2000")), Line(17, D("39"))]
    t = total(lines)
    assert t.children == 562
    assert t.annual_cost == D("257078") * 52 == D("13368056")
    assert t.average_weekly_cost == D("257078") / 562
    assert t.annual_cost_thousands == D("13368")


def test_a_total_of_no_children_has_no_average():
    t = total([Line(0, D("500"))])
    assert (t.children, t.annual_cost, t.average_weekly_cost) == (0, 0, None)
    assert total([]).children == 0


@pytest.mark.parametrize(("pounds", "k"), [(D("22989772"), D("22990")), (D("499"), D("0")), (D("500"), D("1")),
                                           (D("-1500"), D("-2"))])
def test_thousands_round_half_up(pounds, k):
    assert thousands(pounds) == k


def test_change_since_the_baseline():
    baseline, current = total([Line(686, D("100"))]), total([Line(654, D("110"))])
    c = change(baseline, current)
    assert c.children == -32 and c.children_percent == D("-4.7")
    assert c.annual_cost == (654 * 110 - 686 * 100) * 52 and c.cost_percent == D("4.9")


def test_change_from_nothing_has_no_percentage():
    c = change(total([]), total([Line(3, D("10"))]))
    assert c.children == 3 and c.children_percent is None and c.cost_percent is None


def test_the_in_house_split_overall_and_within_foster_care():
    lines = [
        Line(375, D("327"), Provision.IN_HOUSE, foster_care=True),
        Line(170, D("787"), Provision.EXTERNAL, foster_care=True),
        Line(17, D("39"), Provision.OTHER, foster_care=True),
        Line(38, D("2805"), Provision.EXTERNAL),
    ]
    overall, foster = split(lines), split(lines, foster_care_only=True)
    assert (overall.in_house, overall.external) == (375, 208)
    assert overall.in_house_percent == D("64.3")
    assert foster.in_house_percent == D("68.8") and foster.external_percent == D("31.2")
    assert foster.gap_to(D(80)) == D("11.2")
    assert Split(0, 0).in_house_percent is None and Split(0, 0).gap_to(D(80)) is None


@pytest.mark.parametrize(("name", "provision"), [
    ("In-House Foster Care", Provision.IN_HOUSE), ("Agency Foster Care", Provision.EXTERNAL),
    ("Non-Bristol Home or School", Provision.EXTERNAL), ("Secure", Provision.OTHER),
])
def test_a_new_categorys_provision_is_guessed_from_its_name(name, provision):
    assert guess_provision(name) == provision


@given(st.lists(st.tuples(st.integers(0, 500), st.decimals(0, 10000, places=2)), max_size=20))
def test_a_total_equals_the_sum_of_its_lines(items):
    lines = [Line(c, w) for c, w in items]
    t = total(lines)
    assert t.children == sum(c for c, _ in items)
    assert t.annual_cost == sum((annual_cost(c, w) for c, w in items), D(0))
    if t.children:
        assert t.average_weekly_cost * t.children * 52 == t.annual_cost or \
            abs(t.average_weekly_cost * t.children * 52 - t.annual_cost) < D("1e-10")


@pytest.mark.parametrize(("children", "weekly", "annual", "average"), [
    (0, D(0), D(0), None),  # no children: no average, never a division by zero
    (1, D("0.01"), D("0.52"), D("0.01")),
    (3, D("3000.00"), D("156000.00"), D(1000)),
    (7, D("100"), D("5200"), D(100) / D(7)),
])
def test_a_total_from_sums_is_the_total_of_its_lines(children, weekly, annual, average):
    found = total_of(children, weekly)
    assert (found.children, found.annual_cost, found.average_weekly_cost) == (children, annual, average)


@pytest.mark.parametrize(("children", "weekly"), [(-1, D(0)), (0, D("-0.01"))])
def test_a_total_from_negative_sums_is_refused(children, weekly):
    with pytest.raises(ValueError, match="negative"):
        total_of(children, weekly)

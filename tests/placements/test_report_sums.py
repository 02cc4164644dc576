"""The placements report sums plain values per quarter (placements/report.py); its totals and splits are
exactly those of the costing rules applied line by line (costing.total, costing.split), and a page of
headings changes none of them."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from organisation.models import ReportingPeriod
from placements import costing
from placements import report as reports
from placements.models import PlacementCategory, PlacementHeading, PlacementSnapshot


@pytest.fixture
def council(db):
    rng = random.Random(7)
    quarters = [ReportingPeriod.for_label(label) for label in ("2018/19 Q3", "2018/19 Q4", "2019/20 Q1")]
    lines: dict[int, list[costing.Line]] = {q.pk: [] for q in quarters}
    for h in range(6):
        heading = PlacementHeading.objects.create(name=f"Heading {h}", order=h, is_foster_care=h % 2 == 0)
        for c in range(5):
            category = PlacementCategory.objects.create(
                heading=heading, name=f"Category {h}.{c}", order=c, active=c != 4,
                provision=rng.choice(["in_house", "external", "other"]))
            for q in quarters:
                if rng.random() < 0.8 and (c != 4 or q == quarters[0]):
                    children, cost = rng.randint(0, 40), Decimal(rng.randint(0, 500000)) / 100
                    PlacementSnapshot.objects.create(period=q, category=category, children=children,
                                                     average_weekly_cost=cost)
                    lines[q.pk].append(costing.Line(children, cost, costing.Provision(category.provision),
                                                    heading.is_foster_care))
    return quarters, lines


def test_the_reports_totals_and_splits_are_the_rules_line_by_line(council):
    quarters, lines = council
    found = reports.build(quarters[1:], quarters[0])
    for q, grand, split, foster in zip(quarters[1:], found.grand, found.splits, found.foster_splits, strict=True):
        assert grand == costing.total(lines[q.pk])
        assert split == costing.split(lines[q.pk])
        assert foster == costing.split(lines[q.pk], foster_care_only=True)
    assert found.baseline_total == costing.total(lines[quarters[0].pk])
    assert found.changes == [costing.change(found.baseline_total, g) for g in found.grand]
    # Each heading's subtotal is the rules' total of its own lines.
    for block in found.headings:
        for index, total in enumerate(block.totals):
            cells = [row.cells[index] for row in block.rows if row.cells[index].children is not None]
            assert total == costing.total(costing.Line(c.children, c.weekly_cost) for c in cells)


def test_a_page_of_headings_builds_only_those_and_keeps_the_whole_councils_totals(council):
    quarters, _ = council
    whole = reports.build(quarters, quarters[0])
    page = reports.build(quarters, quarters[0], pick=lambda names: names[2:4])
    assert page.heading_names == whole.heading_names == [f"Heading {h}" for h in range(6)]
    assert [b.name for b in page.headings] == ["Heading 2", "Heading 3"]
    assert page.headings == whole.headings[2:4]
    assert (page.grand, page.splits, page.foster_splits, page.changes) == \
        (whole.grand, whole.splits, whole.foster_splits, whole.changes)


def test_an_inactive_category_shows_only_where_it_has_snapshots(council):
    quarters, _ = council
    later = reports.build(quarters[1:], quarters[1])
    assert not any(row.category.name.endswith(".4") for block in later.headings for row in block.rows)
    first = reports.build(quarters[:1], quarters[0])
    assert any(row.category.name.endswith(".4") for block in first.headings for row in block.rows)

"""Chart axis labels (issue 19): at any number of quarters, none overlaps the next, and the last is shown."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("count", [2, 6, 8, 12, 20, 32])
def test_chart_axis_labels_never_overlap_and_the_last_is_shown(count):
    from organisation.charts import Series, line_chart

    labels = [f"20{10 + n // 4}/{11 + n // 4} Q{n % 4 + 1}" for n in range(count)]
    chart = line_chart("t", labels, [Series("s", list(range(count)))], width=760, height=260)
    xs = [x for x, _ in chart.x_ticks]
    assert all(b - a >= len(labels[0]) * 7 + 12 for a, b in zip(xs, xs[1:]))
    assert chart.x_ticks[0][1] == labels[0] and (chart.x_ticks[-1][1] == labels[-1] or len(chart.x_ticks) == 1)


def test_a_gap_in_a_series_is_said_in_words():
    from organisation.periods import gaps, parse

    values = [parse(label) for label in ("2018/19 Q1", "2019/20 Q1", "2019/20 Q2", "2019/20 Q4")]
    assert gaps(values) == ["2018/19 Q2 to 2018/19 Q4", "2019/20 Q3"]
    assert gaps(values[1:3]) == [] and gaps([]) == []


def test_the_demos_missing_snapshots_are_said_on_the_page_and_in_the_pack(executive, db):
    from datetime import date
    from decimal import Decimal

    from organisation import demo
    from organisation.models import ReportingPeriod
    from packs import services as pack_services
    from packs.models import Committee
    from placements import services as placement_services
    from placements.models import PlacementCategory
    from tests.packs.test_packs import docx_text, flat

    demo.load_data()
    # The demo's snapshots run to 2018/19 Q1; one for 2019/20 Q1 leaves 2018/19 Q2 to Q4 without.
    category = PlacementCategory.objects.order_by("pk").first()
    placement_services.snapshot_save(user=None, period=ReportingPeriod.for_label("2019/20 Q1"), rows=[
        placement_services.SnapshotInput(category=category, version=None, children=3, weekly_cost=Decimal(500))])
    page = flat(executive.get("/placements/").content.decode())
    assert "No snapshot was taken for 2018/19 Q2 to 2018/19 Q4" in page
    made = pack_services.build(quarter=ReportingPeriod.for_label("2019/20 Q1"), committee=Committee.objects.first(),
                               meeting_date=date(2019, 10, 14), directorate=None, draft=True)
    assert made.placements.gaps == ["2018/19 Q2 to 2018/19 Q4"]
    assert "No snapshot was taken for 2018/19 Q2 to 2018/19 Q4" in flat(docx_text(pack_services.render(made, "a",
                                                                                                        "docx")))

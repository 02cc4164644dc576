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

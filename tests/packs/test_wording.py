"""The covering report's drafted words: each share said as people say it, at every boundary."""

from __future__ import annotations

import pytest

from packs import wording


@pytest.mark.parametrize(("count", "base", "words"), [
    (8, 30, "just over a quarter (27%)"),
    (1, 4, "a quarter (25%)"),
    (4, 10, "two in five (40%)"),
    (1, 3, "a third (33%)"),
    (2, 3, "two thirds (67%)"),
    (1, 2, "half (50%)"),
    (9, 20, "just under half (45%)"),  # between two in five and half: the larger, said from below
    (3, 10, "just under a third (30%)"),
    (0, 7, "none (0%)"),
    (7, 7, "all (100%)"),
    (1, 50, "very few (2%)"),
    (49, 50, "almost all (98%)"),
    (3, 100, "just under one in twenty (3%)"),
    (97, 100, "just over nineteen in twenty (97%)"),
    (1, 200, "very few (1%)"),
    (201, 400, "half (50%)"),  # within half a point: the fraction itself
    (5, 29, "just under a fifth (17%)"),
])
def test_a_share_in_words(count, base, words):
    assert wording.proportion(count, base) == words


@pytest.mark.parametrize(("count", "base"), [(0, 0), (1, 0), (-1, 5), (6, 5)])
def test_no_words_without_a_base(count, base):
    assert wording.proportion(count, base) == ""


def test_the_summary_sentences_use_the_tables_figures():
    lines = wording.performance_summary(on_or_above=(8, 30), improved=(4, 10), quarter="2019/20 Q1",
                                        scope="the People directorate")
    assert lines == ["Just over a quarter (27%) of the 30 PIs with established targets are performing on or above "
                     "target (8)",
                     "Two in five (40%) of the 10 with a direct comparison from 12 months ago have improved (4)"]
    assert wording.performance_summary(on_or_above=(0, 0), improved=(0, 0), quarter="Q", scope="s") == [
        "No PI has an established target this quarter"]
    assert wording.performance_summary(on_or_above=(1, 1), improved=(0, 1), quarter="Q", scope="s") == [
        "The one PI with an established target is performing on or above target",
        "The one PI with a direct comparison from 12 months ago has not improved"]
    assert wording.performance_summary(on_or_above=(1, 3), improved=(0, 0), quarter="Q", scope="s") == [
        "A third (33%) of the 3 PIs with established targets are performing on or above target (1)"]

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


def test_typed_prose_keeps_paragraphs_line_breaks_and_lists():
    from organisation.templatetags.formatting import prose, prose_blocks

    text = "First line\nsecond line\n\n- one\n- two\n\nA1 - appendix\nA2 - another"
    assert prose_blocks(text) == [("p", ["First line\nsecond line"]), ("ul", ["one", "two"]),
                                  ("p", ["A1 - appendix\nA2 - another"])]
    html = str(prose("<b>x</b>\ny"))
    assert html == "<p>&lt;b&gt;x&lt;/b&gt;<br>y</p>"


def test_an_exception_is_said_against_the_target_it_was_judged_by():
    from types import SimpleNamespace

    from packs.covering import _exception_sentence

    line = SimpleNamespace(code="BCP212", title="Adolescents entering care", status="Well below target", value="8",
                           target="24", target_to_date="6", direction="Worsened")
    assert _exception_sentence(line) == ("BCP212 (Adolescents entering care) is well below target: 8 against a "
                                         "target of 6 to date (24 for the year), and worse than a year ago.")
    line = SimpleNamespace(code="X1", title="T", status="Not submitted", value="n/a", target="5", target_to_date="",
                           direction="Not known")
    assert _exception_sentence(line) == "X1 (T): not submitted."

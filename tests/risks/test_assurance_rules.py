"""The assurance rules (risks/assurance.py) as pure functions, no database: the labels a council sets, their
order, the weakest given, which are weak (Limited or No), which levels are severe (High or Critical), and the
gaps in words at each boundary."""

import pytest

from risks import assurance
from risks.assurance import DEFAULT_LABELS, ControlFact, gaps, is_severe, is_weak, labels_from, rank, weakest

THREE = ("Good", "Fair", "Poor")
TWO = ("Assured", "Not assured")
FIVE = ("Full", "Substantial", "Reasonable", "Limited", "No")


@pytest.mark.parametrize(("setting", "expected"), [
    (None, DEFAULT_LABELS),
    ("", DEFAULT_LABELS),
    ("Substantial;Reasonable;Limited;No", DEFAULT_LABELS),
    (" Good ; Fair ;Poor ", THREE),
    ("Good,Fair,Poor", THREE),
    ("Good;;Fair;", ("Good", "Fair")),
    (["Assured", "Not assured"], TWO),
    (("Good", " Fair ", "Poor"), THREE),
    # Refused, so the defaults: fewer than two, a label twice (in any case), one too long, nothing but spaces.
    ("Only", DEFAULT_LABELS),
    (";;;", DEFAULT_LABELS),
    ("Good;good", DEFAULT_LABELS),
    (["Good", "Fair", "GOOD"], DEFAULT_LABELS),
    ("Good;" + "x" * 41, DEFAULT_LABELS),
    ("Good;" + "x" * 40, ("Good", "x" * 40)),
    ([], DEFAULT_LABELS),
    ("   ", DEFAULT_LABELS),
])
def test_labels_from_a_setting(setting, expected):
    assert labels_from(setting) == expected


@pytest.mark.parametrize(("label", "labels", "expected"), [
    ("Substantial", DEFAULT_LABELS, 0), ("Reasonable", DEFAULT_LABELS, 1), ("Limited", DEFAULT_LABELS, 2),
    ("No", DEFAULT_LABELS, 3), ("limited", DEFAULT_LABELS, 2), ("  NO ", DEFAULT_LABELS, 3),
    ("", DEFAULT_LABELS, None), (None, DEFAULT_LABELS, None), ("None", DEFAULT_LABELS, None),
    ("Partial", DEFAULT_LABELS, None), ("Poor", THREE, 2), ("Substantial", FIVE, 1), ("Good", DEFAULT_LABELS, None),
])
def test_rank_strongest_first(label, labels, expected):
    assert rank(label, labels) == expected


def test_canonical_gives_the_label_as_configured():
    assert assurance.canonical("limited") == "Limited"
    assert assurance.canonical(" reasonable ") == "Reasonable"
    assert assurance.canonical("fair", THREE) == "Fair"
    assert assurance.canonical("Limited", THREE) is None
    assert assurance.canonical("") is None


@pytest.mark.parametrize(("given", "labels", "expected"), [
    ([], DEFAULT_LABELS, None),
    (["", ""], DEFAULT_LABELS, None),  # not assessed is not weak: it is not there
    (["Partial"], DEFAULT_LABELS, None),
    (["Substantial"], DEFAULT_LABELS, "Substantial"),
    (["Substantial", "Reasonable"], DEFAULT_LABELS, "Reasonable"),
    (["reasonable", "", "Substantial"], DEFAULT_LABELS, "Reasonable"),
    (["No", "Substantial", "Limited"], DEFAULT_LABELS, "No"),
    (["Fair", "Good"], THREE, "Fair"),
    (["Full", "Substantial"], FIVE, "Substantial"),
])
def test_weakest_ignores_what_is_not_assessed(given, labels, expected):
    assert weakest(given, labels) == expected


@pytest.mark.parametrize(("label", "labels", "expected"), [
    ("Substantial", DEFAULT_LABELS, False), ("Reasonable", DEFAULT_LABELS, False),
    ("Limited", DEFAULT_LABELS, True), ("No", DEFAULT_LABELS, True), ("no", DEFAULT_LABELS, True),
    ("", DEFAULT_LABELS, False), (None, DEFAULT_LABELS, False), ("Partial", DEFAULT_LABELS, False),
    ("Good", THREE, False), ("Fair", THREE, True), ("Poor", THREE, True),
    # Of two labels only the weaker is weak: the strongest never is.
    ("Assured", TWO, False), ("Not assured", TWO, True),
    ("Full", FIVE, False), ("Substantial", FIVE, False), ("Reasonable", FIVE, False), ("Limited", FIVE, True),
    ("No", FIVE, True),
])
def test_is_weak_at_each_boundary(label, labels, expected):
    assert is_weak(label, labels) is expected


@pytest.mark.parametrize(("labels", "expected"), [
    (DEFAULT_LABELS, ("Limited", "No")), (THREE, ("Fair", "Poor")), (TWO, ("Not assured",)),
    (FIVE, ("Limited", "No")),
])
def test_weak_labels(labels, expected):
    assert assurance.weak_labels(labels) == expected


@pytest.mark.parametrize(("index", "count", "expected"), [
    # The council's four levels, Low, Medium, High, Critical: High and Critical are severe.
    (0, 4, False), (1, 4, False), (2, 4, True), (3, 4, True),
    (4, 4, False), (-1, 4, False),  # not a level of the scheme
    (0, 0, False), (0, 1, False),  # no levels; a single level is not "high"
    (0, 2, False), (1, 2, True),  # of two, the higher
    (0, 3, False), (1, 3, True), (2, 3, True),
    (2, 5, False), (3, 5, True), (4, 5, True),
])
def test_is_severe_at_each_boundary(index, count, expected):
    assert is_severe(index, count) is expected


def facts(*pairs):
    return [ControlFact(line, label) for line, label in pairs]


NONE = ["no second- or third-line assurance"]
WEAK = ["second- and third-line assurance is only Limited or No"]


@pytest.mark.parametrize(("index", "controls", "expected"), [
    (1, facts(), []),  # Medium: never a gap, whatever its controls
    (1, facts((1, "No")), []),
    (2, facts(), NONE),  # High, no controls
    (3, facts((1, "Substantial")), NONE),  # management's own assurance only
    (2, facts((2, ""), (3, "")), NONE),  # second and third line not assessed
    (2, facts((2, "Partial")), NONE),  # an unknown label is not assurance
    (2, facts((2, "Limited")), WEAK),
    (2, facts((3, "No"), (2, "Limited"), (1, "Substantial")), WEAK),
    (3, facts((3, "no")), WEAK),
    (2, facts((2, "Reasonable")), []),
    (2, facts((2, "Limited"), (3, "Substantial")), []),  # not only weak
    (2, facts((2, ""), (3, "Reasonable")), []),
    (3, facts((2, "Substantial"), (3, "No")), []),
])
def test_gaps_in_words(index, controls, expected):
    assert [g.reason for g in gaps(index, 4, controls)] == expected


def test_gaps_with_the_councils_own_labels():
    assert [g.reason for g in gaps(2, 4, facts((2, "Fair"), (3, "Poor")), THREE)] == [
        "second- and third-line assurance is only Fair or Poor"]
    assert gaps(2, 4, facts((2, "Good")), THREE) == []
    assert [g.reason for g in gaps(2, 4, facts((3, "Not assured")), TWO)] == [
        "second- and third-line assurance is only Not assured"]
    assert gaps(2, 4, facts((3, "Assured")), TWO) == []
    # The default labels are not labels of a council that set its own.
    assert [g.reason for g in gaps(2, 4, facts((3, "Substantial")), THREE)] == NONE

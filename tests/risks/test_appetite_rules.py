"""Risk appetite rules (risks/appetite.py), pure: cells inside appetite for each level on both schemes, at
every cell boundary; the fallback order; stored cells checked against the scheme."""

import pytest

from risks import appetite
from risks.appetite import Level
from risks.scoring import Kind, Scheme, level

COUNCIL = Scheme.from_data("Council 4x4", {
    "likelihood": [[1, "Rare"], [2, "Unlikely"], [3, "Likely"], [4, "Almost certain"]],
    "threat_impact": [[1, "Minor"], [3, "Moderate"], [5, "Major"], [7, "Critical"]],
    "opportunity_impact": [[1, "Slight"], [3, "Modest"], [5, "Significant"], [7, "Exceptional"]],
    "levels": [{"name": "Low", "min": 1, "max": 4, "colour": "g"}, {"name": "Medium", "min": 5, "max": 12, "colour": "y"},
               {"name": "High", "min": 13, "max": 27, "colour": "o"}, {"name": "Critical", "min": 28, "max": None,
                                                                        "colour": "r"}]})
STANDARD = Scheme.from_data("Standard 5x5", {
    "likelihood": [[v, str(v)] for v in range(1, 6)], "threat_impact": [[v, str(v)] for v in range(1, 6)],
    "opportunity_impact": [[v, str(v)] for v in range(1, 6)],
    "levels": [{"name": "Low", "min": 1, "max": 4, "colour": "g"}, {"name": "Medium", "min": 5, "max": 9, "colour": "y"},
               {"name": "High", "min": 10, "max": 16, "colour": "o"}, {"name": "Very high", "min": 17, "max": None,
                                                                         "colour": "r"}]})


def _all(scheme):
    return [(li, im) for li in scheme.likelihoods for im in scheme.impacts[Kind.THREAT]]


@pytest.mark.parametrize("scheme", [COUNCIL, STANDARD], ids=["4x4", "5x5"])
@pytest.mark.parametrize(("lvl", "bands"), [(Level.MINIMAL, {"Low"}), (Level.CAUTIOUS, {"Low", "Medium"}),
                                             (Level.OPEN, {"Low", "Medium", "High"})])
def test_each_whole_band_level_takes_in_exactly_its_bands(scheme, lvl, bands):
    inside = appetite.cells_for_level(scheme, lvl)
    for cell in _all(scheme):
        assert (cell in inside) == (level(scheme, cell[0] * cell[1]).name in bands), cell


@pytest.mark.parametrize("scheme", [COUNCIL, STANDARD], ids=["4x4", "5x5"])
def test_averse_is_the_lower_half_of_the_lowest_band_and_eager_all_but_the_top(scheme):
    averse = appetite.cells_for_level(scheme, Level.AVERSE)
    assert averse == {c for c in _all(scheme) if c[0] * c[1] <= 2}  # Low is 1-4: its lower half is 1-2
    eager = appetite.cells_for_level(scheme, Level.EAGER)
    top = scheme.levels[-1]
    assert eager == {c for c in _all(scheme) if not top.contains(c[0] * c[1])}


@pytest.mark.parametrize("scheme", [COUNCIL, STANDARD], ids=["4x4", "5x5"])
def test_levels_nest(scheme):
    order = [Level.AVERSE, Level.MINIMAL, Level.CAUTIOUS, Level.OPEN, Level.EAGER]
    cells = [appetite.cells_for_level(scheme, lvl) for lvl in order]
    assert all(a <= b for a, b in zip(cells, cells[1:]))


@pytest.mark.parametrize(("likelihood", "impact", "out"), [
    (1, 1, False), (1, 3, False), (4, 1, False),  # Low: inside cautious
    (1, 5, False), (2, 5, False), (4, 3, False),  # 5, 10, 12: Medium, inside
    (3, 5, True), (2, 7, True), (4, 7, True)])  # 15, 14, 28: High and Critical, outside
def test_cautious_on_the_council_scheme_at_each_boundary(likelihood, impact, out):
    cells = appetite.cells_for_level(COUNCIL, Level.CAUTIOUS)
    assert appetite.outside(cells, likelihood, impact) is out


def test_an_opportunity_is_never_outside_appetite():
    assert appetite.outside(frozenset(), 4, 7, Kind.OPPORTUNITY) is False


def test_the_fallback_runs_risk_then_category_then_scheme():
    own = appetite.resolve(COUNCIL, risk_level="eager", category="Safeguarding", category_level="averse")
    assert (own.source, own.level) == ("risk", Level.EAGER)
    drawn = appetite.resolve(COUNCIL, category="Safeguarding", category_level="averse", category_cells=[[1, 1]])
    assert (drawn.source, drawn.cells) == ("category", frozenset({(1, 1)}))
    undrawn = appetite.resolve(COUNCIL, category="Financial", category_level="open")
    assert undrawn.cells == appetite.cells_for_level(COUNCIL, "open")
    default = appetite.resolve(COUNCIL, default_level="minimal")
    assert (default.source, default.level) == ("scheme", Level.MINIMAL)
    assert appetite.resolve(COUNCIL, default_cells=[[1, 1], [2, 1]]).cells == {(1, 1), (2, 1)}
    assert "Safeguarding" in drawn.described and "default" in default.described


@pytest.mark.parametrize(("cells", "message"), [
    ([[5, 1]], "likelihood 5 x impact 1 is not a cell"), ([[1, 2]], "impact 2 is not a cell"),
    ([["a", 1]], "is not a cell"), ([[1]], "is not a cell"), ([None], "is not a cell")])
def test_stored_cells_off_the_scheme_are_refused(cells, message):
    with pytest.raises(ValueError, match=message):
        appetite.checked_cells(COUNCIL, cells)


def test_stored_cells_on_the_scheme_are_kept():
    assert appetite.checked_cells(STANDARD, [[5, 5], ["1", "2"]]) == {(5, 5), (1, 2)}

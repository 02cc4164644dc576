"""risks/scoring.py against every cell of both shipped schemes, threats and opportunities."""

import importlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from risks.scoring import Kind, OffScale, Scheme, Travel, check, heat_map, level, outside_tolerance, rating, travel

shipped = importlib.import_module("risks.migrations.0002_scoring_schemes")
COUNCIL = Scheme.from_data("Council 4x4", shipped.COUNCIL_4X4)
STANDARD = Scheme.from_data("Standard 5x5", shipped.STANDARD_5X5)


def council_band(score):
    return "Low" if score <= 4 else "Medium" if score <= 12 else "High" if score <= 27 else "Critical"


def standard_band(score):
    return "Low" if score <= 4 else "Medium" if score <= 9 else "High" if score <= 16 else "Critical"


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("likelihood", [1, 2, 3, 4])
@pytest.mark.parametrize("impact", [1, 3, 5, 7])
def test_every_cell_of_the_council_scheme(kind, likelihood, impact):
    assert check(COUNCIL, kind, likelihood, impact) == (likelihood, impact)
    score = rating(likelihood, impact)
    assert score == likelihood * impact
    assert level(COUNCIL, score).name == council_band(score)


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("likelihood", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("impact", [1, 2, 3, 4, 5])
def test_every_cell_of_the_standard_scheme(kind, likelihood, impact):
    assert check(STANDARD, kind, likelihood, impact) == (likelihood, impact)
    assert level(STANDARD, rating(likelihood, impact)).name == standard_band(likelihood * impact)


def test_the_domain_example():
    assert (rating(2, 7), level(COUNCIL, 14).name) == (14, "High")
    assert (rating(1, 7), level(COUNCIL, 7).name) == (7, "Medium")


@pytest.mark.parametrize(("score", "band"), [(4, "Low"), (5, "Medium"), (12, "Medium"), (13, "High"), (27, "High"),
                                             (28, "Critical")])
def test_band_boundaries(score, band):
    assert level(COUNCIL, score).name == band


@pytest.mark.parametrize(("kind", "likelihood", "impact", "message"), [
    (Kind.THREAT, 5, 7, "5 is not on the likelihood scale: use 1, 2, 3 or 4"),
    (Kind.THREAT, 2, 4, "4 is not on the threat impact scale: use 1, 3, 5 or 7"),
    (Kind.OPPORTUNITY, 2, 2, "2 is not on the opportunity impact scale: use 1, 3, 5 or 7"),
    (Kind.THREAT, "two", 7, '"two" is not on the likelihood scale'),
    (Kind.THREAT, "", 7, '"" is not on the likelihood scale'),
    (Kind.THREAT, 0, 7, "0 is not on the likelihood scale"),
    (Kind.THREAT, "2.5", 7, '"2.5" is not on the likelihood scale'),
])
def test_off_scale_values_name_the_allowed_ones(kind, likelihood, impact, message):
    with pytest.raises(OffScale, match=message.replace("(", r"\(")):
        check(COUNCIL, kind, likelihood, impact)


@pytest.mark.parametrize(("current", "previous", "expected"), [
    (14, None, Travel.NEW), (14, 14, Travel.SAME), (14, 7, Travel.UP), (7, 14, Travel.DOWN)])
def test_travel(current, previous, expected):
    assert travel(current, previous) == expected


@pytest.mark.parametrize(("kind", "current", "tolerance", "outside"), [
    (Kind.THREAT, 14, 7, True), (Kind.THREAT, 7, 7, False), (Kind.THREAT, 3, 7, False),
    (Kind.OPPORTUNITY, 3, 7, True), (Kind.OPPORTUNITY, 7, 7, False), (Kind.OPPORTUNITY, 14, 7, False)])
def test_outside_tolerance_for_threats_and_opportunities(kind, current, tolerance, outside):
    assert outside_tolerance(kind, current, tolerance) is outside


@pytest.mark.parametrize(("scheme", "kind"), [(COUNCIL, Kind.THREAT), (COUNCIL, Kind.OPPORTUNITY),
                                              (STANDARD, Kind.THREAT), (STANDARD, Kind.OPPORTUNITY)])
def test_heat_map_counts_each_cell(scheme, kind):
    likelihoods, impacts = scheme.likelihood_values(), scheme.impact_values(kind)
    scores = [(likelihoods[1], impacts[-1])] * 3 + [(likelihoods[0], impacts[0])]
    grid = heat_map(scheme, kind, scores)
    assert len(grid) == len(likelihoods) and all(len(row) == len(impacts) for row in grid)
    assert [row[0].likelihood for row in grid] == list(reversed(likelihoods))
    cells = {(c.likelihood, c.impact): c for row in grid for c in row}
    assert cells[(likelihoods[1], impacts[-1])].count == 3
    assert cells[(likelihoods[0], impacts[0])].count == 1
    assert sum(c.count for c in cells.values()) == 4
    assert all(c.rating == c.likelihood * c.impact and c.level == level(scheme, c.rating) for c in cells.values())


@given(st.sampled_from([COUNCIL, STANDARD]), st.sampled_from(list(Kind)), st.data())
def test_every_rating_on_a_scheme_falls_in_exactly_one_band(scheme, kind, data):
    likelihood = data.draw(st.sampled_from(scheme.likelihood_values()))
    impact = data.draw(st.sampled_from(scheme.impact_values(kind)))
    score = rating(likelihood, impact)
    assert sum(1 for band in scheme.levels if band.contains(score)) == 1

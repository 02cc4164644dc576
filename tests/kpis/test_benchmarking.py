"""The benchmark rules (kpis/benchmarking.py): pure, no database."""

from decimal import Decimal as D

import pytest

from kpis import benchmarking as b

T = b.Thresholds(D("50"), D("60"), D("70"))


@pytest.mark.parametrize(("value", "higher", "lower"), [
    ("49.99", "D", "A"),
    ("50", "C", "A"),  # at quartile 25: the better band either way
    ("50.01", "C", "B"),
    ("59.99", "C", "B"),
    ("60", "B", "B"),  # at the median
    ("60.01", "B", "C"),
    ("69.99", "B", "C"),
    ("70", "A", "C"),  # at quartile 75
    ("70.01", "A", "D"),
    ("-5", "D", "A"),
    ("1000", "A", "D"),
])
def test_the_band_at_and_either_side_of_each_threshold_for_both_polarities(value, higher, lower):
    assert b.band(D(value), T, "higher") == higher
    assert b.band(D(value), T, "lower") == lower


@pytest.mark.parametrize("polarity", [None, "", "neither", "Higher"])
def test_no_band_where_the_polarity_is_neither(polarity):
    assert b.band(D("55"), T, polarity) is None


@pytest.mark.parametrize(("value", "thresholds"), [(None, T), (D("55"), None)])
def test_no_band_without_the_figure_or_the_thresholds(value, thresholds):
    assert b.band(value, thresholds, "higher") is None


@pytest.mark.parametrize(("value", "higher", "lower"), [("59", "D", "A"), ("60", "A", "A"), ("61", "A", "D")])
def test_equal_thresholds_give_the_best_band_to_a_tie(value, higher, lower):
    flat = b.Thresholds(D("60"), D("60"), D("60"))
    assert b.band(D(value), flat, "higher") == higher
    assert b.band(D(value), flat, "lower") == lower


def test_thresholds_that_do_not_rise_are_refused():
    with pytest.raises(ValueError, match="must rise"):
        b.Thresholds(D("70"), D("60"), D("50"))


@pytest.mark.parametrize(("values", "expected"), [
    # Excel's QUARTILE.INC: position (n - 1) x p, interpolated.
    ([1, 2, 3, 4], ("1.75", "2.5", "3.25")),
    ([1, 2, 3, 4, 5], ("2", "3", "4")),
    ([7], ("7", "7", "7")),
    ([10, 20], ("12.5", "15", "17.5")),
    ([4, 1, 3, 2], ("1.75", "2.5", "3.25")),  # order does not matter
    ([1, None, 2, 3, 4, None], ("1.75", "2.5", "3.25")),  # missing figures are left out
])
def test_quartiles_are_excel_inclusive_percentiles(values, expected):
    found = b.quartiles([None if v is None else D(v) for v in values])
    assert (found.q25, found.q50, found.q75) == tuple(D(e) for e in expected)


def test_no_quartiles_without_figures():
    assert b.quartiles([None, None]) is None
    assert b.quartiles([]) is None


@pytest.mark.parametrize(("values", "expected"), [
    ([D(72), D(75), None, D(81)], D(76)),  # the mean of those with data
    ([None, D(80)], D(80)),
    ([None, None], None),
    ([], None),
])
def test_the_neighbours_figure_is_the_mean_of_those_with_data(values, expected):
    assert b.neighbour_mean(values) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("69", D("69")), (" 66.5 ", D("66.5")), ("1,448", D("1448")), ("-3", D("-3")),
    ("-", None), ("c", None), ("C", None), ("..", None), ("", None), (None, None), ("  ", None),
])
def test_suppression_codes_and_blanks_read_as_missing(text, expected):
    assert b.parse_figure(text) == expected


@pytest.mark.parametrize("text", ["x12", "12%", "n/a", "NaN", "inf"])
def test_other_text_is_not_a_figure(text):
    with pytest.raises(b.NotAFigure):
        b.parse_figure(text)


@pytest.mark.parametrize(("text", "label"), [
    ("2017-18", "2017/18"), ("2017/18", "2017/18"), ("2017/2018", "2017/18"), ("2017 - 18", "2017/18"),
    ("2018", "2017/18"), ("1999-00", "1999/00"),
])
def test_lait_years_read_as_year_labels(text, label):
    assert b.financial_year(text) == label


@pytest.mark.parametrize("text", ["2017-19", "17-18", "2017/2019", "", "Q1"])
def test_a_year_that_is_not_one_is_refused(text):
    with pytest.raises(b.NotAFigure):
        b.financial_year(text)


def _row(n, area, la, value, year="2017/18", measure="m", region="", code=""):
    return b.Published(row=n, measure=measure, year=year, area=area, la_number=la,
                       value=None if value is None else D(str(value)), ons_code=code, region=region)


def test_comparisons_from_lait_rows_take_las_only_into_the_quartiles_and_the_latest_year_only():
    rows = [
        _row(2, "England", "", 64, code="E92000001"),
        _row(3, "South West", "", 55, code="E12000009"),
        _row(4, "Council", "801", 69, region="South West"),
        _row(5, "N1", "701", 70), _row(6, "N2", "702", 90), _row(7, "N3", "703", None),
        _row(8, "Other", "601", 40),
        _row(9, "London", "", 1000),  # a region by name, though it has no code
        _row(10, "Council", "801", 71, year="2016/17"),
        _row(11, "N1", "701", 60, year="2016/17"),
    ]
    found = {(c.year, c.comparator): (c.value, c.row)
             for c in b.comparisons(rows, la_number="801", neighbours=["701", "702", "703"])}
    assert found[("2017/18", "council")] == (D("69"), 4)
    assert found[("2017/18", "England")] == (D("64"), 4)
    assert found[("2017/18", "region")] == (D("55"), 4)
    assert found[("2017/18", "statistical neighbours")] == (D("80"), 4)  # N3 has no data
    # LAs 40, 69, 70, 90: QUARTILE.INC 61.75, 69.5, 75
    assert [found[("2017/18", f"quartile {p}")][0] for p in (25, 50, 75)] == [D("61.75"), D("69.5"), D("75")]
    assert found[("2016/17", "council")] == (D("71"), 10)
    assert found[("2016/17", "statistical neighbours")] == (D("60"), 10)
    assert ("2016/17", "quartile 50") not in found and ("2016/17", "England") not in found


def test_the_council_is_found_by_its_ons_code_too():
    rows = [_row(2, "Bristol", "", 69, code="E06000023"), _row(3, "Other", "601", 40)]
    found = {c.comparator: c.value for c in b.comparisons(rows, la_number="999", ons_code="E06000023")}
    assert found["council"] == D("69")


def test_no_neighbours_figure_without_a_neighbours_file():
    rows = [_row(2, "Council", "801", 69), _row(3, "N1", "701", 70)]
    assert "statistical neighbours" not in {c.comparator for c in b.comparisons(rows, la_number="801")}

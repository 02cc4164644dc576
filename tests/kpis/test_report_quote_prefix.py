"""The quarterly report workbook keeps text a spreadsheet would run as a formula ("- lower") as text by
Excel's quote prefix: no apostrophe shows in the cell."""

import io

import openpyxl

from tests.kpis.conftest import make_indicator, set_actual, set_target


def test_the_polarity_cell_shows_no_apostrophe(executive, area_a, open_quarter):
    indicator = make_indicator(area_a, "DPE009", polarity="lower")
    set_target(indicator, "2019/20", 10)
    set_actual(indicator, "2019/20 Q1", 12, state="submitted", commentary="=HYPERLINK(\"x\")")
    book = openpyxl.load_workbook(io.BytesIO(executive.get(f"/performance/report/{open_quarter.slug}.xlsx").content))
    cells = [c for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c.value for c in cells if c.value.startswith("'")]
    risky = [c for c in cells if c.value.startswith(("-", "="))]
    assert risky and all(c.quotePrefix and c.data_type == "s" for c in risky)
    assert any(c.value == "=HYPERLINK(\"x\")" for c in risky)

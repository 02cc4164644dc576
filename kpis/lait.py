"""Reading DfE's LAIT long-format data (and its statistical neighbours file) into rows of the benchmarks
kind (formats.md), which import as any benchmarks file does.

The council is the area whose `LA Number` is settings.COUNCIL_LA_NUMBER (or whose `New LA Code` is
COUNCIL_ONS_CODE); each indicator whose `benchmark_measure` names a `Short Desc` takes that measure's
rows. Other measures, and columns beyond those read, are left alone (LAIT's downloads carry many).
"""

from __future__ import annotations

import tablib
from django.conf import settings

from organisation.interchange import ImportFileError, Table, read_cells
from organisation.interchange.reading import normalise_header

from . import benchmarking
from .models import Indicator

COLUMNS = ("Short Desc", "Years", "LA and Regions", "Values", "LA Number")
OPTIONAL = ("New LA Code", "Region")
NEIGHBOURS = 10
ERRORS_LISTED = 100


def _header(rows: list[list[str]], wanted: tuple[str, ...], optional: tuple[str, ...], what: str) -> dict[str, int]:
    if not rows:
        raise ImportFileError(f"The {what} is empty.")
    names = [normalise_header(h) for h in rows[0]]
    positions = {name: names.index(name.lower()) for name in wanted + optional if name.lower() in names}
    missing = [name for name in wanted if name not in positions]
    if missing:
        raise ImportFileError(f"row 1 (the header) of the {what}: missing column"
                              f"{'s' if len(missing) > 1 else ''} " + ", ".join(f'"{m}"' for m in missing)
                              + ". Expected columns: " + ", ".join(wanted) + ".")
    return positions


def _cell(row: list[str], position: int | None) -> str:
    return row[position].strip() if position is not None and position < len(row) else ""


def neighbours_of(filename: str, content: bytes, la_number: str) -> list[str]:
    """The council's statistical neighbours (LA numbers) from DfE's file: a row per council, its `LA Number`
    and its neighbours in `SN1` to `SN10`, nearest first."""
    rows = read_cells(filename, content)
    if not rows:
        raise ImportFileError("The neighbours file is empty.")
    names = [normalise_header(h).replace(" ", "") for h in rows[0]]
    if "lanumber" not in names:
        raise ImportFileError('row 1 (the header) of the neighbours file: missing column "LA Number". Expected '
                              'columns: LA Number, SN1 to SN10.')
    columns = [names.index(f"sn{n}") for n in range(1, NEIGHBOURS + 1) if f"sn{n}" in names]
    if not columns:
        raise ImportFileError('row 1 (the header) of the neighbours file: no neighbour columns "SN1" to "SN10".')
    at = names.index("lanumber")
    for number, row in enumerate(rows[1:], start=2):
        if _cell(row, at) != la_number:
            continue
        found = [_cell(row, c) for c in columns if _cell(row, c)]
        bad = [n for n in found if not n.isdigit() or len(n) != 3]
        if bad:
            raise ImportFileError(f'row {number} of the neighbours file: "{bad[0]}" is not a DfE local authority '
                                  "number such as 801")
        if not found:
            raise ImportFileError(f"row {number} of the neighbours file names no neighbours for {la_number}.")
        return found
    raise ImportFileError(f"The neighbours file has no row for the council's LA Number {la_number} "
                          "(settings.COUNCIL_LA_NUMBER).")


def read(filename: str, content: bytes, extra: dict[str, tuple[str, bytes]]) -> Table:
    """LAIT rows as benchmarks rows (code, year, comparator, value), each numbered by the LAIT row it came
    from (the council's, where it has one), so that a refused row names a row of the file given."""
    la_number, ons_code = settings.COUNCIL_LA_NUMBER, settings.COUNCIL_ONS_CODE
    if not la_number and not ons_code:
        raise ImportFileError("Set COUNCIL_LA_NUMBER (the council's DfE local authority number, e.g. 801) to "
                              "import LAIT data.")
    rows = read_cells(filename, content)
    at = _header(rows, COLUMNS, OPTIONAL, "LAIT file")
    codes: dict[str, list[str]] = {}
    for code, measure in Indicator.objects.exclude(benchmark_measure="").values_list("code", "benchmark_measure"):
        codes.setdefault(measure.strip().lower(), []).append(code)
    neighbours = None
    if "neighbours" in extra:
        neighbours = neighbours_of(*extra["neighbours"], la_number) if la_number else None
    records, errors, seen, measures = [], [], {}, set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        measure = _cell(row, at["Short Desc"])
        measures.add(measure)
        if measure.lower() not in codes:
            continue
        year = value = None
        try:
            year = benchmarking.financial_year(_cell(row, at["Years"]))
        except benchmarking.NotAFigure as exc:
            errors.append(f'row {number}, column "Years": {exc}')
        try:
            value = benchmarking.parse_figure(_cell(row, at["Values"]))
        except benchmarking.NotAFigure as exc:
            errors.append(f'row {number}, column "Values": {exc}')
        if year is None:
            continue
        record = benchmarking.Published(
            row=number, measure=measure.lower(), year=year, area=_cell(row, at["LA and Regions"]),
            la_number=_cell(row, at["LA Number"]), value=value, ons_code=_cell(row, at.get("New LA Code")),
            region=_cell(row, at.get("Region")))
        key = (record.measure, year, record.la_number or record.area.lower())
        if key in seen:
            errors.append(f"row {number}: the same measure, year and area as row {seen[key]} (each may appear once)")
            continue
        seen[key] = number
        records.append(record)
    if errors:
        more = f"; and {len(errors) - ERRORS_LISTED:,} more" if len(errors) > ERRORS_LISTED else ""
        raise ImportFileError("; ".join(errors[:ERRORS_LISTED]) + more)
    if not records:
        shown = ", ".join(f'"{m}"' for m in sorted(m for m in measures if m)[:5])
        raise ImportFileError("No row of the file is for a measure an indicator names in its benchmark_measure "
                              f"column (the file's measures include {shown or 'none'}): set the indicators' "
                              "benchmark_measure to the measure's Short Desc.")
    dataset = tablib.Dataset(headers=["code", "year", "comparator", "value"])
    row_numbers = []
    for c in benchmarking.comparisons(records, la_number=la_number, ons_code=ons_code, neighbours=neighbours):
        for code in codes[c.measure]:
            dataset.append([code, c.year, c.comparator, format(c.value.normalize(), "f")])
            row_numbers.append(c.row)
    return Table(dataset=dataset, row_numbers=row_numbers)

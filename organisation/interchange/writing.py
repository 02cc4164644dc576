"""Writing exports: formula-safe CSV and XLSX, and JSON, in the columns of formats.md."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import tablib

from .registry import get_kind

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def formula_safe(value: Any) -> Any:
    """Neutralise a text cell that a spreadsheet would run as a formula.

    Text starting with = + - @ tab or CR gets a leading apostrophe, except
    plain numbers such as ``-0.09``. Numbers, dates and blanks pass unchanged.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.match(value.strip()):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value
    if value is None:
        return ""
    return value


def export_dataset(kind_name: str, *, period: str | None = None, user=None) -> tablib.Dataset:
    kind = get_kind(kind_name)
    if kind.export is not None:
        return kind.export(period, user)
    resource = kind.resource()
    return resource.export()


def write(dataset: tablib.Dataset, fmt: str, *, title: str = "Export") -> bytes:
    """Serialise an export as formula-safe CSV or XLSX, or as JSON."""
    if fmt not in FORMATS:
        raise ValueError(f'"{fmt}" is not a format; choose csv, xlsx or json')
    headers = list(dataset.headers or [])
    rows = [list(r) for r in dataset]
    if fmt == "json":
        records = [dict(zip(headers, (_json_value(v) for v in row))) for row in rows]
        return json.dumps(records, indent=2, ensure_ascii=False).encode("utf-8")
    if fmt == "csv":
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([formula_safe(h) for h in headers])
        for row in rows:
            writer.writerow([formula_safe(_csv_value(v)) for v in row])
        return out.getvalue().encode("utf-8")
    return _write_xlsx(headers, rows, title)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _number_cell(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() and abs(value) < 10**15 else float(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value == "":
        return None
    return value


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _xlsx_value(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return _number_cell(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:  # a date written as text is a date to Excel (sorted and filtered as one); read back as the same
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _xlsx_cell(sheet, value: Any):
    """A cell: numbers as numbers, dates as dates (shown 31/03/2020), and text that a spreadsheet would run
    as a formula kept as text by Excel's own quote prefix (no apostrophe shown in the cell)."""
    from openpyxl.cell import WriteOnlyCell

    value = _xlsx_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and formula_safe(value) != value:
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, date) and not isinstance(value, datetime):
        cell.number_format = "dd/mm/yyyy"
    elif isinstance(value, datetime):
        cell.number_format = "dd/mm/yyyy hh:mm"
    return cell


def _write_xlsx(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    # Write-only mode streams rows; every text cell has been through formula_safe, so
    # none starts with "=" and openpyxl stores each as text, never as a formula.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Export")
    for index, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[index - 1])) for r in rows[:200] if index - 1 < len(r)])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    # Excel-ready: a filter on the header, and printed landscape, a page wide, the header on every page.
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(headers), 1))}{len(rows) + 1}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=formula_safe(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def blank_template(kind_name: str, fmt: str) -> bytes:
    kind = get_kind(kind_name)
    return write(tablib.Dataset(headers=list(kind.columns)), fmt, title=kind.name)



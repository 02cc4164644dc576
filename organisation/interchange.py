"""The import/export kinds of ../shared/formats.md, and the one code path
that the web pages and the ``import_data`` / ``export_data`` commands share.

Each app registers its kinds (in its AppConfig.ready) with a
django-import-export Resource. This module reads an uploaded CSV or XLSX into
a table (checking the header), runs the Resource all-or-nothing, turns every
failure into a message that names the spreadsheet row and column, and writes
exports as formula-safe CSV, XLSX or JSON.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong type, encoding, header...)."""


class RowError(ValueError):
    """A problem with one cell; ``column`` names the header it sits under."""

    def __init__(self, column: str | None, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


# --- the registry -----------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    resource_class: type | None  # an import_export Resource; None for export-only reports
    columns: tuple[str, ...]  # the header, in order
    required: tuple[str, ...] = ()  # columns that must be present in an import
    key: tuple[str, ...] = ()  # columns that identify a row (duplicates are refused)
    importable: bool = True
    # (period label or None, user or None) -> tablib.Dataset; default: Resource.export()
    export: Callable[[str | None, Any], tablib.Dataset] | None = None
    description: str = ""

    def resource(self, **kwargs):
        assert self.resource_class is not None
        return self.resource_class(**kwargs)


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    _KINDS[kind.name] = kind


def get_kind(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise KeyError(f'"{name}" is not a kind of data; choose one of: {", ".join(kind_names())}') from None


def kind_names(*, importable: bool | None = None) -> list[str]:
    return [k.name for k in _KINDS.values() if importable is None or k.importable == importable]


def kinds(*, importable: bool | None = None) -> list[Kind]:
    return [k for k in _KINDS.values() if importable is None or k.importable == importable]


# --- reading files ------------------------------------------------------------

@dataclass
class Table:
    """Rows read from a file, with the spreadsheet row number of each."""

    dataset: tablib.Dataset
    row_numbers: list[int]  # row_numbers[i] is the sheet row of dataset row i (header is row 1)


def _normalise_header(name: Any) -> str:
    return re.sub(r"\s+", " ", str(name or "")).strip().lower()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read). "
            "Save it as \"CSV UTF-8\" or as an Excel workbook and upload it again."
        ) from None
    if "\x00" in text:
        raise ImportFileError("The file is not a CSV or Excel spreadsheet (it contains binary data).")
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise ImportFileError(f"The CSV file cannot be read: {exc}.") from None


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:
        raise ImportFileError("The Excel file cannot be opened: it may be damaged or not an .xlsx workbook.") from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        header: list[str] = []
        for row_index, row in enumerate(sheet.iter_rows(), start=1):
            cells = []
            for col_index, cell in enumerate(row):
                value = cell.value
                if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")):
                    column = header[col_index] if col_index < len(header) else f"{col_index + 1}"
                    raise ImportFileError(
                        f'row {row_index}, column "{column}": the cell holds a formula; '
                        "paste values only and upload again"
                    )
                cells.append(_cell_text(value))
            if row_index == 1:
                header = cells
            rows.append(cells)
        return rows
    finally:
        workbook.close()


def read_table(kind: Kind, filename: str, content: bytes) -> Table:
    """Read a CSV or XLSX upload for ``kind`` and check its header."""
    if not content:
        raise ImportFileError("The file is empty.")
    lower = filename.lower()
    is_zip = content[:4] == b"PK\x03\x04"
    if lower.endswith(".xlsx") or is_zip:
        if not is_zip:
            raise ImportFileError("The file is named .xlsx but is not an Excel workbook.")
        rows = _read_xlsx(content)
    elif lower.endswith(".csv") or lower.endswith(".txt") or "." not in lower:
        rows = _read_csv(content)
    else:
        raise ImportFileError("Only CSV (.csv) and Excel (.xlsx) files can be imported.")

    # Drop blank rows (often at the end of a sheet), keeping the sheet numbering.
    numbered = [(number, row) for number, row in enumerate(rows, start=1) if any(c != "" for c in row)]
    if not numbered or numbered[0][0] != 1:
        raise ImportFileError("The first row must be the header: " + ", ".join(kind.columns) + ".")
    header_row = numbered[0][1]
    # Trailing blank header cells are harmless (spreadsheets often add them).
    while header_row and header_row[-1] == "":
        header_row = header_row[:-1]
    header = [_normalise_header(h) for h in header_row]
    problems = []
    for position, name in enumerate(header, start=1):
        if name == "":
            problems.append(f"column {position} has no header")
        elif name not in kind.columns:
            problems.append(f'"{header_row[position - 1]}" is not a column of {kind.name}')
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    problems += [f'column "{d}" appears more than once' for d in duplicates]
    missing = [c for c in kind.required if c not in header]
    if missing:
        problems.append("missing column" + ("s " if len(missing) > 1 else " ") + ", ".join(f'"{m}"' for m in missing))
    if problems:
        raise ImportFileError(
            "row 1 (the header): " + "; ".join(problems) + ". Expected columns: " + ", ".join(kind.columns) + "."
        )

    dataset = tablib.Dataset(headers=header)
    row_numbers = []
    width = len(header)
    for number, row in numbered[1:]:
        extra = [c for c in row[width:] if c != ""]
        if extra:
            raise ImportFileError(f"row {number} has more cells than the header has columns.")
        cells = (row + [""] * width)[:width]
        dataset.append(cells)
        row_numbers.append(number)
    if not row_numbers:
        raise ImportFileError("The file has a header but no rows to import.")
    _check_duplicate_keys(kind, dataset, row_numbers)
    return Table(dataset=dataset, row_numbers=row_numbers)


def _check_duplicate_keys(kind: Kind, dataset: tablib.Dataset, row_numbers: list[int]) -> None:
    if not kind.key or any(k not in dataset.headers for k in kind.key):
        return
    seen: dict[tuple, int] = {}
    errors = []
    for index, row in enumerate(dataset.dict):
        key = tuple(_normalise_header(row[k]) for k in kind.key)
        if key in seen:
            shown = ", ".join(f"{k} {row[k]}" for k in kind.key)
            errors.append(f"row {row_numbers[index]}: the same {shown} as row {seen[key]} (each may appear once)")
        else:
            seen[key] = row_numbers[index]
    if errors:
        raise ImportFileError("; ".join(errors))


# --- running an import ----------------------------------------------------

@dataclass
class RowPreview:
    row: int
    action: str  # "New", "Changed", "Unchanged"
    values: dict[str, str]


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "New service area: Public Health"
    warnings: list[str] = field(default_factory=list)  # e.g. data-quality flags
    rows: list[RowPreview] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    def summary(self) -> str:
        text = f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, {len(self.errors)} errors"
        return text


def _message_text(error: Any) -> list[str]:
    if isinstance(error, ValidationError):
        return [str(m) for m in error.messages]
    if isinstance(error, RowError):
        return [error.message]
    return [str(error)]


def _field_columns(resource) -> dict[str, str]:
    mapping = {}
    for fld in resource.fields.values():
        if fld.attribute:
            mapping[fld.attribute] = fld.column_name
            mapping[fld.attribute.split("__")[0]] = fld.column_name
        mapping[fld.column_name] = fld.column_name
    return mapping


def _row_message(row: int, column: str | None, message: str) -> str:
    if column:
        return f'row {row}, column "{column}": {message}'
    return f"row {row}: {message}"


def run_import(kind: Kind, table: Table, *, dry_run: bool, user=None) -> ImportReport:
    """Import all rows or none. Errors name the sheet row and column."""
    resource = kind.resource(user=user) if _accepts_user(kind) else kind.resource()
    report = ImportReport(kind=kind.name, dry_run=dry_run)
    with transaction.atomic():
        result = resource.import_data(
            table.dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            user=user,
        )
        columns = _field_columns(resource)

        def sheet_row(number: int) -> int:
            return table.row_numbers[number - 1] if 0 < number <= len(table.row_numbers) else number + 1

        for error in result.base_errors:
            report.errors.append(str(error.error))
        for error_row in result.error_rows:
            for err in error_row.errors:
                exc = err.error
                column = getattr(exc, "column", None)
                for text in _message_text(exc):
                    report.errors.append(_row_message(sheet_row(error_row.number), column, text))
        for invalid in result.invalid_rows:
            for key, messages in invalid.error_dict.items():
                column = None if key == NON_FIELD_ERRORS else columns.get(key, key)
                for text in messages:
                    report.errors.append(_row_message(sheet_row(invalid.number), column, str(text)))
        report.errors.sort(key=lambda message: _error_sort_key(message, kind.columns))

        for index, row_result in enumerate(result.rows, start=1):
            action = {"new": "New", "update": "Changed", "skip": "Unchanged"}.get(row_result.import_type)
            if action is None:
                continue
            if action == "New":
                report.new += 1
            elif action == "Changed":
                report.updated += 1
            else:
                report.unchanged += 1
            values = dict(zip(table.dataset.headers, table.dataset[index - 1])) if index <= len(table.dataset) else {}
            report.rows.append(RowPreview(row=sheet_row(index), action=action, values=values))
        report.notes = list(dict.fromkeys(getattr(resource, "notes", [])))
        report.warnings = list(dict.fromkeys(getattr(resource, "warnings", [])))
        if report.errors or dry_run:
            transaction.set_rollback(True)
    if report.errors:
        report.new = report.updated = report.unchanged = 0
    return report


def _accepts_user(kind: Kind) -> bool:
    import inspect

    try:
        return "user" in inspect.signature(kind.resource_class.__init__).parameters
    except (TypeError, ValueError):
        return False


def _error_sort_key(message: str, columns: Sequence[str]) -> tuple[int, int, str]:
    """By row, then in the order of the file's columns."""
    match = re.match(r'row (\d+)(?:, column "([^"]+)")?', message)
    if not match:
        return (0, 0, message)
    column = match.group(2)
    position = columns.index(column) + 1 if column in columns else 0
    return (int(match.group(1)), position, message)


def import_file(kind_name: str, filename: str, content: bytes, *, dry_run: bool, user=None) -> ImportReport:
    """Read and import a file; file-level problems come back as errors too."""
    kind = get_kind(kind_name)
    try:
        table = read_table(kind, filename, content)
    except ImportFileError as exc:
        return ImportReport(kind=kind.name, dry_run=dry_run, errors=[str(exc)])
    return run_import(kind, table, dry_run=dry_run, user=user)


# --- exports -------------------------------------------------------------

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


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value == "":
        return None
    return value


def _xlsx_value(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return formula_safe(value)


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
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=formula_safe(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def blank_template(kind_name: str, fmt: str) -> bytes:
    kind = get_kind(kind_name)
    return write(tablib.Dataset(headers=list(kind.columns)), fmt, title=kind.name)


def download_response(dataset: tablib.Dataset, fmt: str, filename: str, *, title: str = "Export"):
    """An HTTP attachment of a formula-safe export (the web's one export path)."""
    from django.http import Http404

    if fmt not in FORMATS:
        raise Http404(f"No {fmt} export")
    return attachment(write(dataset, fmt, title=title), fmt, filename)


def attachment(content: bytes, fmt: str, filename: str):
    """An HTTP attachment of an export already written (csv, xlsx, json or pdf)."""
    from django.http import HttpResponse

    content_type = "application/pdf" if fmt == "pdf" else CONTENT_TYPES[fmt]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response

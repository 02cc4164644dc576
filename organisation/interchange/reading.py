"""Reading an uploaded CSV or XLSX into a checked table, within the limits of formats.md.

Hostile files are refused before they can hold a worker: a workbook's size
once unpacked and its declared row count are checked before any row is read,
and reading stops at the first row past the limit.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import tablib

from organisation.parsing import MAX_ROWS

from .registry import Kind

# A workbook of 50,000 rows of these kinds unpacks to well under this; a "zip bomb" far over it.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PART_BYTES = 48 * 1024 * 1024  # one part (a sheet, the shared strings): openpyxl holds the strings whole
MAX_TEXT_BYTES = 32 * 1024  # between two tags: a cell of 4,000 characters, escaped, is well under this
MAX_COLUMNS = 60
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_LONG_TEXT = re.compile(rb"[^<]{%d}" % MAX_TEXT_BYTES)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong type, encoding, header, size...)."""


class RowError(ValueError):
    """A problem with one cell; ``column`` names the header it sits under."""

    def __init__(self, column: str | None, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def _too_many_rows() -> ImportFileError:
    return ImportFileError(f"The file has more than {MAX_ROWS:,} rows: split it into files of at most "
                           f"{MAX_ROWS:,} rows and import each.")


@dataclass
class Table:
    """Rows read from a file, with the spreadsheet row number of each."""

    dataset: tablib.Dataset
    row_numbers: list[int]  # row_numbers[i] is the sheet row of dataset row i (header is row 1)


def normalise_header(name: Any) -> str:
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
    # Checked before the rows are read: a file can hold no more rows than it has line breaks.
    if text.count("\n") > MAX_ROWS + 1:
        rows = []
        try:
            for row in csv.reader(io.StringIO(text, newline="")):
                rows.append(row)
                if len(rows) > MAX_ROWS + 1 and any(cell.strip() for cell in row):
                    raise _too_many_rows()
        except csv.Error as exc:
            raise ImportFileError(f"The CSV file cannot be read: {exc}.") from None
        return [[cell.strip() for cell in row] for row in rows]
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise ImportFileError(f"The CSV file cannot be read: {exc}.") from None


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension[^>]*\sref="[A-Z]+\d+:[A-Z]+(\d+)"')
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _count_rows(handle, limit: int, chunk_size: int = 1 << 20) -> int:
    """Count a sheet's rows from its XML bytes, stopping once past limit (cheap: no XML is parsed)."""
    overlap = 256  # a tag cut by a chunk's end is counted in the next chunk
    count, tail = 0, b""
    while chunk := handle.read(chunk_size):
        data = tail + chunk
        cut = max(0, len(data) - overlap) if len(chunk) == chunk_size else len(data)
        count += sum(1 for match in _ROW.finditer(data) if match.start() < cut)
        tail = data[cut:]
        if count > limit:
            return count
    return count + len(_ROW.findall(tail))


def _check_part(handle, name: str, chunk_size: int = 1 << 20) -> None:
    """Before any XML is parsed, read one part's bytes: refuse a document type declaration (Excel never writes
    one; it is how entity tricks start) and any text run so long no cell could need it (it would be held
    whole in memory)."""
    tail = b""
    while chunk := handle.read(chunk_size):
        data = tail + chunk
        if _DECLARATION.search(data):
            raise ImportFileError(f"The Excel file's part {name[:60]} declares a document type (DTD), which "
                                  "Excel never writes: save the workbook again from Excel and upload it.")
        if _LONG_TEXT.search(data):
            raise ImportFileError(f"The Excel file's part {name[:60]} holds a value longer than any cell can: "
                                  "it may be damaged. Save it again from Excel and upload it.")
        cut = data.rfind(b"<")
        tail = data[cut:] if cut >= 0 and len(data) - cut < MAX_TEXT_BYTES else data[-MAX_TEXT_BYTES:]


def _check_workbook(content: bytes) -> None:
    """Refuse a workbook that unpacks too large or declares too many rows, before openpyxl reads it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise ImportFileError("The Excel file cannot be opened: it may be damaged or not an .xlsx workbook.") from None
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise ImportFileError("The file is a zip archive but not an Excel workbook (.xlsx).")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            f"The Excel file unpacks to {unpacked / 1024 / 1024:,.0f} MB, more than a workbook of "
            f"{MAX_ROWS:,} rows needs: save only the rows to import and upload it again.")
    for member in members:
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            try:
                with archive.open(member) as handle:
                    head = handle.read(4096)
                found = _DIMENSION.search(head)
                if found and int(found.group(1)) > MAX_ROWS + 1:
                    raise _too_many_rows()
                # The declared size may be missing or false: count the rows (openpyxl would read the
                # whole sheet to size it before the first row).
                with archive.open(member) as handle:
                    rows = _count_rows(handle, MAX_ROWS + 1)
            except ImportFileError:
                raise
            except Exception:
                raise ImportFileError("The Excel file cannot be opened: it may be damaged.") from None
            if rows > MAX_ROWS + 1:
                raise _too_many_rows()
    if any(m.file_size > MAX_PART_BYTES for m in members):
        raise ImportFileError(
            f"The Excel file unpacks to {unpacked / 1024 / 1024:,.0f} MB, more than a workbook of "
            f"{MAX_ROWS:,} rows needs: save only the rows to import and upload it again.")
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            try:
                with archive.open(member) as handle:
                    _check_part(handle, member.filename)
            except ImportFileError:
                raise
            except Exception:
                raise ImportFileError("The Excel file cannot be opened: it may be damaged.") from None


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    _check_workbook(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:
        raise ImportFileError("The Excel file cannot be opened: it may be damaged or not an .xlsx workbook.") from None
    try:
        if not workbook.worksheets:
            raise ImportFileError("The Excel file has no worksheets.")
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        header: list[str] = []
        for row_index, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            if row_index > MAX_ROWS + 1:
                raise _too_many_rows()
            cells = []
            for col_index, cell in enumerate(row):
                value = getattr(cell, "value", None)
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
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError("The Excel file cannot be read: it may be damaged. Open it in Excel, save it "
                              "again as an .xlsx workbook and upload it.") from None
    finally:
        workbook.close()


def read_cells(filename: str, content: bytes) -> list[list[str]]:
    """A CSV or XLSX file's rows as text cells, within the limits (for a kind with its own reader)."""
    if not content:
        raise ImportFileError("The file is empty.")
    if filename.lower().endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        if content[:4] != b"PK\x03\x04":
            raise ImportFileError("The file is named .xlsx but is not an Excel workbook.")
        rows = _read_xlsx(content)
    else:
        rows = _read_csv(content)
    if sum(1 for row in rows if any(c != "" for c in row)) > MAX_ROWS + 1:
        raise _too_many_rows()
    return rows


def read_table(kind: Kind, filename: str, content: bytes) -> Table:
    """Read a CSV or XLSX upload for ``kind`` and check its header."""
    if not content:
        raise ImportFileError("The file is empty.")
    lower = filename.lower()
    is_zip = content[:4] == b"PK\x03\x04"
    is_csv = False
    if lower.endswith(".xlsx") or is_zip:
        if not is_zip:
            raise ImportFileError("The file is named .xlsx but is not an Excel workbook.")
        rows = _read_xlsx(content)
    elif lower.endswith(".csv") or lower.endswith(".txt") or "." not in lower:
        rows = _read_csv(content)
        is_csv = True
    else:
        raise ImportFileError("Only CSV (.csv) and Excel (.xlsx) files can be imported.")

    # Drop blank rows (often at the end of a sheet), keeping the sheet numbering.
    numbered = [(number, row) for number, row in enumerate(rows, start=1) if any(c != "" for c in row)]
    if not numbered or numbered[0][0] != 1:
        raise ImportFileError("The first row must be the header: " + ", ".join(kind.columns) + ".")
    if len(numbered) > MAX_ROWS + 1:
        raise _too_many_rows()
    header_row = numbered[0][1]
    # Trailing blank header cells are harmless (spreadsheets often add them).
    while header_row and header_row[-1] == "":
        header_row = header_row[:-1]
    synonyms = dict(kind.synonyms)
    header = [synonyms.get(normalise_header(h), normalise_header(h)) for h in header_row]
    problems = []
    for position, name in enumerate(header, start=1):
        if name == "":
            problems.append(f"column {position} has no header")
        elif name not in kind.columns:
            problems.append(f'"{header_row[position - 1][:40]}" is not a column of {kind.name}')
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    also = {name: other for other, name in synonyms.items()}
    problems += [f'column "{d}" appears more than once' + (f' (or as "{also[d]}", which means the same)'
                                                          if d in also else "") for d in duplicates]
    missing = [c for c in kind.required if c not in header]
    if missing:
        problems.append("missing column" + ("s " if len(missing) > 1 else " ") + ", ".join(f'"{m}"' for m in missing))
    if problems:
        raise ImportFileError(
            "row 1 (the header): " + "; ".join(problems[:10]) + ". Expected columns: " + ", ".join(kind.columns) + "."
        )

    dataset = tablib.Dataset(headers=header)
    row_numbers = []
    width = len(header)
    for number, row in numbered[1:]:
        extra = [c for c in row[width:] if c != ""]
        if extra:
            raise ImportFileError(f"row {number} has more cells than the header has columns.")
        if is_csv and len(row) < width:
            # A spreadsheet writes every cell of a row, empty ones as ",,": a short row is a cut or mistyped
            # line, and reading its missing cells as blank would blank stored values.
            raise ImportFileError(
                f'row {number} has {len(row)} cell{"s" if len(row) != 1 else ""} but the header has {width} '
                f'columns (the first missing is "{header[len(row)]}"): write every column, an empty cell as '
                "nothing between two commas.")
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
        key = tuple(normalise_header(row[k]) for k in kind.key)
        if key in seen:
            shown = ", ".join(f"{k} {row[k]}" for k in kind.key)
            errors.append(f"row {row_numbers[index]}: the same {shown} as row {seen[key]} (each may appear once)")
        else:
            seen[key] = row_numbers[index]
    if errors:
        more = f"; and {len(errors) - 100:,} more" if len(errors) > 100 else ""
        raise ImportFileError("; ".join(errors[:100]) + more)

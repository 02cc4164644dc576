"""The placements report ("Finance and activity") as lines, and as a workbook a clerk can print or paste.

``lines`` are the report's rows as the downloads hold them (the CSV writes them as they are). ``workbook``
lays them out for Excel: title rows saying whose report it is, what it covers, that locked quarters' figures
are as reported and when it was downloaded; the header row frozen and filtered; numbers stored as numbers
(children whole, costs in pounds, the annual cost in £ thousands, shares in per cent to one place), empty
where there is no figure; totals in bold; A4 landscape, a page wide, the header row on every page, "Page n of
N" in the footer. Text a spreadsheet would run as a formula is kept as text by Excel's quote prefix, as in
every export (organisation.interchange). No queries here: the report is read by the view."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from organisation.interchange.writing import _xlsx_cell
from organisation.periods import gaps

from . import costing
from .report import Report

TITLE = "Children in care placements: finance and activity"
SHEET_TITLE = "Finance and activity"
LEADING = ("Heading", "Category", "Measure")

# How each kind of line's figures read.
CHILDREN, MONEY, THOUSANDS, CHANGE, PERCENT = "children", "money", "thousands", "change", "percent"
NUMBER_FORMATS = {
    CHILDREN: "#,##0",        # whole children
    MONEY: "£#,##0.00",       # an average weekly cost, in pounds and pence
    THOUSANDS: '£#,##0"k"',   # the estimated annual cost, in whole £ thousands ("£13,474k", as on the page)
    CHANGE: "#,##0",          # a change in children, or in £ thousands (the measure says which)
    PERCENT: "0.0",           # a share, in per cent (the measure says "(%)")
}


@dataclass(frozen=True)
class Line:
    heading: str
    category: str
    measure: str
    kind: str
    values: list  # one per quarter: an int or Decimal, None where there is no figure

    @property
    def is_total(self) -> bool:
        return self.category == "Total"


def lines(result: Report) -> list[Line]:
    """The report's lines, one per row of the download: each category's children and weekly cost, each
    heading's total, the grand total, the changes since the baseline and the in-house shares."""
    out: list[Line] = []
    for block in result.headings:
        for row in block.rows:
            out.append(Line(block.name, row.category.name, "children", CHILDREN, [c.children for c in row.cells]))
            out.append(Line(block.name, row.category.name, "average weekly cost (£)", MONEY,
                            [c.weekly_cost for c in row.cells]))
        out.extend(_total_lines(block.name, block.totals))
    out.extend(_total_lines("Grand Total", result.grand))
    since = result.baseline.label if result.baseline else ""
    out.append(Line("Grand Total", "Total", f"change in children since {since}", CHANGE,
                    [c.children if c else None for c in result.changes]))
    out.append(Line("Grand Total", "Total", f"change in estimated annual cost since {since} (£k)", CHANGE,
                    [costing.thousands(c.annual_cost) if c else None for c in result.changes]))
    out.append(Line("Split", "All placements", "in-house share of in-house and external (%)", PERCENT,
                    [s.in_house_percent for s in result.splits]))
    out.append(Line("Split", "Foster care", "in-house share of foster care (%)", PERCENT,
                    [s.in_house_percent for s in result.foster_splits]))
    return out


def _total_lines(heading: str, totals: list[costing.Total]) -> list[Line]:
    return [
        Line(heading, "Total", "children", CHILDREN, [t.children for t in totals]),
        Line(heading, "Total", "average weekly cost (£)", MONEY,
             [t.average_weekly_cost.quantize(Decimal("0.01")) if t.average_weekly_cost is not None else None
              for t in totals]),
        Line(heading, "Total", "estimated annual cost (£k)", THOUSANDS, [t.annual_cost_thousands for t in totals]),
    ]


def scope_label(heading: str | None = None) -> str:
    """Whose placements these are, and which heading's rows (the page's choice), if one."""
    area = settings.PLACEMENTS_SERVICE_AREA
    if heading:
        return f"{area}: {heading} only (the grand total, changes and in-house shares are the whole council's)"
    return f"{area}: all placement headings"


def _covered(result: Report) -> str:
    first, last = result.quarters[0], result.quarters[-1]
    text = first.label if first.pk == last.pk else f"{first.label} to {last.label}"
    if result.baseline is not None:
        text += f"; changes are since {result.baseline.label}"
    missing = gaps([q.value for q in result.quarters])
    if missing:
        text += f". No snapshot was taken for {'; '.join(missing)}"
    return text + ". Estimated annual cost = children × average weekly cost × 52, in £ thousands."


def _as_reported(result: Report) -> str:
    still_open = [q.label for q in result.quarters if not q.is_locked]
    if not still_open:
        text = "Every quarter shown is locked: its figures are as reported."
    elif len(still_open) == len(result.quarters):
        text = "No quarter shown is locked yet: the figures may still change."
    else:
        verb = "is" if len(still_open) == 1 else "are"
        text = (f"The figures of locked quarters are as reported; {', '.join(still_open)} {verb} not yet locked "
                "and may still change.")
    now = timezone.localtime()
    return f"{text} Downloaded {now.day} {now:%B %Y %H:%M}."


def workbook(result: Report, scope: str) -> bytes:
    """The report as an XLSX workbook (see the module's docstring); scope: ``scope_label``'s words."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    rows = lines(result)
    quarters = [q.label for q in result.quarters]
    headers = list(LEADING) + quarters
    # Write-only: rows are streamed, so the column widths, filter and print set-up are given first.
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    intro = [(TITLE, Font(bold=True, size=14)), (f"{settings.COUNCIL_NAME}: {scope}", Font(bold=True)),
             (_covered(result), None), (_as_reported(result), None)]
    header_row = len(intro) + 2  # the titles, a blank row, then the header
    last_row = header_row + len(rows)
    last_column = get_column_letter(len(headers))

    def width(texts, least, most):
        return min(max([least] + [len(t) + 2 for t in texts]), most)

    # The labels' columns as wide as their text (a long name wraps, its row made tall enough to show it).
    widths = [width([r.heading for r in rows], 12, 30), width([r.category for r in rows], 14, 42),
              width([r.measure for r in rows], 14, 56)] + [13] * len(quarters)
    for index, value in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = value
    for at, line in enumerate(rows, start=header_row + 1):
        needed = max(-(-len(text) // columns) for text, columns in
                     zip((line.heading, line.category, line.measure), widths))
        if needed > 1:
            sheet.row_dimensions[at].height = 15 * needed
    sheet.freeze_panes = f"D{header_row + 1}"  # the header row and the three label columns stay in view
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{last_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.oddHeader.center.text = f"{settings.COUNCIL_NAME} - {TITLE}".replace("&", "&&")
    sheet.oddFooter.center.text = "Page &P of &N"

    for text, font in intro:
        cell = _xlsx_cell(sheet, text)
        if font is not None:
            cell.font = font
        sheet.append([cell])
    sheet.append([])
    bold = Font(bold=True)
    header = []
    for index, text in enumerate(headers):
        cell = _xlsx_cell(sheet, text)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="right" if index >= 3 else None)
        header.append(cell)
    sheet.append(header)
    wrapped, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    for line in rows:
        cells = [_xlsx_cell(sheet, text) for text in (line.heading, line.category, line.measure)]
        for cell in cells:
            cell.alignment = wrapped
        for value in line.values:
            cell = _xlsx_cell(sheet, value)  # None: an empty cell; a Decimal: a number
            if value is not None:
                cell.number_format = NUMBER_FORMATS[line.kind]
                cell.alignment = top  # level with its row's label when a long one wraps
            cells.append(cell)
        if line.is_total:
            for cell in cells:
                cell.font = bold
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""The quarterly performance report as a spreadsheet a clerk can print or paste: titles, one row per
indicator grouped by service area, numbers stored as numbers (shown at the precision entered), the
value as first reported beside any revision, the reported status and, where an officer overrode it,
the rules' status. Formula-safe like every export."""

from __future__ import annotations

import io
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from organisation.interchange import formula_safe
from organisation.ordering import natural

from . import queries
from .templatetags.kpis import entered_places

COLUMNS = ("Service area", "Key commitment", "Code", "Title", "Polarity", "Unit", "Period", "Same period last year",
           "Target", "Value", "As first reported", "Status", "Rules' status (if overridden)", "RAG",
           "Direction of travel", "Commentary", "Data quality")
WIDTHS = (24, 10, 10, 48, 9, 14, 12, 12, 10, 10, 12, 18, 18, 8, 12, 60, 30)
NUMERIC = {"Same period last year", "Target", "Value", "As first reported"}


def _number_format(value: Decimal | None, indicator) -> str:
    places = max(getattr(indicator, "precision", 1), entered_places(value) if value is not None else 0)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return pattern + ('"%"' if indicator.unit == "percent" else "")


def workbook(found: queries.Scope, *, title: str, scope_label: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    book = Workbook()
    sheet = book.active
    sheet.title = found.quarter.label.replace("/", "-")
    summary = found.summary
    lines = [
        (title, Font(bold=True, size=14)),
        (f"{settings.COUNCIL_NAME}: {scope_label}", Font(bold=True)),
        (f"{found.quarter.label} - " + ("as reported (locked)" if found.quarter.is_locked
                                        else "not yet signed off: figures may still change"), None),
        (f"{summary.on_or_above} PIs are on or above target; {summary.improved} improved on the same period last "
         f"year. Downloaded {timezone.localtime().day} {timezone.localtime():%B %Y %H:%M}.", None),
    ]
    for text, font in lines:
        sheet.append([formula_safe(text)])
        if font is not None:
            sheet.cell(row=sheet.max_row, column=1).font = font
    sheet.append([])
    sheet.append(list(COLUMNS))
    header_row = sheet.max_row  # the header's row (a blank row appended holds no cells: max_row skips it)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    at = header_row
    for r in sorted(found.filtered, key=lambda r: (queries._area_name(r.indicator), natural(r.indicator.code))):
        indicator = r.indicator
        values = {
            "Service area": queries._area_name(indicator), "Key commitment": getattr(indicator, "commitment_code", ""),
            "Code": indicator.code, "Title": indicator.title,
            "Polarity": "+ higher" if indicator.polarity == "higher" else "- lower", "Unit": r.unit or indicator.unit,
            "Period": r.period_label, "Same period last year": r.previous, "Target": r.target, "Value": r.value,
            "As first reported": r.reported_value if r.is_revised else None,
            "Status": "Not submitted" if r.not_submitted else r.status.value,
            "Rules' status (if overridden)": r.rule_status.value if r.overridden else "",
            "RAG": r.rag.value if r.rag else "", "Direction of travel": r.direction.value,
            "Commentary": r.commentary + (f" [Status reported by the performance team: {r.override_reason}]"
                                          if r.overridden and r.override_reason else ""),
            "Data quality": r.data_quality or "",
        }
        row = []
        for name in COLUMNS:
            value = values[name]
            if name in NUMERIC:
                row.append(float(value) if value is not None else None)
            else:
                row.append(value)
        sheet.append(row)
        at += 1  # the row just appended (sheet.max_row would scan every cell, for every row)
        for index, value in enumerate(row, start=1):
            # Text a spreadsheet would run as a formula ("- lower", "=A1") is kept as text by Excel's own
            # quote prefix: no apostrophe shown in the cell.
            if isinstance(value, str) and formula_safe(value) != value:
                cell = sheet.cell(row=at, column=index)
                cell.value, cell.data_type, cell.quotePrefix = value, "s", True
        for name in NUMERIC:
            value = values[name]
            if value is not None:
                sheet.cell(row=at, column=COLUMNS.index(name) + 1).number_format = \
                    _number_format(value, r)
        for column in ("Title", "Commentary"):
            sheet.cell(row=at, column=COLUMNS.index(column) + 1).alignment = Alignment(
                wrap_text=True, vertical="top")
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(COLUMNS))}{max(sheet.max_row, header_row)}"
    # Printable as it is: A4 landscape, one page wide, the header row on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.oddFooter.center.text = "Page &P of &N"
    sheet.oddHeader.center.text = formula_safe(f"{settings.COUNCIL_NAME} - {title}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

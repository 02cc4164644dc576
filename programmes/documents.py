"""The highlight report (a quarter) and the closure and handover report of a programme, as PDF, Word and XLSX.

Each report is first laid out as a plain ``Doc`` - sections of paragraphs, label/value facts and tables of
cells that carry their words, their raw value (for the workbook: money and dates stay numbers and dates)
and a status colour - from ``programmes.report.build``, so the three formats (and the pages) never
disagree. Then:

- PDF: HTML and print CSS laid out on A4 by WeasyPrint, tagged for screen readers (pdf_tags), as the
  committee pack is (packs/pdf.py): the council and report in the running header, "Page n of N" in the
  footer, table headers repeated across pages;
- Word (python-docx): A4, the same header and a "Page n of N" field footer, Word's heading styles, tables
  with their header row repeated;
- XLSX (openpyxl): a summary sheet and a sheet per table, in the house style of the placements workbook
  (placements/report_workbook.py): title rows, the header row frozen, widths, A4 landscape a page wide.

A quarter not yet locked may still change: its documents say DRAFT on every page (and sheet), as a draft
committee pack does. Money is printed as the papers print it (rules.money: £1,642,067); a status is
always its words, the colour only beside them. No queries here: the report is read by the caller.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from . import rules
from .report import ProgrammeReport

FORMATS = ("pdf", "docx", "xlsx")

# Fills behind a status's words (the pack's and GOV.UK's light tints), and the words' own colour in the PDF.
FILLS = {"Blue": "D2E2F1", "Green": "CCE2D8", "Amber": "FFF7BF", "Red": "F4CDC6", "": "F3F2F1"}
INKS = {"Blue": "144E81", "Green": "005A30", "Amber": "594D00", "Red": "942514", "": "383F43"}


# --- the layout, common to the three formats ---------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    text: str
    value: object = None  # the workbook's value: a Decimal (money), a date or an int; None: the text
    kind: str = "text"  # text, money, date, number
    colour: str = ""  # a status's colour (rules.Colour's words), shown beside its words
    bold: bool = False

    @property
    def numeric(self) -> bool:
        return self.kind in ("money", "number")

    @property
    def css(self) -> str:
        return f"status status-{self.colour.lower()}" if self.colour else ""


@dataclass
class Table:
    title: str  # the caption (and the workbook's sheet)
    headers: list[str]
    rows: list[list[Cell]]
    widths: list[float]  # relative widths of the columns
    empty: str = "None."
    totals: list[Cell] | None = None
    kind: str = "table"


@dataclass
class Paragraph:
    text: str
    bold: bool = False
    kind: str = "paragraph"


@dataclass
class Facts:
    items: list[tuple[str, str]]
    kind: str = "facts"


@dataclass
class Section:
    heading: str
    blocks: list = field(default_factory=list)


@dataclass
class Doc:
    kind: str  # highlight or closure
    title: str
    programme: str
    period: str  # the quarter's label, or "" when none
    draft: bool
    draft_text: str
    facts: Facts
    sections: list[Section]
    filename: str

    @property
    def council(self) -> str:
        return settings.COUNCIL_NAME

    @property
    def header(self) -> str:
        return f"{self.council} | {self.title}"

    @property
    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]


def text(value: str | None, empty: str = "") -> Cell:
    return Cell((value or "").strip() or empty)


def money(value: Decimal | None, *, bold: bool = False) -> Cell:
    return Cell(rules.money(value), value, "money", bold=bold)


def day(value: date | None, empty: str = "") -> Cell:
    return Cell(f"{value:%d/%m/%Y}" if value else empty, value, "date")


def number(value: int) -> Cell:
    return Cell(str(value), value, "number")


def status(words: str, colour) -> Cell:
    return Cell(words, colour=str(colour.value) if colour is not None else "")


def _date_words(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else "n/a"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "programme"


def _people(report: ProgrammeReport) -> list[tuple[str, str]]:
    p = report.programme
    return [("Programme", p.name), ("Directorate", p.directorate.name),
            ("Sponsor", p.sponsor or "-"), ("Senior responsible owner", p.senior_responsible_owner or "-"),
            ("Programme manager", p.manager or "-"), ("Status", p.get_status_display())]


def _quarter_words(report: ProgrammeReport) -> str:
    q = report.quarter
    if q is None:
        return "No quarter reported yet"
    return q.label + (" (signed off and locked)" if q.is_locked else " (open: not yet signed off and locked)")


def _draft(report: ProgrammeReport) -> tuple[bool, str]:
    q = report.quarter
    if q is None:
        return True, "DRAFT: nothing has been reported for this programme yet."
    if not q.is_locked:
        return True, (f"DRAFT: {q.label} is not yet signed off and locked. Assessments and figures may still "
                      "change.")
    return False, ""


# --- the tables the two reports share ---------------------------------------------------------------

def _savings_table(report: ProgrammeReport, title: str) -> Table:
    rows = [[text(s.year), money(s.planned), money(s.forecast), money(s.delivered), money(s.variance),
             status(s.status.value, s.status.colour)] for s in report.savings]
    totals = None
    if report.savings:
        t = report.savings_totals
        totals = [Cell("Total", bold=True), money(t.planned, bold=True), money(t.forecast, bold=True),
                  money(t.delivered, bold=True), money(t.variance, bold=True), Cell("")]
    return Table(title, ["Financial year", "Planned", "Forecast", "Delivered", "Variance", "Status"], rows,
                 [16, 15, 15, 15, 15, 18], empty="No savings have been reported.", totals=totals)


def _savings_words(report: ProgrammeReport) -> list[Paragraph]:
    if not report.savings:
        return [Paragraph("No savings profile has been reported up to this quarter.")]
    out = []
    if report.savings_quarter is not None and report.quarter is not None \
            and report.savings_quarter.pk != report.quarter.pk:
        out.append(Paragraph(f"As last reported, in {report.savings_quarter.label}."))
    t = report.savings_totals
    out.append(Paragraph(f"Total profiled: {rules.money(t.planned)}; forecast {rules.money(t.forecast)}; "
                         f"delivered {rules.money(t.delivered)}. Savings at risk (At risk or Undeliverable): "
                         f"{rules.money(report.savings_at_risk)}.", bold=True))
    out.append(Paragraph("Variance is the forecast less the plan (negative: a shortfall). "
                         + " ".join(s.description + "." for s in rules.SavingStatus)))
    return out


def _milestone_table(rows, title: str, *, slippage: bool = False) -> Table:
    if slippage:
        return Table(title, ["Project or workstream", "Milestone", "Baseline", "Approved", "Actual", "Days late",
                             "Reason for slippage"],
                     [[text(m.workstream, "-"), text(m.name), day(m.baseline), day(m.approved, "-"),
                       day(m.actual, "Not yet"), number(m.days_late), text(m.reason, "No reason given")]
                      for m in rows], [13, 15, 11, 11, 11, 7, 32],
                     empty="No milestone slipped against its baseline.")
    return Table(title, ["Milestone", "Workstream", "Baseline", "Approved", "Actual", "State", "Reason for slippage"],
                 [[text(m.name), text(m.workstream, "-"), day(m.baseline), day(m.approved, "-"),
                   day(m.actual, "Not yet"),
                   status(m.state.value + (f" ({m.days_late} days late)" if m.slipped else ""), m.state.colour),
                   text(m.reason, "No reason given" if m.slipped else "-")] for m in rows],
                 [17, 11, 11, 11, 11, 13, 26], empty="No milestones have been set.")


def _risk_table(report: ProgrammeReport) -> Table:
    return Table("Risks to delivery", ["Reference", "Risk", "Rating", "Level", "Register", "Outside tolerance"],
                 [[text(r.reference), text(r.title), number(r.rating), text(r.level), text(r.register),
                   text("Yes" if r.outside else "No")] for r in report.risks], [11, 41, 8, 12, 14, 14],
                 empty="No risks to delivery are linked to the programme on the registers you can see."
                 if report.quarter is not None else "No quarter has been reported.")


# --- the highlight report ------------------------------------------------------------------------------

def _rag_cell(row, locked: bool) -> Cell:
    """The objective's RAG, else its status at closure (a closing quarter's), else its state in words."""
    shown = row.rag or row.status
    if shown is None:
        return status(row.state_label, None)
    words = shown.value
    if not locked and row.assessment is not None and row.assessment.state != row.assessment.State.SIGNED_OFF:
        words += f" ({row.assessment.get_state_display().lower()}, not yet signed off)"
    return Cell(words, colour=shown.colour.value)


def highlight(report: ProgrammeReport) -> Doc:
    """The highlight report of the quarter: the programme, its objectives' RAG and commentary, savings against
    profile, milestones and the risks to delivery."""
    p, q = report.programme, report.quarter
    draft, draft_text = _draft(report)
    locked = q is not None and q.is_locked
    label = q.label if q is not None else ""
    counts = report.rag_counts
    assessed = sum(counts.values())
    closure = report.closure
    if closure.total and closure.not_assessed < closure.total:
        summary = [Paragraph(f"At closure: {closure.text}.")]
    else:
        summary = [Paragraph(
            f"{len(report.objectives)} objective{'s' if len(report.objectives) != 1 else ''}: "
            + ", ".join(f"{n} {words.lower()}" for words, n in counts.items())
            + (f", {len(report.objectives) - assessed} not assessed" if len(report.objectives) > assessed else "")
            + ".")]
    objectives = Table("Objectives", ["No.", "Objective", "RAG or status", "Commentary"],
                       [[number(o.number), text(o.objective), _rag_cell(o, locked), text(o.commentary, "-")]
                        for o in report.objectives], [5, 35, 16, 44], empty="The programme has no objectives.")
    sections = [
        Section("Summary", summary + [Paragraph(
            f"Savings profiled: {rules.money(report.savings_totals.planned)}, of which "
            f"{rules.money(report.savings_at_risk)} at risk. Milestones: {len(report.milestones)}, "
            f"{len(report.slipped)} slipped against their baseline. Risks to delivery: {len(report.risks)}.")]),
        Section("1. Objectives", [objectives]),
        Section("2. Savings against profile, by financial year",
                [_savings_table(report, "Savings against profile")] + _savings_words(report)),
        Section("3. Milestones", [_milestone_table(report.milestones, "Milestones")]),
        Section("4. Risks to delivery", [_risk_table(report)]),
    ]
    facts = Facts(_people(report)[:1] + [("Quarter", _quarter_words(report))] + _people(report)[1:])
    title = f"{p.name}: highlight report, {label}" if label else f"{p.name}: highlight report"
    return Doc("highlight", title, p.name, label, draft, draft_text, facts, sections,
               f"{'draft-' if draft else ''}{slug(p.name)}-highlight-{q.slug if q else 'none'}")


# --- the closure and handover report --------------------------------------------------------------------

def _performance(workstream) -> str:
    lines = [workstream.performance.strip()] if workstream.performance.strip() else []
    for f in workstream.facts:
        if f.value is None:
            lines.append(f"{f.code} {f.title}: {f.shown_value}")
        else:
            lines.append(f"{f.code} {f.title}: {f.shown_value} ({f.status}{', ' + f.rag if f.rag else ''})")
    return "\n".join(lines) or "-"


def closure(report: ProgrammeReport) -> Doc:
    """The closure and handover report, in the layout of the council's: programme details, schedule,
    budget, objectives at closure, the benefits map, the benefits yet to be realised (who owns each), slippage
    and the risks to delivery."""
    p, q = report.programme, report.quarter
    draft, draft_text = _draft(report)
    budget_rows = [[text(b.source or b.kind), money(b.variance.original), money(b.variance.final_approved),
                    money(b.variance.spend), money(b.variance.variation)] for b in report.budget]
    totals = None
    if report.budget:
        v = [b.variance for b in report.budget]
        totals = [Cell("Total", bold=True)] + [money(sum((getattr(x, name) for x in v), rules.ZERO), bold=True)
                                               for name in ("original", "final_approved", "spend", "variation")]
    objectives = Table("Objectives at closure",
                       ["No.", "Objective", "Measure", "Timeframe", "Status at closure", "Commentary"],
                       [[number(o.number), text(o.objective), text(o.measure, "-"), text(o.timeframe, "-"),
                         status(o.status.value, o.status.colour) if o.status else status("Not assessed", None),
                         text(o.commentary, "-")] for o in report.objectives], [5, 22, 17, 12, 12, 32],
                       empty="The programme has no objectives.")
    benefits_map = Table("Benefits map", ["Workstream", "Projects", "Measures", "Performance to date"],
                         [[Cell(w.name, bold=True), text("\n".join(w.project_list), "-"), text(w.measures, "-"),
                           text(_performance(w))] for w in report.workstreams], [16, 28, 22, 34],
                         empty="No workstreams have been set.")
    handover = Table("Benefits yet to be realised", ["Benefit", "How measured", "Owner / forum", "When"],
                     [[text(b.benefit), text(b.how_measured, "-"),
                       text(" / ".join(part for part in (b.owner, b.forum) if part), "-"), text(b.when, "-")]
                      for b in report.handover], [36, 24, 26, 14], empty="No benefit is left to be realised.")
    schedule = Facts([("Mandate approved", _date_words(p.mandate_date)),
                      ("Original planned closure", _date_words(p.planned_closure)),
                      ("Current approved closure", _date_words(p.approved_closure)),
                      ("Actual closure", _date_words(p.actual_closure))])
    details = _people(report)
    details = [details[0], details[2], details[3], details[4], details[1]]
    if p.governance.strip():
        details.append(("Governance", p.governance.strip()))
    sections = [
        Section("1. Programme details", [Facts(details)]),
        Section("2. Schedule", [schedule]),
        Section("3. Budget", [Table("Budget", ["Budget", "Original approved", "Final approved", "Actual spend",
                                               "Variation"], budget_rows, [28, 18, 18, 18, 18],
                                    empty="No budget has been recorded.", totals=totals),
                              Paragraph("Variation is the actual spend less the final approved budget (positive: "
                                        "overspent).")]),
        Section("4. Objectives and their status at closure", [objectives, Paragraph(
            f"Summary at closure: {report.closure.text}.", bold=True)]),
        Section("5. Benefits map", [benefits_map]),
        Section("6. Benefits yet to be realised", [handover] + ([Paragraph(
            f"Savings profiled{' as reported in ' + report.savings_quarter.label if report.savings_quarter else ''}"
            f": {rules.money(report.savings_totals.planned)} in total, of which {rules.money(report.savings_at_risk)} "
            "at risk.")] if report.savings else [])),
        Section("7. Slippage", [Paragraph("Milestones met, or still expected, later than their baseline, with the "
                                          "reason for the slippage."),
                                _milestone_table(report.slipped, "Slippage", slippage=True)]),
        Section("8. Risks to delivery", [_risk_table(report)]),
    ]
    facts = Facts([("Programme", p.name), ("Directorate", p.directorate.name),
                   ("As at", _quarter_words(report)), ("Status", p.get_status_display())])
    return Doc("closure", f"{p.name}: closure and handover report", p.name, q.label if q else "", draft, draft_text,
               facts, sections, f"{'draft-' if draft else ''}{slug(p.name)}-closure-report")


# --- PDF -------------------------------------------------------------------------------------------------

def pdf_html(doc: Doc) -> str:
    from django.template.loader import render_to_string

    template = "programmes/highlight_pdf.html" if doc.kind == "highlight" else "programmes/closure_pdf.html"
    return render_to_string(template, {"doc": doc, "inks": INKS, "fills": FILLS})


def pdf(doc: Doc) -> bytes:
    from weasyprint import HTML

    return HTML(string=pdf_html(doc)).write_pdf(pdf_tags=True)


# --- Word ------------------------------------------------------------------------------------------------

def _word_field(paragraph, code: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for tag, attrs, body in (("w:fldChar", {"w:fldCharType": "begin"}, None),
                             ("w:instrText", {"xml:space": "preserve"}, f" {code} "),
                             ("w:fldChar", {"w:fldCharType": "end"}, None)):
        element = OxmlElement(tag)
        for name, value in attrs.items():
            element.set(qn(name), value)
        if body:
            element.text = body
        run._r.append(element)


def _word_shade(cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _word_row_flag(row, tag: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    if tag == "w:tblHeader":
        element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


WORD_WIDTH_CM = 18.0  # A4 less 1.5 cm margins


def _word_table(document, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    caption = document.add_paragraph()
    caption.add_run(table.title).bold = True
    caption.paragraph_format.keep_with_next = True
    if not table.rows:
        document.add_paragraph(table.empty)
        return
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.autofit = False
    _word_row_flag(grid.rows[0], "w:tblHeader")
    for cell, heading in zip(grid.rows[0].cells, table.headers):
        cell.text = ""
        run = cell.paragraphs[0].add_run(heading)
        run.bold, run.font.size = True, Pt(9)
        _word_shade(cell, "DEE0E2")
    for values in table.rows + ([table.totals] if table.totals else []):
        row = grid.add_row()
        _word_row_flag(row, "w:cantSplit")
        for cell, value in zip(row.cells, values):
            cell.text = ""
            run = cell.paragraphs[0].add_run(value.text)
            run.bold, run.font.size = value.bold, Pt(9)
            if value.numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if value.colour:
                _word_shade(cell, FILLS[value.colour])
    scale = WORD_WIDTH_CM / sum(table.widths)
    for row in grid.rows:
        for cell, width in zip(row.cells, table.widths):
            cell.width = Cm(width * scale)


def docx(doc: Doc) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt, RGBColor

    red = RGBColor(0xD4, 0x35, 0x1C)
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(10)
    for name, size in (("Title", 18), ("Heading 1", 14), ("Heading 2", 12)):
        style = document.styles[name]
        style.font.name, style.font.size, style.font.bold = "Arial", Pt(size), True
        style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
        fonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
        if fonts is not None:  # the theme's heading font would otherwise win over Arial
            for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(attribute), None)
    document.core_properties.title = doc.title
    document.core_properties.author = doc.council
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(1.7)
    header = section.header.paragraphs[0]
    header.text = ""
    header.add_run(doc.header).font.size = Pt(8)
    if doc.draft:
        mark = header.add_run(" | DRAFT: NOT YET SIGNED OFF")
        mark.bold, mark.font.size, mark.font.color.rgb = True, Pt(8), red
    footer = section.footer.paragraphs[0]
    footer.text = ""
    footer.add_run(f"{doc.title}    Page ").font.size = Pt(8)
    _word_field(footer, "PAGE")
    footer.add_run(" of ").font.size = Pt(8)
    _word_field(footer, "NUMPAGES")
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    document.add_paragraph().add_run(doc.council).bold = True
    document.add_heading(doc.title, level=0)
    if doc.draft:
        run = document.add_paragraph().add_run(doc.draft_text)
        run.bold, run.font.color.rgb = True, red
    _word_facts(document, doc.facts)
    for part in doc.sections:
        document.add_heading(part.heading, level=1)
        for block in part.blocks:
            if isinstance(block, Table):
                _word_table(document, block)
            elif isinstance(block, Facts):
                _word_facts(document, block)
            else:
                paragraph = document.add_paragraph()
                paragraph.add_run(block.text).bold = block.bold
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _word_facts(document, facts: Facts) -> None:
    for label, value in facts.items:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = 0
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)


# --- XLSX ------------------------------------------------------------------------------------------------

XLSX_FORMATS = {"money": "£#,##0;-£#,##0", "date": "dd/mm/yyyy", "number": "#,##0"}
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set[str]) -> str:
    name = SHEET_NAME.sub(" ", title)[:31].strip()
    candidate, n = name, 2
    while candidate in used:
        candidate = f"{name[:28]} {n}"
        n += 1
    used.add(candidate)
    return candidate


def xlsx(doc: Doc) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    from organisation.interchange.writing import _xlsx_cell

    now = timezone.localtime()
    downloaded = f"Downloaded {now.day} {now:%B %Y %H:%M}."
    status_line = (doc.draft_text if doc.draft else
                   f"{doc.period} is signed off and locked: this is the report as reported.") + " " + downloaded
    bold, wrapped, top = Font(bold=True), Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    book = Workbook(write_only=True)
    used: set[str] = set()

    def setup(sheet, widths, header_row: int | None):
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        if header_row:
            sheet.freeze_panes = f"A{header_row + 1}"
            sheet.print_title_rows = f"{header_row}:{header_row}"
        sheet.oddHeader.center.text = (doc.header + (" - DRAFT" if doc.draft else "")).replace("&", "&&")
        sheet.oddFooter.center.text = "Page &P of &N"

    def titles(sheet, heading: str) -> None:
        for words, font in ((doc.title, Font(bold=True, size=14)), (f"{doc.council}: {heading}", bold),
                            (status_line, Font(bold=True, color="D4351C") if doc.draft else None)):
            cell = _xlsx_cell(sheet, words)
            if font is not None:
                cell.font = font
            sheet.append([cell])
        sheet.append([])

    # The summary: the report's facts, each section's words, and which sheet holds each table.
    summary = book.create_sheet(_sheet_name("Summary", used))
    setup(summary, [30, 100], None)
    titles(summary, "summary")
    facts = list(doc.facts.items)
    for part in doc.sections:
        for block in part.blocks:
            if isinstance(block, Facts):
                facts += block.items
    for label, value in facts:
        first = _xlsx_cell(summary, label)
        first.font = bold
        second = _xlsx_cell(summary, value)
        second.alignment = wrapped
        summary.append([first, second])
    for part in doc.sections:
        words = [b.text for b in part.blocks if isinstance(b, Paragraph)]
        if words:
            summary.append([])
            head = _xlsx_cell(summary, part.heading)
            head.font = bold
            summary.append([head])
            for line in words:
                cell = _xlsx_cell(summary, line)
                cell.alignment = wrapped
                summary.append([None, cell])

    for part in doc.sections:
        for table in (b for b in part.blocks if isinstance(b, Table)):
            sheet = book.create_sheet(_sheet_name(table.title, used))
            widths = [max(8.0, min(60.0, w * 1.3)) for w in table.widths]
            setup(sheet, widths, 5)
            titles(sheet, part.heading)
            header = []
            for heading, cell_of in zip(table.headers, table.rows[0] if table.rows else [None] * len(table.headers)):
                cell = _xlsx_cell(sheet, heading)
                cell.font = bold
                cell.alignment = Alignment(wrap_text=True, vertical="top",
                                           horizontal="right" if cell_of is not None and cell_of.numeric else None)
                header.append(cell)
            sheet.append(header)
            at = 5  # the header's row (setup's header_row, under titles' four)
            if not table.rows:
                sheet.append([_xlsx_cell(sheet, table.empty)])
                at += 1
            for values in table.rows + ([table.totals] if table.totals else []):
                at += 1
                _fit_height(sheet, at, values, widths)  # a write-only sheet takes a row's height before it
                cells = []
                for value in values:
                    raw = value.value if value.kind != "text" and value.value is not None else (value.text or None)
                    cell = _xlsx_cell(sheet, raw)
                    if value.kind in XLSX_FORMATS and value.value is not None:
                        cell.number_format = XLSX_FORMATS[value.kind]
                        cell.alignment = top
                    else:
                        cell.alignment = wrapped
                    if value.colour:
                        cell.fill = PatternFill("solid", fgColor=FILLS[value.colour])
                    if value.bold:
                        cell.font = bold
                    cells.append(cell)
                sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fit_height(sheet, row: int, values, widths) -> None:
    """A row of wrapped text made tall enough to show it (as placements/report_workbook.py does): spreadsheets
    do not grow a row's height for wrapped text written by a program, so its lines would overlap the next."""
    needed = 1
    for value, width in zip(values, widths):
        text = value.text if value.kind == "text" or value.value is None else ""
        columns = max(int(width) - 1, 1)
        needed = max(needed, sum(max(1, -(-len(line) // columns)) for line in (text or "").splitlines() or [""]))
    if needed > 1:
        sheet.row_dimensions[row].height = 15 * needed


def render(doc: Doc, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"no {fmt} document")
    return {"pdf": pdf, "docx": docx, "xlsx": xlsx}[fmt](doc)

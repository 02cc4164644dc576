"""The committee pack as a Word document (python-docx), because officers edit committee papers in Word.

The same contents and order as the PDF: A4, the council, committee, meeting date and part in the header
and "Page n of N" in the footer of every page; headings in Word's heading styles (its navigation pane and
screen readers use them); tables with their header row repeated on every page; charts as images.
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from . import charts
from .content import PART_A, SCHEDULE_12A, PackContent, part_label

RAG_FILL = {"Green": "CCE2D8", "Amber": "FFF7BF", "Red": "F4CDC6", "": "F3F2F1"}
LEVEL_FILL = {1: "CCE2D8", 2: "FFF7BF", 3: "FCD6C3", 4: "F4CDC6"}
RED = RGBColor(0xD4, 0x35, 0x1C)


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in on every page."""
    run = paragraph.add_run()
    begin, text, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {code} "
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(end)


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_header(row) -> None:
    """Repeat this row at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _keep_row_together(row) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))


def _page_setup(section, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.left_margin = section.right_margin = Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(1.7)
    section.header_distance = section.footer_distance = Cm(0.8)


def _header_footer(section, content: PackContent, part: str) -> None:
    header = section.header.paragraphs[0]
    header.text = ""
    header.add_run(content.meta.header(part).rsplit(" | ", 1)[0] + " | ").font.size = Pt(8)
    if content.meta.draft:
        draft = header.add_run("DRAFT: NOT YET SIGNED OFF | ")
        draft.bold, draft.font.color.rgb, draft.font.size = True, RED, Pt(8)
    label = header.add_run(part_label(part))
    label.bold, label.font.size = True, Pt(8)
    footer = section.footer.paragraphs[0]
    footer.text = ""
    footer.add_run(f"{content.meta.title}    Page ").font.size = Pt(8)
    _field(footer, "PAGE")
    footer.add_run(" of ").font.size = Pt(8)
    _field(footer, "NUMPAGES")
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT


NUMBER = re.compile(r"^[-+]?£?-?[\d,]+(\.\d+)?(%|k)?( \(draft\))?$|^n/a$")
MIN_SIZE = 9  # points: no table text smaller (the PDF's tables are 8-9 pt on a larger page)


def _table(document, headers: list[str], rows: list[list[str]], *, widths: list[float] | None = None,
           size: float = MIN_SIZE, fills: list[list[str | None]] | None = None):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = table.rows[0]
    _repeat_header(head)
    for cell, text in zip(head.cells, headers):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(max(size, MIN_SIZE))
        _shade(cell, "DEE0E2")
    for index, values in enumerate(rows):
        row = table.add_row()
        _keep_row_together(row)
        for column, (cell, text) in enumerate(zip(row.cells, values)):
            cell.text = ""
            bold = isinstance(text, tuple)
            run = cell.paragraphs[0].add_run(text[0] if bold else str(text))
            run.font.size, run.bold = Pt(max(size, MIN_SIZE)), bold
            if NUMBER.match(str(text[0] if bold else text).strip()):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            fill = fills[index][column] if fills else None
            if fill:
                _shade(cell, fill)
    if widths:
        _widths(table, widths)
    return table


def _widths(table, widths: list[float]) -> None:
    """Fixed column widths (Word and LibreOffice read the grid and each cell's width), and the table's own
    width: without it LibreOffice lays a table out at the previous section's text width on the first page
    after a change of orientation."""
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Cm(width)
    properties = table._tbl.tblPr
    for old in properties.findall(qn("w:tblW")):
        properties.remove(old)
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(round(sum(widths) * 567)))  # twentieths of a point per centimetre
    total.set(qn("w:type"), "dxa")
    properties.append(total)


def _spanning_row(table, text: str, size: float = MIN_SIZE) -> None:
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[-1])
    merged.text = ""
    run = merged.paragraphs[0].add_run(text)
    run.bold, run.font.size = True, Pt(size)
    _shade(merged, "F3F2F1")


def _status_text(line) -> str:
    text = line.status
    if line.rule_status:
        text += f" (reported status; the rules give {line.rule_status.lower()}"
        text += f": {line.override_reason})" if line.override_reason else ")"
    return text


def _target(line) -> str:
    return f"{line.target}\n({line.target_to_date} to date)" if line.target_to_date else line.target


def _commitment_key(document, commitments) -> None:
    if not commitments:
        return
    document.add_heading("Key commitments", level=3)
    _table(document, ["Ref", "Key commitment"], [[code, title] for code, title in commitments], widths=[2.5, 20],
           size=9)


def _performance(document, content: PackContent) -> None:
    p = content.performance
    meta = content.meta
    document.add_heading(f"Appendix A1: {meta.scope} performance progress report, {meta.quarter.label}", level=1)
    document.add_paragraph(f"{p.on_or_above} PIs are on or above target.", style="List Bullet")
    document.add_paragraph(f"{p.improved} improved on the same period last year.", style="List Bullet")
    document.add_paragraph(f"{p.rag_counts['Green']} green, {p.rag_counts['Amber']} amber and {p.rag_counts['Red']} "
                           "red.", style="List Bullet")
    if p.drafts:
        document.add_paragraph(f"{p.drafts} figure{'s are drafts' if p.drafts != 1 else ' is a draft'} not yet "
                               "submitted, marked \"(draft)\".")
    document.add_paragraph("Progress key: Well above target, Above target and On target are green; Below target "
                           "is amber; Well below target is red. Improvement key: ↑ improved, = same, ↓ worsened "
                           "compared with the same period in the previous year. + higher is better; - lower is "
                           "better.").runs[0].font.size = Pt(8)
    document.add_heading(f"Exceptions: below target or worsened, worst first ({len(p.exceptions)})", level=2)
    if p.exceptions:
        _table(document, ["Code", "Title", "+/-", "Target", meta.quarter.label, "Status", "Travel", "Officer notes"],
               [[line.code, line.title, line.sign, _target(line), line.value + (" (draft)" if line.draft else ""),
                 _status_text(line), f"{line.arrow} {line.direction}".strip(), line.notes] for line in p.exceptions],
               widths=[2.0, 6.5, 0.8, 2.0, 2.2, 3.4, 2.2, 7.5],
               fills=[[None, None, None, None, None, RAG_FILL[line.rag], None, None] for line in p.exceptions])
    else:
        document.add_paragraph("No indicator is below target or worse than a year ago.")
    for heading, groups, result in ((f"Quarterly indicators, {meta.quarter.label}", p.quarterly,
                                     f"{meta.quarter.label} Progress"),
                                    (f"Annual indicators, {p.year_label}", p.annual, f"{p.year_label} Result")):
        if not groups:
            continue
        document.add_heading(heading, level=2)
        headers = ["Corp Plan KC ref", "Code", "Title", "+/-", f"{p.last_year_label} Outturn",
                   f"{p.year_label} Target", result, "Status", "Comparison over last 12 months", "Officer notes"]
        table = _table(document, headers, [])
        for area, lines in groups:
            _spanning_row(table, area)
            for line in lines:
                row = table.add_row()
                _keep_row_together(row)
                values = [line.commitment, line.code, line.title, line.sign, line.outturn, _target(line),
                          line.value + (" (draft)" if line.draft else ""), _status_text(line),
                          f"{line.arrow} {line.direction}".strip(), line.notes]
                for column, (cell, text) in enumerate(zip(row.cells, values)):
                    cell.text = ""
                    run = cell.paragraphs[0].add_run(text)
                    run.font.size = Pt(MIN_SIZE)
                    if column in (4, 5, 6) and NUMBER.match(text.split("\n")[0].strip()):
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    if column == 7:
                        _shade(cell, RAG_FILL[line.rag])
        _widths(table, [1.4, 1.6, 5.2, 0.7, 1.9, 1.9, 2.1, 3.0, 2.1, 6.8])
    _commitment_key(document, p.commitments)
    if p.benchmarks:
        document.add_heading("Benchmarks: against England and our statistical neighbours", level=2)
        _table(document, ["Code", "Title", "+/-", "Year", meta.council, "This report", "LA quartile",
                          "Statistical neighbours", "England"],
               [[b.code, b.title, b.sign, b.year, b.council, b.latest, b.band, b.neighbours, b.england]
                for b in p.benchmarks], widths=[1.6, 6.5, 0.7, 1.6, 2.2, 2.6, 1.8, 2.6, 2.0])
        document.add_paragraph("Published figures for the year shown (DfE). LA quartile: the council's quarter of "
                               "all local authorities, A the best for the measure's polarity.").runs[0].font.size = \
            Pt(8)


def _risks(document, content: PackContent) -> None:
    r = content.risks
    meta = content.meta
    document.add_heading(f"Appendix A2: Corporate risk report, {meta.quarter.label}", level=1)
    levels = "; ".join(f"{name} {low}" + (f"-{high}" if high else "+") for name, low, high in r.levels)
    document.add_paragraph(f"{len(r.lines)} risk{'s' if len(r.lines) != 1 else ''} on the corporate and directorate "
                           f"registers; {len(r.outside)} outside tolerance. Ratings are likelihood × impact on the "
                           f"{r.scheme_name} scheme ({levels}). A risk not reviewed this quarter is shown with its last "
                           "review, \"not reviewed since\".")
    if r.exempt_off_maps:
        n = r.exempt_off_maps
        document.add_paragraph(f"{n} exempt risk{'s are' if n != 1 else ' is'} not placed on these maps: "
                               f"{'their' if n != 1 else 'its'} scores are in the exempt appendix (Part B).")
    for heat in r.maps:
        document.add_heading(f"{heat['label']}: {heat['kind']}s ({heat['total']})", level=3)
        headers = ["Likelihood \\ impact"] + [f"{value} {label}" for value, label in heat["impacts"]]
        rows, fills = [], []
        for grid_row in heat["grid"]:
            likelihood = grid_row[0].likelihood
            rows.append([f"{likelihood} {r.likelihoods.get(likelihood, '')}"] + [
                ", ".join(cell.references) + f"\n{cell.rating} {cell.level.name}" if cell.references
                else f"{cell.rating} {cell.level.name}" for cell in grid_row])
            fills.append([None] + [LEVEL_FILL.get(r.band_positions.get(cell.level.name, 0)) for cell in grid_row])
        _table(document, headers, rows, widths=[3.5] + [3.2] * len(heat["impacts"]), size=8, fills=fills)
    if r.level_counts:
        document.add_paragraph("Risks by level: " + "; ".join(f"{name} {count}" for name, count in r.level_counts)
                               + ".")
    if r.significant:
        document.add_heading("The most significant risks", level=2)
        # Numbered by hand: Word's and LibreOffice's list numbering would carry on from the contents list.
        for number, line in enumerate(r.significant, start=1):
            scores = f"{line.rating}" if line.exempt else f"{line.likelihood} x {line.impact} = {line.rating}"
            _numbered(document, number, f"{line.reference} {line.title}: {scores} {line.level}"
                      + (", outside tolerance" if line.outside else "")
                      + (f" (owner: {line.risk_owner})" if line.risk_owner and not line.exempt else ""))
    if r.criteria:
        document.add_heading("Scoring criteria: likelihood x impact = rating", level=3)
        _table(document, ["Score", "Likelihood", "Impact of a threat", "Impact of an opportunity"],
               [[str(value), likelihood or "-", threat or "-", opportunity or "-"]
                for value, likelihood, threat, opportunity in r.criteria], widths=[1.5, 5, 8, 8], size=9)
    document.add_heading(f"What changed since {r.since}", level=2)
    if r.changes:
        _table(document, ["Risk", "Change", "Detail"], [[f"{c.reference} {c.title}", c.what, c.detail]
                                                         for c in r.changes], widths=[8, 3, 12])
    else:
        document.add_paragraph("No risk was added, closed, escalated, de-escalated or re-rated.")
    document.add_heading("Risks outside appetite", level=2)
    if r.outside_appetite:
        for reference, title, level in r.outside_appetite:
            document.add_paragraph(f"{reference} {title}: outside the {level.lower()} appetite for its category",
                                   style="List Bullet")
    else:
        document.add_paragraph("None: every risk is within the appetite for its category.")
    document.add_heading("Risks outside tolerance for three or more quarters", level=2)
    if r.long_standing:
        for line in r.long_standing:
            document.add_paragraph(f"{line.reference} {line.title}: rated {line.rating} {line.level} against a "
                                   f"tolerance of {line.tolerance_rating}, outside tolerance for "
                                   f"{line.quarters_outside} quarters", style="List Bullet")
    else:
        document.add_paragraph("None.")
    _assurance(document, r.assurance)


def _assurance(document, a) -> None:
    """The pack's controls, assurance and agreed actions (packs.content.Assurance), as in the PDF."""
    document.add_heading("Controls, assurance and agreed actions", level=1)
    if a.exempt_left_out:
        document.add_paragraph(f"The controls and indicators of {a.exempt_left_out} exempt "
                               f"risk{'s' if a.exempt_left_out != 1 else ''} are in Part B.")
    document.add_heading("Ratings before and after controls", level=2)
    if a.ratings:
        _table(document, ["Risk", "Inherent", "Current", "Target", "Controls' effect"],
               [[f"{ref} {title}", inherent, current, target, effect]
                for ref, title, inherent, current, target, effect in a.ratings], widths=[9, 3.5, 3.5, 3.5, 3])
    else:
        document.add_paragraph("No risk on these registers this quarter.")
    document.add_heading("Assurance over the three lines", level=2)
    if a.map:
        def cell(count, weakest):
            if not count:
                return "None"
            text = weakest or "not assessed"
            return f"{count} control{'s' if count != 1 else ''}: {text}{' assurance' if text == 'No' else ''}"

        _table(document, ["Risk", "First line", "Second line", "Third line", "Gaps"],
               [[f"{m.reference} {m.title} ({m.rating})"] + [cell(count, weakest) for _, count, weakest in m.lines]
                + ["; ".join(m.gaps) or "None"] for m in a.map], widths=[7, 3.5, 3.5, 3.5, 5])
    else:
        document.add_paragraph("No controls are itemised for these risks.")
    if a.gaps:
        document.add_paragraph("Gaps in assurance:")
        for reference, title, gap in a.gaps:
            document.add_paragraph(f"{reference} {title}: {gap}", style="List Bullet")
    else:
        document.add_paragraph("No High or Critical risk lacks second- or third-line assurance.")
    document.add_heading("Agreed actions overdue", level=2)
    if a.overdue:
        _table(document, ["Audit", "Recommendation", "Priority", "Owner", "Due", "Days overdue", "Risks"],
               [[o.source, "Exempt: the recommendation concerns an exempt risk and is in Part B" if o.exempt
                 else o.recommendation, o.priority, o.owner or "-", o.due, str(o.days_overdue),
                 ", ".join(o.risks) or "-"] for o in a.overdue], widths=[4, 6, 2, 3, 2.5, 2, 3])
    else:
        document.add_paragraph("None: every agreed action is implemented or not yet due.")
    document.add_heading("Key risk indicators", level=2)
    if a.kris:
        for reference, title, said, prompted in a.kris:
            document.add_paragraph(f"{reference} {title}: {said}" + (
                ". Review prompted: a linked indicator read Red since the risk was last reviewed" if prompted else ""),
                style="List Bullet")
    else:
        document.add_paragraph("No indicators are linked to these risks.")
    document.add_heading("Risks accepted outside appetite", level=2)
    if a.acceptances:
        for reference, title, until, by, expired in a.acceptances:
            document.add_paragraph(f"{reference} {title}: " + (f"acceptance expired on {until}" if expired
                                                                else f"accepted by {by} until {until}"),
                                   style="List Bullet")
    else:
        document.add_paragraph("None.")
    document.add_heading("Deep-dive candidates", level=2)
    if a.deep_dives:
        document.add_paragraph("Risks outside appetite or target for three quarters or more, from which the "
                               "committee may choose its deep dives:")
        for reference, title, rating, _run, why in a.deep_dives:
            document.add_paragraph(f"{reference} {title}, rated {rating}: {why}", style="List Bullet")
    else:
        document.add_paragraph("None: no risk has been outside appetite or target for three quarters running.")


def _register(document, lines, *, public: bool) -> None:
    headers = ["Risk title and description", "What we have done", "Travel", "L", "I", "Rating",
               "What we are doing", "Tol. L", "Tol. I", "Tolerance rating", "Outside tolerance", "Previous rating",
               "Owners", "Next review"]
    rows, fills = [], []
    for line in lines:
        if public and line.exempt:
            rows.append([f"{line.reference}: {line.title}\nExempt: the detail is in the exempt appendix, Part B (paragraph "
                         f"{line.paragraph} of Schedule 12A).", "", line.travel, "", "", f"{line.rating} {line.level}",
                         "", "", "", f"{line.tolerance_rating} {line.tolerance_level}", "Yes" if line.outside else "No",
                         "-" if line.previous_rating is None else str(line.previous_rating), "", ""])
        else:
            description = f"{line.reference}: {line.title} ({line.register})\n{line.description}"
            if line.causes:
                description += f"\nCauses: {line.causes}"
            if line.not_reviewed_since:
                description += f"\nNot reviewed since {line.not_reviewed_since}."
            rows.append([description, line.controls, line.travel, str(line.likelihood), str(line.impact),
                         f"{line.rating} {line.level}", line.actions, str(line.tolerance_likelihood),
                         str(line.tolerance_impact), f"{line.tolerance_rating} {line.tolerance_level}",
                         "Yes" if line.outside else "No",
                         "-" if line.previous_rating is None else str(line.previous_rating),
                         f"Risk: {line.risk_owner or '-'}\nActions: {line.action_owner or '-'}", line.next_review or "-"])
        fills.append([None] * 5 + [LEVEL_FILL.get(line.level_position)] + [None] * 8)
    if rows:
        _table(document, headers, rows, widths=[4.3, 3.8, 1.4, 0.6, 0.6, 1.6, 3.8, 0.8, 0.8, 1.6, 1.5, 1.4, 2.2, 2.3],
               fills=fills)
    else:
        document.add_paragraph("No risks on these registers this quarter.")
    document.add_paragraph(f"{len(lines)} risk{'s' if len(lines) != 1 else ''}, highest current rating first. "
                           "L = likelihood, I = impact; rating = L × I.").runs[0].font.size = Pt(8)


def _placements(document, content: PackContent) -> None:
    # A new page by the heading's own property: a page-break paragraph after a table that fills its page
    # would leave a blank page.
    document.add_heading("Appendix A3: Children's placements: finance and activity",
                         level=1).paragraph_format.page_break_before = True
    report = content.placements.report
    if report is None:
        document.add_paragraph("No placement snapshots have been recorded.")
        return
    from organisation.templatetags.formatting import gbp, gbp_thousands, number, signed

    document.add_paragraph("Children in care at each quarter end, by placement, with the average weekly cost and the "
                           "estimated annual cost (children × average weekly cost × 52, in £ thousands). Change is "
                           f"measured from {report.baseline.label}.")
    if content.placements.latest_is_earlier:
        document.add_paragraph().add_run(f"No snapshot has been recorded for {content.meta.quarter.label}: the latest "
                                         f"is {content.placements.latest_label}.").bold = True
    headers = ["Placement", "Measure"] + [q.label for q in report.quarters]
    table = _table(document, headers, [])

    def add(values, bold=False):
        row = table.add_row()
        _keep_row_together(row)
        for cell, text in zip(row.cells, values):
            cell.text = ""
            run = cell.paragraphs[0].add_run(str(text))
            run.font.size, run.bold = Pt(MIN_SIZE), bold

    for block in report.headings:
        _spanning_row(table, block.name)
        for row in block.rows:
            add([row.category.name, "Children"] + ["-" if c.children is None else str(c.children) for c in row.cells])
            add(["", "Weekly cost"] + [gbp(c.weekly_cost) or "-" for c in row.cells])
        add([f"{block.name} total", "Children"] + [number(t.children) for t in block.totals], bold=True)
        add(["", "Estimated annual cost"] + [gbp_thousands(t.annual_cost) for t in block.totals])
    add(["Grand total", "Children"] + [number(t.children) for t in report.grand], bold=True)
    add(["", "Average weekly cost"] + [gbp(t.average_weekly_cost) for t in report.grand])
    add(["", "Estimated annual cost"] + [gbp_thousands(t.annual_cost) for t in report.grand], bold=True)
    add(["", f"Children: change since {report.baseline.label}"] + [signed(c.children) for c in report.changes])
    add(["", f"Cost: change since {report.baseline.label}"] + [
        ("-" if c.annual_cost < 0 else "+" if c.annual_cost > 0 else "") + gbp_thousands(c.annual_cost).replace("-", "")
        for c in report.changes])
    add(["", f"Foster care in-house / external (target {report.target_in_house}% in-house)"] + [
        f"{'-' if s.in_house_percent is None else s.in_house_percent} / "
        f"{'-' if s.external_percent is None else s.external_percent}" for s in report.foster_splits])
    _widths(table, [6, 5] + [2.2] * len(report.quarters))
    if content.placements.gaps:
        document.add_paragraph(f"No snapshot was taken for {'; '.join(content.placements.gaps)}: the charts' lines "
                               "break there.")
    for chart in content.placements.charts:
        document.add_paragraph().add_run(chart["title"]).bold = True
        document.add_picture(io.BytesIO(charts.png(chart)), width=Cm(17))


def _programme(document, content: PackContent, doc, number: int) -> None:
    """A programme's highlight report of the quarter (programmes.documents.Doc): the same words as its own
    download, each status in its words with its colour behind them."""
    fills = RAG_FILL | {"Blue": "D2E2F1"}
    document.add_heading(f"Appendix A{number}: Programme highlight report: {doc.programme}, "
                         f"{content.meta.quarter.label}", level=1).paragraph_format.page_break_before = True
    for label, value in doc.facts.items:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    for part in doc.sections:
        document.add_heading(part.heading, level=2)
        for block in part.blocks:
            if block.kind == "paragraph":
                document.add_paragraph().add_run(block.text).bold = block.bold
            elif block.kind == "facts":
                for label, value in block.items:
                    document.add_paragraph(f"{label}: {value}")
            elif not block.rows:
                document.add_paragraph(f"{block.title}: {block.empty}")
            else:
                rows = block.rows + ([block.totals] if block.totals else [])
                scale = 26.0 / sum(block.widths)  # the landscape page's text width, in centimetres
                _table(document, block.headers, [[(c.text,) if c.bold else c.text for c in row] for row in rows],
                       widths=[w * scale for w in block.widths],
                       fills=[[fills.get(c.colour) if c.colour else None for c in row] for row in rows])


def _prose(document, text: str) -> None:
    from organisation.templatetags.formatting import prose_blocks

    for kind, items in prose_blocks(text):
        for item in items:
            document.add_paragraph(item, style="List Bullet" if kind == "ul" else None)


COVERING_DEFAULTS = {"policy": "None arising from this report.", "consultation": "None.",
                     "equalities": "This report proposes no decision: it reports progress.",
                     "legal": "None arising from this report.", "resources": "None arising from this report.",
                     "background_papers": "None"}


def _covering(document, content: PackContent) -> None:
    """The covering report, in the council's template: the same sections and order as the PDF."""
    c = content.covering.sections
    meta = content.meta
    committee = document.add_paragraph()
    committee.add_run(f"{meta.committee}\n{meta.meeting}").bold = True
    for label, key, fallback in (("Report of", "report_of", "The performance team"), ("Title", "title", ""),
                                 ("Ward", "wards", "City-wide"), ("Officer presenting report", "officer_presenting",
                                                                  "-"),
                                 ("Contact telephone number", "contact_telephone", "-")):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(c.get(key) or fallback)
    document.add_heading("Covering report", level=1)
    for heading, key in (("Recommendation", "recommendation"),
                         ("The significant issues in the report are", "significant_issues"),
                         ("1. Summary", "summary"), ("2. Context", "context")):
        document.add_heading(heading, level=2)
        _prose(document, c.get(key, ""))
    if content.covering.narratives:
        document.add_heading("Service areas", level=3)
        for area, text in content.covering.narratives:
            document.add_heading(area, level=4)
            _prose(document, text)
    for heading, key in (("3. Policy", "policy"), ("4. Consultation", "consultation"),
                         ("5. Risk assessment", "risk_assessment"), ("6. Public Sector Equality Duties", "equalities"),
                         ("7. Legal implications", "legal"), ("8. Resource implications", "resources"),
                         ("Appendices", "appendices")):
        document.add_heading(heading, level=2)
        _prose(document, c.get(key) or COVERING_DEFAULTS.get(key, ""))
    document.add_paragraph().add_run("LOCAL GOVERNMENT (ACCESS TO INFORMATION) ACT 1985").bold = True
    document.add_heading("Background papers", level=2)
    _prose(document, c.get("background_papers") or COVERING_DEFAULTS["background_papers"])


def _exemption(content: PackContent) -> str:
    paragraphs = sorted({line.paragraph for line in content.exempt})
    if not paragraphs:
        return "No risk on these registers is exempt this quarter: this part holds no exempt information."
    return ("By virtue of paragraph" + ("s " if len(paragraphs) > 1 else " ") + ", ".join(map(str, paragraphs))
            + " of Part 1 of Schedule 12A to the Local Government Act 1972.")


def _house_styles(document) -> None:
    """The pack's own look, not Word's defaults: Arial throughout, headings in black (Word's are blue)."""
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(10)
    for name, size in (("Title", 20), ("Heading 1", 15), ("Heading 2", 12), ("Heading 3", 11), ("Heading 4", 10)):
        style = document.styles[name]
        style.font.name, style.font.size, style.font.bold = "Arial", Pt(size), True
        style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
        properties = style.element.get_or_add_rPr()
        fonts = properties.find(qn("w:rFonts"))
        if fonts is not None:  # the theme's heading font would otherwise win over Arial
            for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(attribute), None)


def _contents(document, content: PackContent, part: str) -> None:
    document.add_heading("Contents", level=2)
    if part == PART_A:
        items = ["Covering report", "Appendix A1: performance progress report",
                 f"Appendix A2: corporate risk report: heat maps, the register, changes since {content.risks.since}",
                 "Appendix A3: children's placements: finance and activity"]
        items += [f"Appendix A{number}: programme highlight report: {doc.programme}"
                  for number, doc in enumerate(content.programmes, start=4)]
    else:
        items = ["Exempt risks: full detail"]
    for number, item in enumerate(items, start=1):
        _numbered(document, number, item)


def _numbered(document, number: int, text: str) -> None:
    """ "1. text" with a hanging indent, numbered by hand so that each list starts at 1."""
    paragraph = document.add_paragraph(f"{number}.\t{text}")
    paragraph.paragraph_format.left_indent = Cm(0.75)
    paragraph.paragraph_format.first_line_indent = Cm(-0.75)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(0.75))
    paragraph.paragraph_format.space_after = Pt(2)


def render(content: PackContent, part: str) -> bytes:
    document = Document()
    _house_styles(document)
    document.core_properties.title = content.meta.title
    document.core_properties.author = content.meta.council
    document.core_properties.subject = f"{content.meta.committee}, {content.meta.meeting}, {part_label(part)}"
    section = document.sections[0]
    _page_setup(section, landscape=False)
    _header_footer(section, content, part)
    meta = content.meta
    for text, size, bold in ((meta.council, 14, True), (meta.committee, 18, False), (meta.meeting, 14, False)):
        run = document.add_paragraph().add_run(text)
        run.font.size, run.bold = Pt(size), bold
    document.add_heading(meta.title, level=0)
    if part != PART_A:
        warning = document.add_paragraph().add_run("NOT FOR PUBLICATION\n" + _exemption(content))
        warning.bold, warning.font.size = True, Pt(13)
    if meta.draft:
        draft = document.add_paragraph().add_run(f"DRAFT: {meta.quarter.label} is not yet signed off and locked. "
                                                  "Figures may still change; drafts are marked as drafts.")
        draft.bold, draft.font.color.rgb = True, RED
    for label, value in (("Report of", meta.report_of or "The performance team"),
                         ("Quarter", meta.quarter.label + (" (signed off and locked)" if meta.quarter.is_locked
                                                           else " (not yet signed off)")),
                         ("Scope", meta.scope), ("Part", part_label(part))):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    if meta.version:
        document.add_paragraph(f"Version {meta.version}" + (f", issued {meta.issued_at.day} {meta.issued_at:%B %Y}"
                                                             if meta.issued_at else "")
                               + (f". {meta.supersedes_text}" if meta.supersedes else ""))
    if meta.corrigendum:
        document.add_heading("Corrigendum", level=1)
        document.add_paragraph(meta.supersedes_text)
        if meta.reopen_reasons:
            document.add_paragraph().add_run(f"{meta.quarter.label} was reopened:").bold = True
            for reason in meta.reopen_reasons:
                document.add_paragraph(reason, style="List Bullet")
        if meta.corrections:
            document.add_paragraph().add_run(f"Changed since version {meta.supersedes[0]}:").bold = True
            for line in meta.corrections:
                document.add_paragraph(line, style="List Bullet")
        else:
            document.add_paragraph(f"No figure, status or rating differs from version {meta.supersedes[0]}.")
    _contents(document, content, part)
    if part == PART_A and content.covering is not None:
        document.add_page_break()
        _covering(document, content)
    wide = document.add_section()
    _page_setup(wide, landscape=True)
    if part == PART_A:
        _performance(document, content)
        _risks(document, content)
        if content.risks.summary:
            document.add_heading("Corporate risk performance summary for open risks", level=2)
            _table(document, ["Risk", "Owner"] + content.risks.summary_labels,
                   [[f"{reference} {title}", owner or "-"] + [f"{text}\n{travel}".strip() for text, travel in cells]
                    for reference, title, owner, cells in content.risks.summary],
                   widths=[7, 3.5] + [3] * len(content.risks.summary_labels), size=9)
        document.add_heading(f"Risk register, {meta.quarter.label}", level=2)
        _register(document, content.risks.lines, public=True)
        _placements(document, content)
        for number, doc in enumerate(content.programmes, start=4):
            _programme(document, content, doc, number)
    else:
        document.add_heading("Exempt risks: full detail", level=1)
        for number in sorted({line.paragraph for line in content.exempt}):
            document.add_paragraph(f"Paragraph {number}: {SCHEDULE_12A[number]}").runs[0].font.size = Pt(8)
        if content.exempt:
            _register(document, content.exempt, public=False)
        else:
            document.add_paragraph("No risk on these registers is exempt this quarter.")
        if content.risks.assurance.exempt_overdue:
            document.add_heading("Agreed actions overdue on the exempt risks", level=2)
            _table(document, ["Audit", "Recommendation", "Agreed action", "Owner", "Due", "Days overdue", "Risks"],
                   [[o.source, o.recommendation, o.agreed_action or "-", o.owner or "-", o.due, str(o.days_overdue),
                     ", ".join(o.risks)] for o in content.risks.assurance.exempt_overdue],
                   widths=[4, 6, 4, 3, 2.5, 2, 3])
        if content.risks.assurance.exempt_controls:
            document.add_heading("Controls and assurance of the exempt risks", level=2)
            for reference, title, items, gaps in content.risks.assurance.exempt_controls:
                document.add_paragraph(f"{reference} {title}" + (f": {'; '.join(gaps)}" if gaps else ""))
                _table(document, ["Control", "Line", "Type", "Assurance", "Given by"],
                       [[control, str(line), kind, assurance, source] for control, line, kind, assurance, source in items]
                       or [["No controls are itemised for this risk.", "", "", "", ""]], widths=[10, 1.5, 3, 3, 3.5])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

"""The register in the committee's layout, as the committee pack and the register downloads show it.

One line per risk (RiskLine), from the register's own rows (queries.register), written as CSV and XLSX
(with the title, council and part, printable as it is) and as an A4 landscape PDF with the pack's header,
"Page n of N" on every page, the corporate risk performance summary (the five quarters to the register's,
as the summary page and the committee pack show it) and the scoring matrix. The public version shows an
exempt risk by its reference, title and rating only; its detail goes to the exempt appendix, marked NOT FOR
PUBLICATION.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import tablib
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from organisation.interchange import formula_safe
from organisation.ordering import natural

from . import queries, scoring
from .models import Risk
from .templatetags.risks import ARROWS

EXEMPT_TEXT = "Exempt: the detail is in the exempt appendix (not for publication)"
COLUMNS = [
    "Reference", "Title", "Description and causes", "Controls in place (what we have done)", "Travel",
    "Current likelihood", "Current impact", "Current rating", "Current level",
    "Further actions (what we are doing)", "Tolerance likelihood", "Tolerance impact", "Tolerance rating",
    "Tolerance level", "Outside tolerance", "Previous rating", "Last reviewed", "Next review", "Scheme",
    "Risk owner", "Action owner", "Portfolio", "Strategy themes", "Register", "Exempt",
    "Inherent rating", "Outside appetite", "Appetite", "Accepted until",
]
NUMBERS = {"Current likelihood", "Current impact", "Current rating", "Tolerance likelihood", "Tolerance impact",
           "Tolerance rating", "Previous rating", "Inherent rating"}


@dataclass
class RiskLine:
    reference: str
    title: str
    description: str
    causes: str
    controls: str
    actions: str
    register: str
    directorate: str
    kind: str
    likelihood: int
    impact: int
    rating: int
    level: str
    level_position: int
    tolerance_likelihood: int
    tolerance_impact: int
    tolerance_rating: int
    tolerance_level: str
    previous_rating: int | None
    travel: str
    outside: bool
    risk_owner: str
    action_owner: str
    portfolio: str
    strategy_themes: str
    next_review: str
    last_reviewed: str
    scheme: str
    exempt: bool
    paragraph: int
    not_reviewed_since: str | None
    quarters_outside: int = 0
    # As the quarter judged them (risks.Judgement): the inherent rating, appetite and a formal acceptance.
    inherent_rating: int | None = None
    outside_appetite: bool = False
    appetite: str = ""
    accepted_until: str = ""


def lines(found: queries.Register) -> list[RiskLine]:
    """The register's rows as committee lines (reading each review's controls and actions in one query)."""
    positions = {band.name: index + 1 for index, band in enumerate(found.scheme.levels)}
    rows = queries.with_review_detail([r for r in found.rows if r.review is not None])
    from .models import Judgement

    judged = {risk_id: rest for risk_id, *rest in Judgement.objects.filter(
        quarter=found.quarter, risk_id__in=[r.risk.pk for r in rows]).values_list(
        "risk_id", "inherent_likelihood", "inherent_impact", "outside_appetite", "appetite_level", "accepted_until")}
    out = []
    for row in rows:
        risk, review, detail = row.risk, row.review, row.detail
        if detail is None:  # deleted since the rows were scored
            continue
        out.append(RiskLine(
            reference=risk.reference, title=risk.title, description=risk.description, causes=risk.causes,
            controls=detail.controls, actions=detail.actions, register=row.register_display,
            directorate=risk.directorate.name, kind=row.kind, likelihood=review.likelihood, impact=review.impact,
            rating=row.rating, level=row.level.name, level_position=positions.get(row.level.name, 0),
            tolerance_likelihood=review.tolerance_likelihood, tolerance_impact=review.tolerance_impact,
            tolerance_rating=row.tolerance_rating, tolerance_level=row.tolerance_level.name,
            previous_rating=row.previous_rating, travel=row.travel.value, outside=row.outside,
            risk_owner=risk.risk_owner, action_owner=risk.action_owner, portfolio=risk.portfolio,
            strategy_themes=risk.strategy_themes,
            next_review=f"{detail.next_review_date:%d/%m/%Y}" if detail.next_review_date else "",
            last_reviewed=review.period_label, scheme=row.scheme.name if row.scheme else found.scheme.name,
            exempt=risk.exempt, paragraph=risk.exempt_paragraph, not_reviewed_since=row.not_reviewed_since,
            **_judged(judged.get(risk.pk)),
        ))
    return out


def _judged(values) -> dict:
    if values is None:
        return {}
    likelihood, impact, outside, level, until = values
    return {"inherent_rating": likelihood * impact if likelihood and impact else None, "outside_appetite": outside,
            "appetite": (level or "").capitalize(), "accepted_until": f"{until:%d/%m/%Y}" if until else ""}


def count(n: int) -> str:
    return f"{n} risk" if n == 1 else f"{n} risks"


def dataset(risk_lines: list[RiskLine], *, public: bool) -> tablib.Dataset:
    data = tablib.Dataset(headers=COLUMNS)
    for line in risk_lines:
        hidden = public and line.exempt
        detail = f"{line.description}\nCauses: {line.causes}" if line.causes else line.description
        data.append([
            line.reference, line.title, EXEMPT_TEXT if hidden else detail, "" if hidden else line.controls,
            line.travel, None if hidden else line.likelihood, None if hidden else line.impact, line.rating,
            line.level, "" if hidden else line.actions, None if hidden else line.tolerance_likelihood,
            None if hidden else line.tolerance_impact, line.tolerance_rating, line.tolerance_level,
            "Yes" if line.outside else "No", line.previous_rating, line.last_reviewed,
            "" if hidden else line.next_review, line.scheme, "" if hidden else line.risk_owner,
            "" if hidden else line.action_owner, "" if hidden else line.portfolio,
            "" if hidden else line.strategy_themes, line.register, "Yes" if line.exempt else "No",
            None if hidden else line.inherent_rating, "Yes" if line.outside_appetite else "No", line.appetite,
            line.accepted_until,
        ])
    return data


def title(quarter_label: str, *, public: bool) -> str:
    return f"Corporate and directorate risk register, {quarter_label}" + ("" if public else ": exempt appendix")


def xlsx(risk_lines: list[RiskLine], *, quarter_label: str, public: bool, scope: str) -> bytes:
    """The register as a printable workbook: title rows, numbers as numbers, A4 landscape, fitted to the
    page's width with the header row repeated on every page, "Page n of N" in the footer."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    book = Workbook()
    sheet = book.active
    sheet.title = "Register" if public else "Exempt appendix"
    heading = title(quarter_label, public=public)
    intro = [(heading, Font(bold=True, size=14)), (f"{settings.COUNCIL_NAME}: {scope}", Font(bold=True)),
             (f"{count(len(risk_lines))}, highest current rating first. "
              + ("Public: exempt risks show their reference, title and rating only." if public else
                 "NOT FOR PUBLICATION: exempt information under Schedule 12A to the Local Government Act 1972.")
              + f" Downloaded {timezone.localtime().day} {timezone.localtime():%B %Y %H:%M}.", None)]
    for text, font in intro:
        sheet.append([formula_safe(text)])
        if font:
            sheet.cell(row=sheet.max_row, column=1).font = font
    sheet.append([])
    sheet.append(COLUMNS)
    header_row = sheet.max_row  # the header's row (a blank row appended holds no cells: max_row skips it)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    at = header_row
    for values in dataset(risk_lines, public=public):
        sheet.append([formula_safe(v) if isinstance(v, str) else v for v in values])
        at += 1  # the row just appended (sheet.max_row would scan every cell, for every row)
        for column in (3, 4, 10):
            sheet.cell(row=at, column=column).alignment = Alignment(wrap_text=True, vertical="top")
    widths = [10, 30, 50, 45, 12, 10, 10, 10, 10, 45, 10, 10, 10, 10, 10, 10, 12, 12, 14, 24, 24, 20, 24, 12, 8,
              10, 10, 10, 12]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.oddHeader.left.text = formula_safe(f"{settings.COUNCIL_NAME} - {heading}")
    sheet.oddHeader.right.text = "Part A (public)" if public else "NOT FOR PUBLICATION"
    sheet.oddFooter.right.text = "Page &P of &N"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class SummaryLine:
    """One risk of the corporate risk performance summary: per quarter, oldest first, its rating as the
    paper writes it ("2 x 7 = 14", or the rating alone) and its travel in words ("▲ Up"), or ("No review", "")."""

    reference: str
    title: str
    owner: str  # "" where the version may not show it (an exempt risk in the public version)
    exempt: bool
    cells: list[tuple[str, str]]


@dataclass
class Summary:
    labels: list[str]  # the five quarters to the register's, oldest first
    lines: list[SummaryLine]  # natural reference order (CRR9 before CRR10)


def travel_text(travel) -> str:
    """Travel in words, with the arrow the pages show beside it: never colour alone."""
    value = getattr(travel, "value", travel) or ""
    arrow = ARROWS.get(value, "")
    return f"{arrow} {value}" if arrow else value


def summary(found: queries.Register, risk_lines: list[RiskLine], *, public: bool) -> Summary:
    """The corporate risk performance summary for the register's risks (those of risk_lines, so a narrowed
    register or the exempt appendix is summarised as it is listed): each one's rating and travel for the
    five quarters to the register's quarter, worked out as the summary page works them out
    (queries.rows_for with its history, queries.history_scores and queries.scored), in a fixed number of
    queries however many risks. public: an exempt risk's owner and scores are Part B detail, so it shows
    its reference, title and ratings only."""
    quarter = found.quarter
    labels = [v.label for v in queries.last_quarters(quarter)]
    listed = {line.reference: line for line in risk_lines}
    ids = {r.risk.pk: listed[r.risk.reference] for r in found.rows
           if r.review is not None and r.risk.reference in listed}
    if not ids:
        return Summary(labels, [])
    histories = {r.risk.pk: r.history for r in queries.rows_for(
        queries.risk_facts(Risk.objects.filter(pk__in=list(ids))), quarter, found.scheme, history=True)}
    scores = queries.history_scores(list(ids), quarter)
    out = []
    for pk, line in ids.items():
        hidden = public and line.exempt
        cells = []
        for label, rating, travel in histories.get(pk, []):
            if rating is None:
                cells.append(("No review", ""))
            else:
                cells.append((queries.scored(rating, None if hidden else scores.get((pk, label))),
                              travel_text(travel)))
        out.append(SummaryLine(line.reference, line.title, "" if hidden else line.risk_owner, line.exempt, cells))
    out.sort(key=lambda s: natural(s.reference))
    return Summary(labels, out)


def pdf(risk_lines: list[RiskLine], scheme: scoring.Scheme, *, quarter_label: str, public: bool,
        scope: str, summary: Summary | None = None) -> bytes:
    """The register on A4 landscape pages: the pack's header and page numbers; then, given it, the corporate
    risk performance summary (summary()); the scoring matrix last, as the committee's paper orders them."""
    from weasyprint import HTML

    matrix = []
    for kind in (scoring.Kind.THREAT, scoring.Kind.OPPORTUNITY):
        matrix.append({"kind": kind.value, "impacts": [(v, scheme.impacts[kind][v]) for v in scheme.impact_values(kind)],
                       "grid": scoring.heat_map(scheme, kind, [])})
    html = render_to_string("risks/committee_register.html", {
        "lines": risk_lines, "public": public, "title": title(quarter_label, public=public), "scope": scope,
        "council": settings.COUNCIL_NAME, "count": count(len(risk_lines)), "scheme": scheme, "matrix": matrix,
        "positions": {band.name: index + 1 for index, band in enumerate(scheme.levels)},
        "downloaded": timezone.localtime(), "summary": summary,
    })
    return HTML(string=html).write_pdf(pdf_tags=True)

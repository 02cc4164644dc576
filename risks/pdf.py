"""The audit committee's register: as a dataset (CSV/XLSX) and as a landscape PDF with the matrix appended."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import tablib
from reportlab.lib import colors
from reportlab.lib.pagesizes import A3, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from organisation.interchange import formula_safe

from . import queries, scoring

COMMITTEE_COLUMNS = [
    "Reference", "Title", "Description and causes", "Controls in place", "Travel", "Current likelihood",
    "Current impact", "Current rating", "Current level", "Further actions", "Tolerance likelihood",
    "Tolerance impact", "Tolerance rating", "Tolerance level", "Risk owner", "Action owner", "Portfolio",
    "Strategy themes", "Register", "Exempt",
]
EXEMPT_TEXT = "Exempt: detail withheld (access-to-information rules)"


def _values(row, public: bool) -> list:
    risk, review, detail_review = row.risk, row.review, row.detail
    hidden = public and risk.exempt
    detail = f"{risk.description}\nCauses: {risk.causes}" if risk.causes else risk.description
    return [
        risk.reference, risk.title, EXEMPT_TEXT if hidden else detail, "" if hidden else detail_review.controls,
        row.travel.value if row.travel else "", "" if hidden else review.likelihood, "" if hidden else review.impact,
        row.rating, row.level.name if row.level else "", "" if hidden else detail_review.actions,
        "" if hidden else review.tolerance_likelihood, "" if hidden else review.tolerance_impact,
        row.tolerance_rating, row.tolerance_level.name if row.tolerance_level else "",
        "" if hidden else risk.risk_owner, "" if hidden else risk.action_owner, "" if hidden else risk.portfolio,
        "" if hidden else risk.strategy_themes, risk.get_register_display(), "Yes" if risk.exempt else "No",
    ]


def _with_detail(rows) -> list:
    """Read the whole review (controls, actions) of rows that do not have it yet; leave out
    any whose review was deleted since the rows were scored."""
    missing = [r for r in rows if r.detail is None and r.review is not None]
    if missing:
        queries.with_review_detail(missing)
    return [r for r in rows if r.detail is not None]


def committee_dataset(rows, *, public: bool) -> tablib.Dataset:
    data = tablib.Dataset(headers=COMMITTEE_COLUMNS)
    for row in _with_detail(rows):
        data.append(_values(row, public))
    return data


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(formula_safe(text) if isinstance(text, str) else text)).replace("\n", "<br/>"), style)


def _tint(hex_colour: str) -> colors.Color:
    """The band colour mixed half with white, so black text on it stays readable."""
    base = colors.HexColor(hex_colour)
    return colors.Color((base.red + 1) / 2, (base.green + 1) / 2, (base.blue + 1) / 2)


def register_pdf(title: str, rows, scheme: scoring.Scheme, *, public: bool) -> bytes:
    rows = _with_detail(rows)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A3), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=title, author="Performance and risk")
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7.5, leading=9)
    head = styles["BodyText"].clone("head", fontSize=7.5, leading=9, fontName="Helvetica-Bold")
    story = [Paragraph(escape(title), styles["Title"]),
             Paragraph(f"{len(rows)} risks, highest current rating first. Scored on the {escape(scheme.name)} "
                       "scheme (rating = likelihood x impact). " +
                       ("Exempt risks show their title and rating only." if public else ""), styles["BodyText"]),
             Spacer(1, 4 * mm)]
    columns = ["Ref", "Title", "Description and causes", "Controls in place", "Travel", "L", "I", "Rating",
               "Further actions", "Tol. L", "Tol. I", "Tol. rating", "Risk owner", "Action owner", "Portfolio",
               "Themes"]
    data = [[_p(c, head) for c in columns]]
    band_colour = {band.name: band.colour for band in scheme.levels}
    style = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd")), ("REPEATROWS", (0, 0), (-1, 0))]
    for index, row in enumerate(rows, start=1):
        v = _values(row, public)
        cells = [v[0], v[1] + (" [EXEMPT]" if row.risk.exempt else ""), v[2], v[3], v[4], v[5], v[6],
                 f"{v[7]} {v[8]}", v[9], v[10], v[11], f"{v[12]} {v[13]}", v[14], v[15], v[16], v[17]]
        data.append([_p(c, small) for c in cells])
        if row.level:
            style.append(("BACKGROUND", (7, index), (7, index), _tint(band_colour[row.level.name])))
        if row.tolerance_level:
            style.append(("BACKGROUND", (11, index), (11, index),
                          _tint(band_colour[row.tolerance_level.name])))
    widths = [18, 40, 70, 60, 14, 9, 9, 20, 60, 11, 11, 20, 32, 32, 28, 30]
    scale = doc.width / (sum(widths) * mm)
    table = Table(data, colWidths=[w * mm * scale for w in widths], repeatRows=1)
    table.setStyle(TableStyle(style))
    story += [table, PageBreak()] + _criteria(scheme, styles, small, head)
    doc.build(story)
    return out.getvalue()


def _criteria(scheme: scoring.Scheme, styles, small, head) -> list:
    story = [Paragraph(f"Scoring matrix and criteria: {escape(scheme.name)}", styles["Heading1"])]
    for kind in (scoring.Kind.THREAT, scoring.Kind.OPPORTUNITY):
        impacts = scheme.impact_values(kind)
        grid = [[_p("Likelihood \\ impact", head)] + [_p(f"{i} {scheme.impacts[kind][i]}", head) for i in impacts]]
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("ALIGN", (1, 1), (-1, -1), "CENTER")]
        for r, likelihood in enumerate(reversed(scheme.likelihood_values()), start=1):
            line = [_p(f"{likelihood} {scheme.likelihoods[likelihood]}", head)]
            for c, impact in enumerate(impacts, start=1):
                score = scoring.rating(likelihood, impact)
                band = scoring.level(scheme, score)
                line.append(_p(f"{score} {band.name}", small))
                style.append(("BACKGROUND", (c, r), (c, r), _tint(band.colour)))
            grid.append(line)
        table = Table(grid, colWidths=[40 * mm] + [30 * mm] * len(impacts))
        table.setStyle(TableStyle(style))
        heading = "Threats" if kind == scoring.Kind.THREAT else "Opportunities"
        story += [Paragraph(heading, styles["Heading2"]), table, Spacer(1, 5 * mm)]
    bands = [[_p("Level", head), _p("Rating", head)]] + [
        [_p(b.name, small), _p(f"{b.minimum} and over" if b.maximum is None else f"{b.minimum} to {b.maximum}", small)]
        for b in scheme.levels]
    story += [Paragraph("Levels", styles["Heading2"]), Table(bands, colWidths=[40 * mm, 40 * mm],
                                                             style=[("GRID", (0, 0), (-1, -1), 0.5, colors.grey)])]
    story += [Spacer(1, 4 * mm), Paragraph(
        "Rating = likelihood x impact. Travel compares the rating with the previous quarter's review "
        "(Up, Down, Same, or New). A threat is outside tolerance when its current rating is above its tolerance "
        "rating; an opportunity when it is below its target.", styles["BodyText"])]
    return story

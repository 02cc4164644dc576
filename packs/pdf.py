"""The committee pack as PDF: the same HTML and CSS approach as the pages, laid out on A4 by WeasyPrint.

WeasyPrint rather than reportlab: the pack is a long document of tables that must break across pages
with their headers repeated, running headers and "Page n of N" footers - which print CSS says in a
few lines - and WeasyPrint tags the PDF for screen readers (headings, tables, reading order; pdf_tags),
which reportlab does not do.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from organisation.charts import Series, line_chart

from .content import PART_A, SCHEDULE_12A, PackContent, part_label


def _charts(content: PackContent) -> list:
    charts = []
    for chart in content.placements.charts:
        points = chart["points"]
        labels = [value.label for value, _ in points]
        charts.append(line_chart(chart["title"], labels, [Series(chart["unit"], [v for _, v in points])],
                                 positions=[value.ordinal for value, _ in points], width=760, height=260))
    return charts


def html(content: PackContent, part: str) -> str:
    paragraphs = sorted({line.paragraph for line in content.exempt})
    return render_to_string("packs/pack.html", {
        "content": content, "meta": content.meta, "risks": content.risks, "part": part,
        "part_label": part_label(part), "paragraphs": paragraphs, "schedule": SCHEDULE_12A,
        "charts": _charts(content) if part == PART_A else [],
    })


def render(content: PackContent, part: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html(content, part)).write_pdf(pdf_tags=True)

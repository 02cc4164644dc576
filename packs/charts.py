"""The pack's charts as PNG images for the Word file, drawn with Pillow from the same points as the PDF's
SVG charts (organisation/charts.py lays both out): quarters spaced by time, a gap where there is none."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from organisation.charts import Series, line_chart

SCALE = 2  # drawn at twice the chart's size, for print


def _font(size: int):
    for name in ("LiberationSans-Regular.ttf", "DejaVuSans.ttf", "Arial.ttf"):
        try:
            return ImageFont.truetype(name, size * SCALE)
        except OSError:
            continue
    return ImageFont.load_default()


def png(chart: dict) -> bytes:
    points = chart["points"]
    laid = line_chart(chart["title"], [value.label for value, _ in points], [Series(chart["unit"],
                                                                                    [v for _, v in points])],
                      positions=[value.ordinal for value, _ in points], width=760, height=260)
    image = Image.new("RGB", (laid.width * SCALE, laid.height * SCALE), "white")
    draw = ImageDraw.Draw(image)
    small = _font(12)
    for y, label in laid.y_ticks:
        draw.line([(laid.left * SCALE, y * SCALE), (laid.width * SCALE, y * SCALE)], fill="#b1b4b6", width=SCALE)
        draw.text(((laid.left - 8) * SCALE, y * SCALE), label, fill="#0b0c0c", font=small, anchor="rm")
    for x, label in laid.x_ticks:
        draw.text((x * SCALE, (laid.height - 25) * SCALE), label, fill="#0b0c0c", font=small, anchor="mm")
    for series in laid.series:
        for path in series.paths:
            coords = [tuple(float(n) * SCALE for n in pair.split(",")) for pair in path[1:].split(" L")]
            draw.line(coords, fill=series.colour, width=3 * SCALE, joint="curve")
        for point in series.points:
            r = 5 * SCALE
            draw.ellipse([point.x * SCALE - r, point.y * SCALE - r, point.x * SCALE + r, point.y * SCALE + r],
                         fill=series.colour)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()

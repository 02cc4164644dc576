"""Server-drawn SVG line charts (no JavaScript, so no CSP exceptions).

``line_chart`` turns labelled series into plain coordinates that the
``includes/line_chart.html`` template draws, together with the same figures as
a table for people who cannot see the chart. Pure: no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

# Distinguishable without colour: each series also has its own dash and marker.
STYLES = (
    {"colour": "#1d70b8", "dash": "", "marker": "circle"},
    {"colour": "#0b0c0c", "dash": "8 5", "marker": "square"},
    {"colour": "#d4351c", "dash": "2 4", "marker": "triangle"},
    {"colour": "#00703c", "dash": "12 4 2 4", "marker": "diamond"},
    {"colour": "#912b88", "dash": "4 2", "marker": "circle"},
)


@dataclass
class Series:
    name: str
    values: list[Decimal | float | int | None]
    display: list[str] | None = None  # formatted values for the table; default str()


@dataclass
class Point:
    x: float
    y: float
    label: str  # "2019/20 Q1: 75.8"


@dataclass
class DrawnSeries:
    name: str
    colour: str
    dash: str
    marker: str
    paths: list[str]
    points: list[Point]
    display: list[str]


@dataclass
class Chart:
    title: str
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    series: list[DrawnSeries] = field(default_factory=list)
    x_labels: list[str] = field(default_factory=list)
    y_title: str = ""
    empty: bool = False

    @property
    def rows(self) -> list[tuple[str, list[str]]]:
        """The data table: one row per x label, one cell per series."""
        return [(label, [s.display[i] for s in self.series]) for i, label in enumerate(self.x_labels)]


def _nice_step(span: float, ticks: int = 5) -> float:
    if span <= 0:
        return 1.0
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _tick_label(value: float, step: float) -> str:
    places = 0 if step >= 1 else min(4, max(0, -math.floor(math.log10(step))))
    return f"{value:,.{places}f}"


def line_chart(title: str, x_labels: list[str], series: list[Series], *, y_title: str = "",
               width: int = 760, height: int = 320, include_zero: bool = True,
               positions: list[int] | None = None) -> Chart:
    """positions: each label's place on a time axis (e.g. a quarter's number): points are spaced by it, and
    a line is broken where positions are not consecutive (a gap in the figures shows as a gap)."""
    left, right, top, bottom = 70, 20, 30, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    numbers = [float(v) for s in series for v in s.values if v is not None]
    drawn_display = [
        s.display if s.display is not None else ["" if v is None else str(v) for v in s.values] for s in series
    ]
    if not numbers or not x_labels:
        return Chart(title, width, height, left, top, right, bottom, [], [], [
            DrawnSeries(s.name, STYLES[i % len(STYLES)]["colour"], STYLES[i % len(STYLES)]["dash"],
                        STYLES[i % len(STYLES)]["marker"], [], [], drawn_display[i]) for i, s in enumerate(series)
        ], x_labels, y_title, empty=True)
    low, high = min(numbers), max(numbers)
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if low == high:
        low, high = low - 1, high + 1
    step = _nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step

    def y_of(v: float) -> float:
        return round(top + plot_h - (v - low) / (high - low) * plot_h, 1)

    count = len(x_labels)
    places = list(positions) if positions is not None and len(positions) == count else list(range(count))
    first, span = places[0], places[-1] - places[0] + 1

    def x_of(i: int) -> float:
        return round(left + (plot_w * (places[i] - first + 0.5) / span), 1)

    y_ticks = []
    tick = low
    while tick <= high + step / 1000:
        y_ticks.append((y_of(tick), _tick_label(tick, step)))
        tick += step
    # Labels never overlap: one is kept only where it clears the last kept by its own width (about 7 px a
    # character at the axis's size), the last label always shown (the one before it dropped if need be).
    gap = max(len(label) for label in x_labels) * 7 + 12
    x_ticks: list[tuple[float, str]] = []
    for i, label in enumerate(x_labels):
        x = x_of(i)
        if not x_ticks or x - x_ticks[-1][0] >= gap:
            x_ticks.append((x, label))
        elif i == count - 1 and len(x_ticks) > 1 and x - x_ticks[-2][0] >= gap:
            x_ticks[-1] = (x, label)  # the last quarter shown, the one just before it left out

    drawn = []
    for index, s in enumerate(series):
        style = STYLES[index % len(STYLES)]
        paths, current, points = [], [], []
        for i, value in enumerate(s.values):
            if value is None or (i > 0 and places[i] - places[i - 1] > 1):
                if len(current) > 1:
                    paths.append("M" + " L".join(current))
                current = []
                if value is None:
                    continue
            x, y = x_of(i), y_of(float(value))
            current.append(f"{x},{y}")
            points.append(Point(x, y, f"{x_labels[i]}: {drawn_display[index][i]}"))
        if len(current) > 1:
            paths.append("M" + " L".join(current))
        drawn.append(DrawnSeries(s.name, style["colour"], style["dash"], style["marker"], paths, points,
                                 drawn_display[index]))
    return Chart(title, width, height, left, top, right, bottom, x_ticks, y_ticks, drawn, list(x_labels), y_title)


def sparkline_points(values: list[float | None], *, width: int = 80, height: int = 20, pad: int = 2) -> list[str]:
    """An SVG polyline's points for a small trend, one run of points per unbroken stretch (a missing value
    breaks the line: a gap is never drawn across). Each run is "x,y x,y ..."; a flat series sits mid-height.
    Pure: the caller draws it, aria-hidden beside the figures in words."""
    known = [v for v in values if v is not None]
    if not known:
        return []
    low, high = min(known), max(known)
    span = high - low
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    runs: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            if runs[-1]:
                runs.append([])
            continue
        y = height / 2 if span == 0 else pad + (height - 2 * pad) * (1 - (v - low) / span)
        runs[-1].append(f"{pad + i * step:.1f},{y:.1f}")
    return [" ".join(run) for run in runs if run]

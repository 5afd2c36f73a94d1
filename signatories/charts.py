"""Geometry of a stacked bar chart that a template draws as SVG on the server.

No script and no style attribute: the template writes SVG presentation attributes
(``fill``, ``font-size``), which a strict Content-Security-Policy allows.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Series:
    label: str
    colour: str  # an SVG colour; pick ones that also differ in lightness


@dataclass(frozen=True)
class Column:
    label: str  # under the axis (only every few columns show it) and in tooltips
    values: tuple[int, ...]  # one per series, stacked bottom-up in series order


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str  # the tooltip: column, series and value


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class LegendItem:
    x: float
    y: float  # the text's baseline
    colour: str
    label: str

    @property
    def swatch_y(self) -> float:
        return self.y - LEGEND_SWATCH + 2

    @property
    def text_x(self) -> float:
        return self.x + LEGEND_SWATCH + 6


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    segments: list[Segment]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    legend: list[LegendItem]

    @property
    def y_label_x(self) -> float:
        return self.left - 6

    @property
    def x_label_y(self) -> float:
        return self.bottom + 16


MAX_BAR_WIDTH = 40
MAX_X_LABELS = 10
LEGEND_ROW = 18
LEGEND_SWATCH = 12
CHAR_WIDTH = 6.5  # a generous average at font-size 11, for laying out the legend


def nice_step(peak: int, ticks: int = 5) -> int:
    """A step of 1, 2 or 5 times a power of ten giving at most ``ticks`` intervals."""
    raw = max(peak, 1) / ticks
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    # power <= raw < 10 * power, so one of these reaches raw.
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _legend(series: Sequence[Series], width: int, left: float) -> list[LegendItem]:
    items, x, y = [], left, LEGEND_SWATCH
    for each in series:
        room = LEGEND_SWATCH + 6 + len(each.label) * CHAR_WIDTH + 18
        if x > left and x + room > width:
            x, y = left, y + LEGEND_ROW
        items.append(LegendItem(x=x, y=y, colour=each.colour, label=each.label))
        x += room
    return items


def stacked_bar_chart(
    *,
    columns: Sequence[Column],
    series: Sequence[Series],
    width: int = 760,
    plot_height: int = 200,
) -> BarChart:
    """Lay out one bar per column, its values stacked, with axes and a legend."""
    legend = _legend(series, width, left=48)
    top = (legend[-1].y if legend else 0) + LEGEND_ROW
    left, right = 48.0, width - 8.0
    bottom = top + plot_height
    peak = max((sum(column.values) for column in columns), default=0)
    step = nice_step(peak)
    ceiling = max(math.ceil(peak / step), 1) * step
    scale = plot_height / ceiling

    y_ticks = [
        Tick(position=round(bottom - value * scale, 2), label=str(value))
        for value in range(0, ceiling + 1, step)
    ]
    slot = (right - left) / max(len(columns), 1)
    bar = min(slot * 0.8, MAX_BAR_WIDTH)
    every = max(math.ceil(len(columns) / MAX_X_LABELS), 1)
    segments, x_ticks = [], []
    for index, column in enumerate(columns):
        x = left + index * slot + (slot - bar) / 2
        base = bottom
        for each, value in zip(series, column.values, strict=True):
            if not value:
                continue
            height = value * scale
            segments.append(
                Segment(
                    x=round(x, 2),
                    y=round(base - height, 2),
                    width=round(bar, 2),
                    height=round(height, 2),
                    colour=each.colour,
                    title=f"{column.label} · {each.label}: {value}",
                )
            )
            base -= height
        if index % every == 0:
            x_ticks.append(Tick(position=round(x + bar / 2, 2), label=column.label))
    return BarChart(
        width=width,
        height=int(bottom + 24),
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        segments=segments,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        legend=legend,
    )

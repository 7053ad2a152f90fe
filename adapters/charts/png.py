"""The core's charts drawn as PNG: grouped bars, hidden figures marked in words, readable in grey.

Each series has its own shade of grey and its own hatching, so a chart photocopied for a board
paper still tells pairs from meetings. A chart with nothing to draw says so instead of an axis.
"""

from __future__ import annotations

import io
from typing import Any

from bot.chart import Bar, ChartFigures, Series

# Dark, light and middle grey with different hatching: distinct in colour-blind and greyscale print.
STYLES: list[dict[str, Any]] = [
    {"color": "#303030", "hatch": ""},
    {"color": "#bdbdbd", "hatch": "//"},
    {"color": "#7a7a7a", "hatch": ".."},
    {"color": "#e6e6e6", "hatch": "xx"},
]


class PngCharts:
    """The ChartRenderer the composition root wires in."""

    def render(self, figures: ChartFigures) -> bytes:
        return _png(draw(figures))


def render_chart(
    months: list[str],
    pairs: list[int],
    confirmed: list[int],
    small: int,
    title: str = "Corridor: pairs made and meetings confirmed",
) -> bytes:
    return _png(draw(ChartFigures(title, months, pairs, confirmed, small)))


def draw(figures: ChartFigures, size: tuple[float, float] = (7, 3.5)) -> Any:
    """A matplotlib Figure (the PDF report draws the same charts into its pages)."""
    # Imported here so that commands which never draw a chart don't pay matplotlib's start-up.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, dpi=100)
    draw_into(figure.subplots(), figures)
    figure.tight_layout()
    return figure


def draw_into(axes: Any, figures: ChartFigures) -> None:
    """Bars, or where every figure is hidden, a sentence saying so instead of an empty axis."""
    if figures.nothing_shown():
        _say_nothing(axes, figures)
    else:
        _bars(axes, figures)


def _say_nothing(axes: Any, figures: ChartFigures) -> None:
    axes.set_axis_off()
    axes.set_title(figures.title)
    span = f"{figures.months[0]} to {figures.months[-1]}" if figures.months else ""
    axes.text(0.5, 0.5, f"{figures.empty_note}\n{span}", ha="center", va="center", wrap=True)


def _bars(axes: Any, figures: ChartFigures) -> None:
    series = figures.drawn_series()
    width = 0.8 / len(series)
    top = max(bar.value or 0 for one in series for bar in one.bars)
    shared = _shared_marks(series)
    for number, one in enumerate(series):
        offset = (number - (len(series) - 1) / 2) * width
        _series(axes, one, offset, width, STYLES[number % len(STYLES)], top, shared)
    for index, mark in shared.items():
        axes.annotate(mark, (index, max(top, 1) * 0.02), ha="center", va="bottom", fontsize=7)
    axes.set_xticks(list(range(len(figures.months))), figures.months)
    axes.set_ylim(0, max(top, 1) * 1.15)
    axes.set_ylabel("count")
    axes.set_title(figures.title)
    axes.legend(loc="upper left", fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)


def _shared_marks(series: list[Series]) -> dict[int, str]:
    """Months where every bar carries the same mark ("not running"): written once, across the month."""
    shared = {}
    for index, bars in enumerate(zip(*(one.bars for one in series), strict=True)):
        marks = {bar.mark for bar in bars if bar.value is None}
        if len(marks) == 1 and all(bar.value is None for bar in bars):
            shared[index] = marks.pop()
    return shared


def _series(
    axes: Any,
    series: Series,
    offset: float,
    width: float,
    style: dict[str, Any],
    top: int,
    shared: dict[int, str],
) -> None:
    positions = [index + offset for index in range(len(series.bars))]
    heights = [bar.value or 0 for bar in series.bars]
    axes.bar(positions, heights, width, label=series.label, edgecolor="black", linewidth=0.6, **style)
    for index, (position, bar) in enumerate(zip(positions, series.bars, strict=True)):
        if index not in shared:
            _mark(axes, position, bar, top)


def _mark(axes: Any, position: float, bar: Bar, top: int) -> None:
    if bar.value is None and bar.mark:
        # Vertical so "not running" fits under a narrow bar.
        axes.annotate(
            bar.mark, (position, max(top, 1) * 0.02), ha="center", va="bottom", fontsize=7, rotation=90
        )


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()

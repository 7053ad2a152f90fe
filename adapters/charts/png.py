"""The digest's chart: pairs made against meetings confirmed, month by month, as a PNG."""

from __future__ import annotations

import io

from bot.chart import ChartFigures


class PngCharts:
    """The ChartRenderer the composition root wires in."""

    def render(self, figures: ChartFigures) -> bytes:
        return render_chart(figures.months, figures.pairs, figures.confirmed, figures.small, figures.title)


def render_chart(
    months: list[str],
    pairs: list[int],
    confirmed: list[int],
    small: int,
    title: str = "Corridor: pairs made and meetings confirmed",
) -> bytes:
    # Imported here so that commands which never draw a chart don't pay matplotlib's start-up.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3.5), dpi=100)
    axes = figure.subplots()
    positions = range(len(months))
    width = 0.38
    # Counts under the small-number threshold are drawn as empty and labelled, never plotted.
    pairs_shown = [n if n >= small else 0 for n in pairs]
    confirmed_shown = [n if n >= small else 0 for n in confirmed]
    axes.bar([p - width / 2 for p in positions], pairs_shown, width, label="Pairs made", color="#005eb8")
    axes.bar(
        [p + width / 2 for p in positions],
        confirmed_shown,
        width,
        label="Meetings confirmed",
        color="#41b6e6",
    )
    for index, (made, met) in enumerate(zip(pairs, confirmed, strict=True)):
        if made < small:
            axes.annotate("<5", (index - width / 2, 0), ha="center", va="bottom", fontsize=8)
        if met < small:
            axes.annotate("<5", (index + width / 2, 0), ha="center", va="bottom", fontsize=8)
    axes.set_xticks(list(positions), months)
    axes.set_ylabel("count")
    axes.set_title(title)
    axes.legend(loc="upper left", fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()

"""A chart as figures: what to draw, decided by the core; drawing it is an adapter's job.

The core never imports a plotting library. It hands these figures to the ChartRenderer
port (adapters/charts draws PNG with matplotlib), so small numbers are already decided
here and a renderer cannot show what the core hid: a hidden bar has no value, only a mark.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bar:
    value: int | None  # None: not drawn
    mark: str = ""  # written where the bar would be: "<5", "hidden", "not running"


@dataclass(frozen=True)
class Series:
    label: str
    bars: list[Bar]


@dataclass(frozen=True)
class ChartFigures:
    title: str
    months: list[str]
    pairs: list[int]
    confirmed: list[int]
    small: int  # counts below this are drawn as empty and labelled, never plotted
    series: list[Series] = field(default_factory=list)
    empty_note: str = "Nothing to draw yet: every figure here is hidden (small numbers) or not running."

    @classmethod
    def of(cls, title: str, months: list[str], pairs: list[Bar], confirmed: list[Bar]) -> ChartFigures:
        """Pairs made against meetings confirmed, with hidden bars already decided."""
        return cls(
            title,
            months,
            [bar.value or 0 for bar in pairs],
            [bar.value or 0 for bar in confirmed],
            0,
            [Series("Pairs made", pairs), Series("Meetings confirmed", confirmed)],
        )

    def drawn_series(self) -> list[Series]:
        """The series to draw: as given, or (older callers) from raw counts and the threshold."""
        if self.series:
            return self.series

        def bars(counts: list[int]) -> list[Bar]:
            return [Bar(n, "") if n >= self.small else Bar(None, f"<{self.small}") for n in counts]

        return [Series("Pairs made", bars(self.pairs)), Series("Meetings confirmed", bars(self.confirmed))]

    def nothing_shown(self) -> bool:
        return all(bar.value is None for series in self.drawn_series() for bar in series.bars)

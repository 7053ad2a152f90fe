"""The digest's chart as figures: what to draw, decided by the core; drawing it is an adapter's job.

The core never imports a plotting library. It hands these figures to the ChartRenderer
port (adapters/charts draws PNG with matplotlib), so small numbers are already decided
here and a renderer cannot show what the core hid.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChartFigures:
    title: str
    months: list[str]
    pairs: list[int]
    confirmed: list[int]
    small: int  # counts below this are drawn as empty and labelled, never plotted

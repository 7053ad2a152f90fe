"""The board report as a PDF: a page of figures and method, a page of trends, all real text.

TrueType fonts are embedded (pdf.fonttype 42), so every word and number can be selected, searched
and read aloud by a screen reader; the charts are the same greyscale-safe ones the digest uses.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import Any, BinaryIO

from adapters.charts.png import draw_into
from bot.report import BoardReport

A4 = (8.27, 11.69)


class PdfReports:
    """The core's ReportRenderer: the same PDF `corridor report` writes, as bytes to download."""

    def render(self, report: BoardReport) -> bytes:
        out = io.BytesIO()
        write_report(report, out)
        return out.getvalue()


def write_report(report: BoardReport, path: Path | BinaryIO) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}), PdfPages(path) as pdf:
        pdf.infodict()["Title"] = report.title
        first = Figure(figsize=A4)
        _figures_page(first, report)
        pdf.savefig(first)
        if report.charts:
            second = Figure(figsize=A4)
            for axes, chart in zip(second.subplots(len(report.charts), 1), report.charts, strict=True):
                draw_into(axes, chart)
            second.tight_layout(pad=2.0)
            pdf.savefig(second)


def _figures_page(figure: Any, report: BoardReport) -> None:
    writer = _Writer(figure)
    writer.line(report.title, size=15, bold=True)
    writer.gap()
    writer.heading(f"The quarter ({report.quarter})")
    for label, value in report.headline:
        writer.pair(label, value)
    if report.by_site:
        writer.heading("By site: pairs made / meetings confirmed")
        for site, pairs, confirmed in report.by_site:
            writer.pair(site, f"{pairs} / {confirmed}")
    if report.by_role:
        writer.heading("By role: active at the quarter's end")
        for role, *figures in report.by_role:
            writer.pair(role, " / ".join(figures))
    if report.pulse:
        writer.heading("Relationship pulse: this quarter / at baseline / national survey of managers")
        for label, now, then, national in report.pulse:
            writer.pair(label, " / ".join(v for v in (now, then, national) if v), size=8.5)
    if report.shadowing:
        writer.heading("Shadowing (paired learning)")
        for label, value in report.shadowing:
            writer.pair(label, value, size=8.5)
        for site, offered, agreed, done in report.shadowing_by_site:
            writer.pair(f"{site}: offered / agreed / done", f"{offered} / {agreed} / {done}", size=8.5)
    writer.heading("Method")
    for paragraph in report.method:
        for line in textwrap.wrap(paragraph, 95):
            writer.line(line, size=8.5)
        writer.gap(0.4)


class _Writer:
    """Lines of text down an A4 page, top to bottom."""

    def __init__(self, figure: Any):
        self.figure = figure
        self.y = 0.95

    def line(self, text: str, size: float = 10, bold: bool = False, x: float = 0.08) -> None:
        self.figure.text(x, self.y, text, fontsize=size, fontweight="bold" if bold else "normal", va="top")
        self.y -= size / 72 / A4[1] * 1.45

    def pair(self, label: str, value: str, size: float = 10) -> None:
        self.figure.text(0.62, self.y, value, fontsize=size, va="top")
        self.line(label, size=size)

    def heading(self, text: str) -> None:
        self.gap()
        self.line(text, size=11.5, bold=True)

    def gap(self, lines: float = 1) -> None:
        self.y -= lines * 10 / 72 / A4[1]

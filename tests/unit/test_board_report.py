"""The organiser takes a quarter's board report to the board: real text, figures hidden as in the digest."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from adapters.charts.png import draw
from adapters.charts.report_pdf import write_report
from bot.chart import Bar, ChartFigures
from bot.report import board_report
from bot.rounds import run_round


def _quarter_of_rounds(hospital, weeks=3):
    for i in range(6):
        hospital.join(f"c{i}", "clinician", name=f"Sister Clinician {i}")
        hospital.join(f"m{i}", "manager", name=f"Manager {i}")
    for _ in range(weeks):
        run_round(hospital.ctx)
        for pair in hospital.pairs():
            user = hospital.store().participants[pair.clinician_id].user_id
            hospital.chat.send(user, f"outcome {pair.id} met")
        hospital.clock.advance(days=7)


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_the_board_report_is_a_pdf_of_selectable_text_with_the_quarters_figures(hospital, tmp_path):
    _quarter_of_rounds(hospital)  # 23 Nov, 30 Nov, 7 Dec: 6 pairs each
    report = board_report(hospital.ctx, "2026-Q4")
    headline = dict(report.headline)
    assert headline["Pairs made"] == "18" and headline["Meetings confirmed"] == "18"
    assert headline["Confirmation rate"] == "100%" and headline["Left"] == "none"

    path = tmp_path / "report.pdf"
    write_report(report, path)
    text = _text(path)
    assert "Corridor: board report for 2026-Q4" in text
    assert "Pairs made" in text and "18" in text and "100%" in text
    assert "What is hidden and why" in text
    assert "Sister Clinician" not in text and "Manager 0" not in text
    assert len(PdfReader(path).pages) == 2


def test_a_quarter_before_the_programme_began_says_not_running(hospital, tmp_path):
    report = board_report(hospital.ctx, "2026-Q3")
    assert dict(report.headline) == {"Programme": "not running"}
    write_report(report, tmp_path / "q3.pdf")
    assert "not running" in _text(tmp_path / "q3.pdf")


def test_a_chart_with_every_figure_hidden_says_so_instead_of_drawing_an_axis():
    hidden = ChartFigures.of(
        "Pilot", ["2026-10", "2026-11"], [Bar(None, "<5")] * 2, [Bar(None, "not running")] * 2
    )
    figure = draw(hidden)
    (axes,) = figure.axes
    assert not axes.axison
    assert any("every figure here is hidden" in t.get_text() for t in axes.texts)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_the_board_report_renders_to_png_for_a_look(hospital, tmp_path):
    _quarter_of_rounds(hospital)
    write_report(board_report(hospital.ctx, "2026-Q4"), tmp_path / "report.pdf")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", str(tmp_path / "report.pdf"), str(tmp_path / "page")], check=True
    )
    assert sorted(p.name for p in tmp_path.glob("page*.png"))

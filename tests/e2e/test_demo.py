"""`corridor demo`, as a newcomer runs it: a whole month, a digest, and a chart on disk."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _command() -> list[str]:
    script = Path(sys.executable).with_name("corridor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "corridor_cli.main"]


def test_the_demo_runs_a_month_and_writes_its_chart(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORRIDOR_")}
    started = time.perf_counter()
    done = subprocess.run(
        [*_command(), "demo", "--out", str(tmp_path / "out")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    elapsed = time.perf_counter() - started
    print(f"corridor demo took {elapsed:.1f}s")
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr}"
    assert "Traceback" not in done.stderr

    out = done.stdout
    assert "digest" in out.lower()
    assert "Pairs made" in out and "Meetings confirmed" in out

    named = re.search(r"(\S+\.png)\s*$", out, re.MULTILINE)
    assert named, "the demo should print the path of its chart"
    chart = Path(named.group(1))
    if not chart.is_absolute():
        chart = tmp_path / chart
    assert chart.is_file(), f"{chart} does not exist"
    assert chart.read_bytes()[:8] == PNG_SIGNATURE

    from PIL import Image

    with Image.open(chart) as image:
        image.verify()
    with Image.open(chart) as image:
        width, height = image.size
    assert width >= 200 and height >= 150, (width, height)
    # The demo works in a temporary database: it leaves nothing behind but the chart.
    assert not list(tmp_path.glob("*.db"))

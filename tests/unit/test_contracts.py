"""The layering rules are checked, not remembered: each import-linter contract catches a violation.

The project's own packages and pyproject.toml are copied to a scratch folder, one module
breaking each rule is added, and import-linter (the same command `make lint` runs) must
report every contract broken.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "adapters", "scheduler", "storage", "corridor_cli")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# One scratch module per rule: where it goes, and what it imports that it must not.
VIOLATIONS = {
    "bot/_scratch_db.py": "import psycopg\n",
    "bot/_scratch_bf.py": "import botframework.connector\n",
    "bot/_scratch_chart.py": "import matplotlib\n",
    "adapters/slack/_scratch.py": "import adapters.teams.cards\n",
    "adapters/teams/_scratch.py": "import storage.uow\n",
    "scheduler/_scratch.py": "import aiohttp\n",
    "storage/_scratch.py": "import scheduler.jobs\n",
}


def _contract_names() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return [c["name"] for c in config["tool"]["importlinter"]["contracts"]]


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "pyproject.toml"],
        cwd=folder,
        env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_contract_catches_a_module_that_breaks_it(tmp_path):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    assert _lint(tmp_path).returncode == 0, "the copy should pass before anything is broken"

    for path, line in VIOLATIONS.items():
        (tmp_path / path).write_text(line)
    result = _lint(tmp_path)

    assert result.returncode != 0
    report = " ".join(result.stdout.split())  # import-linter wraps long names
    for name in _contract_names():
        assert f"{name} BROKEN" in report, f"no violation caught for: {name}"
    for path in VIOLATIONS:
        assert path.removesuffix(".py").replace("/", ".") in report

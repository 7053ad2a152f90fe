"""Two `corridor serve` processes on one PostgreSQL: one round a week, every message sent once.

Both processes (tests/integration/crash_worker.py) start, build their own context on the
same database, and wait; the test releases them together at a moment past Monday 09:00
(their clocks are fixed there), each runs the scheduler's catch-up, then drains the outbox
through a notifier appending to one shared file with O_APPEND.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import EngineSettings
from bot.context import default_programme
from corridor_cli.wiring import build_context
from tests.fakes import FakeClock, FixedSeeds
from tests.integration.conftest import POSTGRES_SKIP_REASON, POSTGRES_URL
from tests.integration.test_crash_delivery import enrol

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not POSTGRES_URL, reason=f"{POSTGRES_SKIP_REASON}: two workers only race on PostgreSQL"
    ),
]

WORKER = Path(__file__).with_name("crash_worker.py")
# Monday 30 November 2026 (ISO week 2026-W49), half an hour after the 09:00 round.
MONDAY_MORNING = datetime(2026, 11, 30, 9, 30, tzinfo=ZoneInfo("Europe/London"))
WEEK = "2026-W49"


# Only the PostgreSQL half of conftest's `database_url` (a fresh, empty public schema).
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_workers_make_one_round_and_send_each_message_once(database_url: str, engine, tmp_path: Path):
    clock = FakeClock(MONDAY_MORNING.replace(day=23))  # enrolled the week before
    ctx = build_context(database_url, EngineSettings(), clock=clock, seeds=FixedSeeds())
    try:
        enrol(ctx, clinicians=150, managers=60)

        sent = tmp_path / "sent.txt"
        results = _together(database_url, sent)
        for code, out, err in results:
            assert code == 0, f"worker failed:\n{out}\n{err}"
        print(*(out.strip() for _, out, _ in results), sep="\n")

        with ctx.uow() as uow:
            programme = default_programme(uow, ctx.settings)
            rounds = uow.rounds.recent(programme.id, 10)
            pairs = uow.pairs.for_rounds([r.id for r in rounds])
            counts = uow.outbox.counts(programme.id)
        assert [r.week for r in rounds] == [WEEK], "exactly one round for the week"
        assert len(pairs) == 120  # every manager's two slots filled

        lines = [line.split()[:2] for line in sent.read_text().splitlines()]
        times = Counter(int(message_id) for message_id, _ in lines)
        twice = {message_id: n for message_id, n in times.items() if n > 1}
        assert not twice, f"sent more than once: {twice}"
        assert counts["pending"] == 0 and counts["failed"] == 0, counts
        assert set(times) == _outbox_ids(ctx), "every message in the outbox went out"
        assert len(times) == counts["sent"]
        by_worker = Counter(name for _, name in lines)
        print(f"messages sent by each worker: {dict(by_worker)}")
    finally:
        ctx.uow.engine.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_workers_starting_on_a_fresh_database_both_come_up(database_url: str, engine, tmp_path: Path):
    """Nobody has enrolled yet, so the default programme does not exist: both create it at once."""
    sent = tmp_path / "sent.txt"
    results = _together(database_url, sent)
    for code, out, err in results:
        assert code == 0, f"worker failed:\n{out}\n{err}"
    ctx = build_context(database_url, EngineSettings())
    try:
        with ctx.uow() as uow:
            assert [p.name for p in uow.programmes.list()] == ["Corridor"]
    finally:
        ctx.uow.engine.dispose()


def _outbox_ids(ctx) -> set[int]:
    from sqlalchemy import select

    from storage.tables import outbox

    with ctx.uow.engine.connect() as connection:
        return set(connection.scalars(select(outbox.c.id)))


def _together(url: str, sent: Path) -> list[tuple[int, str, str]]:
    """Start two workers, release them at the same instant, wait for both."""
    workers = [_start(url, sent, name) for name in ("alpha", "beta")]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    results = [worker.communicate(timeout=60) for worker in workers]
    return [(worker.returncode, out, err) for worker, (out, err) in zip(workers, results, strict=True)]


def _start(url: str, sent: Path, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            str(WORKER),
            url,
            str(sent),
            "--name",
            name,
            "--lease",
            "120",
            "--batch",
            "10",
            "--catch-up-at",
            MONDAY_MORNING.isoformat(),
            "--wait-for-go",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

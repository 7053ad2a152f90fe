"""A delivery process killed with SIGKILL part-way through a round of 500 messages.

The worker runs as a real separate process (tests/integration/crash_worker.py) whose
notifier fsyncs each message id to a file before `send` returns. We kill it once about 200
ids are on disk, wait for its lease to run out, and start it again until the outbox is
empty. Every message must have gone out, and at most one (the one in flight when the
process died) twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bot.config import EngineSettings
from bot.context import default_programme
from bot.model import OutboxStatus, Participant, Place, PlaceKind, Role, Site
from bot.rounds import run_round
from corridor_cli.wiring import build_context
from tests.fakes import FixedSeeds

WORKER = Path(__file__).with_name("crash_worker.py")
LEASE_SECONDS = 1.0
KILL_AFTER = 200


def enrol(ctx, clinicians: int, managers: int, capacity: int = 2) -> None:
    """Bulk enrolment straight through the repositories, in one transaction."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        site = uow.sites.add(Site(programme.id, "St Mary's"))
        uow.places.add(Place(site.id, "Level 2 staff kitchen", PlaceKind.KITCHEN, "Beside Ward 7"))
        people = [(Role.CLINICIAN, i, 1) for i in range(clinicians)]
        people += [(Role.MANAGER, i, capacity) for i in range(managers)]
        for role, i, cap in people:
            uow.participants.add(
                Participant(
                    programme_id=programme.id,
                    platform="console",
                    user_id=f"{role.value[0]}{i:04d}",
                    display_name=f"{role.value.title()} {i}",
                    role=role,
                    site_id=site.id,
                    capacity=cap,
                    joined_at=now,
                )
            )
        uow.commit()


def outbox_counts(ctx) -> dict[str, int]:
    with ctx.uow() as uow:
        return uow.outbox.counts(default_programme(uow, ctx.settings).id)


def sent_ids(path: Path) -> list[int]:
    if not path.exists():
        return []
    return [int(line.split()[0]) for line in path.read_text().splitlines() if line.strip()]


def start_worker(database_url: str, sent: Path, name: str, linger: float = 0.0) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), database_url, str(sent), "--name", name, *_options(linger)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_killed_worker_loses_nothing_and_repeats_at_most_one(database_url: str, engine, tmp_path: Path):
    ctx = build_context(database_url, EngineSettings(), seeds=FixedSeeds())
    try:
        # Everyone paired one to one: 250 pairs, an intro to each person, 500 messages.
        enrol(ctx, clinicians=250, managers=250, capacity=1)
        report = run_round(ctx)
        assert report.recorded
        queued = outbox_counts(ctx)["pending"]
        assert queued == 500, queued
        with ctx.uow() as uow:
            programme = default_programme(uow, ctx.settings)
        expected = _pending_ids(ctx, programme.id)
        assert len(expected) == queued

        sent = tmp_path / "sent.txt"
        first = start_worker(database_url, sent, "first", linger=0.003)
        deadline = time.monotonic() + 30
        while len(sent_ids(sent)) < KILL_AFTER:
            assert first.poll() is None, f"worker ended before it was killed:\n{first.communicate()}"
            assert time.monotonic() < deadline, "the worker was too slow to reach 200 sends"
            time.sleep(0.005)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        at_kill = len(sent_ids(sent))
        print(f"killed after {at_kill} sends; outbox then: {outbox_counts(ctx)}")
        assert at_kill < queued, "the worker finished before it could be killed"

        # The dead worker's lease must run out before its claimed messages are due again.
        restarts = 0
        while outbox_counts(ctx)["pending"] and restarts < 3:
            time.sleep(LEASE_SECONDS + 0.2)
            restarts += 1
            again = start_worker(database_url, sent, f"restart{restarts}")
            out, err = again.communicate(timeout=60)
            assert again.returncode == 0, f"restarted worker failed:\n{out}\n{err}"

        counts = outbox_counts(ctx)
        assert counts["pending"] == 0 and counts["failed"] == 0, counts
        assert counts["sent"] == queued
        times = Counter(sent_ids(sent))
        assert set(times) == expected, "every queued message was delivered, and nothing else"
        twice = [message_id for message_id, n in times.items() if n > 1]
        assert len(twice) <= 1, f"sent twice: {twice}"
        assert max(times.values()) <= 2
        print(f"{queued} messages, {restarts} restart(s), sent twice: {twice or 'none'}")
    finally:
        ctx.uow.engine.dispose()


def _options(linger: float) -> list[str]:
    return ["--lease", str(LEASE_SECONDS), "--linger", str(linger)]


def _pending_ids(ctx, programme_id: int) -> set[int]:
    from sqlalchemy import select

    from storage.tables import outbox

    with ctx.uow.engine.connect() as connection:
        rows = connection.execute(
            select(outbox.c.id).where(
                outbox.c.programme_id == programme_id, outbox.c.status == OutboxStatus.PENDING.value
            )
        )
        return {row.id for row in rows}

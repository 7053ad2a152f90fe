"""A delivery process killed with SIGKILL three times part-way through a round of 500 messages.

The worker runs as a real separate process (tests/integration/crash_worker.py) that holds
its worker name and delivers as `corridor serve` does, through a notifier that fsyncs each
message id, its own run's name and the time to a file before `send` returns. We kill it
once 100, 200 and 300 ids are on disk, starting it again straight after each death, with
the production lease (120 s) left in place. Every message must have gone out; at most one
per kill (the one in flight when the process died) twice; and each restart must be
sending again within 5 s of being started, by the timestamps in the file: it takes back
its predecessor's lease at once rather than waiting it out.
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
LEASE_SECONDS = EngineSettings().delivery_lease_seconds  # production's: a restart must not wait it out
KILL_AT = (100, 200, 300)
RESUMED_WITHIN_SECONDS = 5.0


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


def sends(path: Path) -> list[tuple[int, str, float]]:
    """(message id, run name, unix time) for every send on disk, in order."""
    if not path.exists():
        return []
    lines = [line.split() for line in path.read_text().splitlines()]
    # A line the kill cut short has no time yet: only the line's writer could have been killed.
    return [(int(parts[0]), parts[1], float(parts[2])) for parts in lines if len(parts) == 3]


def sent_ids(path: Path) -> list[int]:
    return [message_id for message_id, _, _ in sends(path)]


def start_worker(database_url: str, sent: Path, name: str, linger: float = 0.0) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), database_url, str(sent), "--name", name, *_options(linger)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_worker_killed_three_times_loses_nothing_repeats_at_most_one_each_time_and_resumes_at_once(
    database_url: str, engine, tmp_path: Path
):
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
        started = {"run0": time.time()}
        worker = start_worker(database_url, sent, "run0", linger=0.003)
        for kill, at in enumerate(KILL_AT, start=1):
            _wait_for_sends(worker, sent, at)
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(10)
            print(f"kill {kill} after {len(sent_ids(sent))} sends; outbox then: {outbox_counts(ctx)}")
            name = f"run{kill}"
            started[name] = time.time()
            worker = start_worker(database_url, sent, name, linger=0.003 if kill < len(KILL_AT) else 0.0)
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, f"the last worker failed:\n{out}\n{err}"

        counts = outbox_counts(ctx)
        assert counts["pending"] == 0 and counts["failed"] == 0, counts
        assert counts["sent"] == queued
        times = Counter(sent_ids(sent))
        assert set(times) == expected, "every queued message was delivered, and nothing else"
        twice = sorted(message_id for message_id, n in times.items() if n > 1)
        assert len(twice) <= len(KILL_AT), f"sent twice: {twice}"
        assert max(times.values()) <= 2

        resumed = _first_send_after_start(sends(sent), started)
        print(
            f"{queued} messages, {len(KILL_AT)} kills, sent twice: {twice or 'none'}, "
            f"first send after each restart: {', '.join(f'{s:.2f} s' for s in resumed.values())}"
        )
        for name, seconds in resumed.items():
            assert seconds < RESUMED_WITHIN_SECONDS, f"{name} first sent {seconds:.1f} s after it was started"
    finally:
        ctx.uow.engine.dispose()


def _wait_for_sends(worker: subprocess.Popen[str], sent: Path, at: int) -> None:
    deadline = time.monotonic() + 60
    while len(sent_ids(sent)) < at:
        assert worker.poll() is None, f"worker ended before it was killed:\n{worker.communicate()}"
        assert time.monotonic() < deadline, f"the worker was too slow to reach {at} sends"
        time.sleep(0.005)


def _first_send_after_start(
    lines: list[tuple[int, str, float]], started: dict[str, float]
) -> dict[str, float]:
    """For each restarted run, seconds from its start to its first send (a run that sent nothing: inf)."""
    first: dict[str, float] = {}
    for _, name, at in lines:
        first.setdefault(name, at)
    return {name: first.get(name, float("inf")) - at for name, at in started.items() if name != "run0"}


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

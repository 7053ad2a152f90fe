"""How long a whole weekly round takes to persist: pairs, sit-outs and every outbox message.

    python -m bench.persist [--sizes 1000,10000,100000] [--postgres URL] [--history WEEKS]

For each size N: N participants on the console platform, three clinicians per manager,
manager capacity 2, sites of about 500 staff with two places each, enrolled in bulk (one
transaction, not timed). Then `run_round(ctx)` is timed end to end, as `corridor round
run` or the Monday job calls it. The time is split by first timing the same round with
`dry_run=True` (read everything, pair, plan places and starters; write nothing); the rest
of the real run is writing and committing. With --history, that many earlier weekly
rounds are run first (not timed), so the timed round also reads its pairing history.

SQLite runs in a temporary file. PostgreSQL runs when --postgres or
CORRIDOR_TEST_DATABASE_URL gives a URL; its public schema is DROPPED and recreated first,
so point it at a scratch database. Target: 100k participants in under 10 s on both.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from bot.config import EngineSettings
from bot.context import default_programme
from bot.model import Place, PlaceKind, Role, Site
from bot.rounds import run_round
from corridor_cli.wiring import build_context
from storage.engine import make_engine
from storage.schema import upgrade
from storage.tables import participants

SITE_SIZE = 500
CAPACITY = 2
# The timed round: Monday 30 November 2026, 09:00 in London.
ROUND_MOMENT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
TARGET_SECONDS = 10.0


class Clock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


class Seeds:
    def __init__(self):
        self.next = 1000

    def new_seed(self) -> int:
        self.next += 1
        return self.next


@dataclass
class Figures:
    backend: str
    size: int
    plan: float
    total: float
    cpu: float  # this process's CPU time for the real round (the database server's not included)
    pairs: int
    sat_out: int
    messages: int

    @property
    def write(self) -> float:
        return max(self.total - self.plan, 0.0)


def enrol(ctx, size: int) -> None:
    """Sites of ~500 staff, one manager in four, all in one transaction straight into the table."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        site_ids = []
        for number in range(max(1, round(size / SITE_SIZE))):
            site = uow.sites.add(Site(programme.id, f"Site {number:03d}"))
            uow.places.add(Place(site.id, f"Kitchen {number}", PlaceKind.KITCHEN, "Level 2"))
            uow.places.add(Place(site.id, f"Coffee point {number}", PlaceKind.CORRIDOR, "By the lifts"))
            site_ids.append(site.id)
        uow.commit()
    rows = []
    for index in range(size):
        manager = index % 4 == 3
        role = Role.MANAGER if manager else Role.CLINICIAN
        rows.append(
            {
                "programme_id": programme.id,
                "platform": "console",
                "user_id": f"U{index:07d}",
                "workspace_id": "",
                "display_name": f"{role.value.title()} {index}",
                "role": role.value,
                "site_id": site_ids[index * len(site_ids) // size],
                "email": None,
                "department": "Cardiology" if not manager else "Operations",
                "capacity": CAPACITY if manager else 1,
                "paused_until": None,
                "joined_at": now,
                "left_at": None,
                "erased": False,
            }
        )
    with ctx.uow.engine.begin() as connection:
        for start in range(0, size, 10_000):
            connection.execute(insert(participants), rows[start : start + 10_000])


def measure(backend: str, url: str, size: int, history: int) -> Figures:
    clock = Clock(ROUND_MOMENT - timedelta(weeks=history))
    ctx = build_context(url, EngineSettings(), clock=clock, seeds=Seeds())
    try:
        enrol(ctx, size)
        for _ in range(history):
            run_round(ctx)
            clock.moment += timedelta(weeks=1)
        started = time.perf_counter()
        preview = run_round(ctx, dry_run=True)
        plan = time.perf_counter() - started
        started, cpu_started = time.perf_counter(), time.process_time()
        report = run_round(ctx)
        total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        assert report.recorded and len(report.pairs) == len(preview.pairs)
        return Figures(
            backend, size, plan, total, cpu, len(report.pairs), len(report.sat_out), report.messages_queued
        )
    finally:
        ctx.uow.engine.dispose()


def fresh_postgres(url: str) -> None:
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    upgrade(url)


def run(sizes: list[int], postgres: str | None, history: int) -> list[Figures]:
    results = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="corridor-bench-") as scratch:
            results.append(measure("SQLite", f"sqlite:///{Path(scratch) / 'bench.db'}", size, history))
            report(results[-1])
        if postgres:
            fresh_postgres(postgres)
            results.append(measure("PostgreSQL", postgres, size, history))
            report(results[-1])
    return results


def report(f: Figures) -> None:
    verdict = (
        "" if f.size < 100_000 else ("  (target met)" if f.total < TARGET_SECONDS else "  (TARGET MISSED)")
    )
    print(
        f"{f.backend:<10} {f.size:>7,} participants: round {f.total:6.2f}s = plan {f.plan:5.2f}s "
        f"+ write {f.write:5.2f}s (CPU {f.cpu:5.2f}s); {f.pairs:,} pairs, {f.sat_out:,} sit-outs, "
        f"{f.messages:,} messages{verdict}",
        flush=True,
    )


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    postgres = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        postgres = subprocess.run(
            ["psql", "--version"], capture_output=True, text=True, timeout=5
        ).stdout.strip()
    return (
        f"{os.cpu_count()} CPUs (nproc), {model}; Python {platform.python_version()}; "
        f"{platform.system()} {platform.release()}" + (f"; {postgres}" if postgres else "")
    )


def markdown(results: list[Figures], command: str, history: int) -> str:
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    lines = [
        f"Run on {date.today().isoformat()}: `{command}`",
        f"Machine: {machine()}. Load average when it finished: {load}.",
        f"History before the timed round: {history} week(s). Peak RSS of the whole run: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB.",
        "",
        "| backend | participants | round (s) | plan (s) | write (s) | round CPU (s) | pairs | sit-outs "
        "| outbox rows |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {f.backend} | {f.size:,} | {f.total:.2f} | {f.plan:.2f} | {f.write:.2f} | {f.cpu:.2f} | "
        f"{f.pairs:,} | {f.sat_out:,} | {f.messages:,} |"
        for f in results
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.persist", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--postgres", default=os.environ.get("CORRIDOR_TEST_DATABASE_URL"))
    parser.add_argument("--history", type=int, default=0, help="earlier weekly rounds to run first")
    args = parser.parse_args(argv)
    sizes = [int(size.replace("_", "").replace("k", "000")) for size in args.sizes.split(",")]
    print(f"Persisting a round ({machine()})")
    results = run(sizes, args.postgres, args.history)
    command = "python -m bench.persist " + " ".join(argv if argv is not None else sys.argv[1:])
    print()
    print(markdown(results, command.strip(), args.history))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A delivery process for the crash and two-worker tests: run it, kill it, run another.

    python tests/integration/crash_worker.py DATABASE_URL SENT_FILE [--lease S] [--name N]
        [--worker-name W] [--batch N] [--linger S] [--catch-up-at ISO_MOMENT] [--wait-for-go]

It builds a context on the database exactly as `corridor serve` does, holds a worker name
as serve does (W, or the next free "W#2"...; the lease owner a restart takes back), and
delivers with serve's default concurrency through a console notifier that appends
"<message id> <name> <unix time>" to SENT_FILE (O_APPEND, fsynced before `send` returns),
so the file is the truth about what left the building, and when, even if this process is
killed with SIGKILL a moment later. --linger waits a little after each send, widening the
window between "sent" and "marked sent" that a kill turns into a repeat. With --catch-up-at it first runs the
scheduler's catch-up (weekly round, digest, follow-ups) at that fixed moment; with
--wait-for-go it prints "ready" and waits for a line on stdin before doing anything, so
a test can start two of them at the same instant. It then drains the outbox and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.config import EngineSettings  # noqa: E402
from bot.delivery import DeliveryWorker  # noqa: E402
from bot.model import OutboxMessage  # noqa: E402
from bot.ports import Delivered  # noqa: E402
from corridor_cli.settings import Settings  # noqa: E402
from corridor_cli.wiring import build_context, hold_delivery_name  # noqa: E402
from scheduler.jobs import Jobs  # noqa: E402


class FixedClock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


class AppendingNotifier:
    """Records each send durably before reporting it delivered."""

    platform = "console"

    def __init__(self, path: str, name: str, linger: float = 0.0):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.name = name
        self.linger = linger

    async def send(self, message: OutboxMessage) -> Delivered:
        os.write(self.fd, f"{message.id} {self.name} {time.time():.6f}\n".encode())
        os.fsync(self.fd)
        if self.linger:
            # Sent but not yet marked sent: the window a SIGKILL turns into a repeat.
            time.sleep(self.linger)
        return Delivered(ref=f"file:{message.id}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("sent_file")
    parser.add_argument("--lease", type=float, default=1.0, help="delivery lease in seconds")
    parser.add_argument("--name", default=str(os.getpid()))
    parser.add_argument("--worker-name", default="crash-worker", help="the lease owner's name")
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--linger", type=float, default=0.0, help="seconds to wait after each send")
    parser.add_argument(
        "--catch-up-at", help="run Jobs.catch_up() with the clock fixed here (ISO, with offset)"
    )
    parser.add_argument("--wait-for-go", action="store_true")
    args = parser.parse_args(argv)

    clock = FixedClock(datetime.fromisoformat(args.catch_up_at).astimezone(UTC)) if args.catch_up_at else None
    ctx = build_context(args.database_url, EngineSettings(delivery_lease_seconds=args.lease), clock=clock)
    held = hold_delivery_name(ctx, args.worker_name)
    # Serve's defaults: one send in flight, so "in flight" means exactly one message.
    worker = DeliveryWorker(
        ctx,
        {"console": AppendingNotifier(args.sent_file, args.name, args.linger)},
        owner=held.name,
        batch=args.batch,
        concurrency=Settings.delivery_concurrency,
    )
    jobs = Jobs(ctx, worker)
    if args.wait_for_go:
        print("ready", flush=True)
        sys.stdin.readline()
    if args.catch_up_at:
        jobs.catch_up()
    report = asyncio.run(worker.drain())
    held.release()
    print(f"{held.name} sent {report.sent} retried {report.retried} failed {report.failed}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

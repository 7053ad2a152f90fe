"""A Monday fan-out on Teams: 2,000 proactive intros through the outbox, against Teams' limits.

    python -m bench.teams_fanout [--intros 2000] [--tenant-rps 50]

N/2 clinicians and N/2 managers on Teams, each with a stored one-to-one conversation
reference pointing at a loopback fake Bot Connector. `run_round(ctx)` queues N intros (one
per person: Teams never gets group intros); then a DeliveryWorker with a real clock calls
`deliver_due()` in a loop, sending through the Teams notifier (CloudAdapter, proactive
`continue_conversation`, client-side limiter) until the outbox is empty.

The fake connector answers 429 with Retry-After beyond Teams' documented limits: per bot
per conversation 7/1 s, 8/2 s, 60/30 s, 1800/3600 s, and per app per tenant --tenant-rps
(documented: 50) a second. Each intro goes to a different chat, so the per-conversation
windows never bind; the tenant window does, and sets the ideal: the first `rps` requests at
once, then `rps` a second, so (N - rps) / rps seconds. Storage is SQLite in a temporary file.

Reports total time against that ideal, 429s met, and that every intro arrived exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import subprocess
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from adapters.teams import TeamsConfig
from adapters.teams.limiter import PER_CONVERSATION, TeamsRateLimiter, Window
from adapters.teams.references import person_key
from bot.config import EngineSettings
from bot.context import Context, default_programme
from bot.delivery import DeliveryWorker
from bot.model import OutboxStatus, Participant, Place, PlaceKind, Role, Site
from bot.rounds import run_round
from corridor_cli.wiring import teams_adapter
from storage.schema import prepare
from storage.uow import SqlUnitOfWorkFactory
from tests.adapters.fake_connector import FakeBotConnector, Limits

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
BOT = {"id": "28:9e4c2f1a-0d3b-4c5e-8f70-123456789abc", "name": "Corridor"}


class UtcClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Seeds:
    def new_seed(self) -> int:
        return 20261130


def enrol(ctx: Context, people: int, service_url: str) -> None:
    """Everyone joined earlier in the week and chatted with the bot, so a reference is stored."""
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        site = uow.sites.add(Site(programme.id, "St Mary's"))
        uow.places.add(Place(site.id, "Level 2 staff kitchen", PlaceKind.KITCHEN, "Beside Ward 7"))
        for n in range(people):
            aad = f"{n:08x}-0000-4000-8000-000000000000"
            role = Role.CLINICIAN if n % 2 else Role.MANAGER
            person = uow.participants.add(
                Participant(
                    programme.id,
                    "teams",
                    aad,
                    f"Person {n}",
                    role,
                    site.id,
                    TENANT,
                    joined_at=ctx.clock.now(),
                )
            )
            reference = {
                "user": {"id": f"29:user-{n}", "aadObjectId": aad},
                "bot": BOT,
                "conversation": {"conversationType": "personal", "id": f"a:chat-{n}", "tenantID": TENANT},
                "channelId": "msteams",
                "serviceUrl": service_url,
            }
            uow.platform_state.put("teams", person_key(aad), reference, person.id)
        uow.commit()


async def deliver_everything(ctx: Context, worker: DeliveryWorker) -> tuple[float, Counter]:
    start = time.perf_counter()
    totals: Counter = Counter()
    while True:
        report = await worker.deliver_due()
        totals.update(sent=report.sent, retried=report.retried, failed=report.failed)
        if report.handled:
            continue
        with ctx.uow() as uow:
            pending = uow.outbox.counts(default_programme(uow, ctx.settings).id)["pending"]
        if not pending:
            return time.perf_counter() - start, totals
        await asyncio.sleep(0.05)  # only retries are left, waiting for their Retry-After


async def run(intros: int, tenant_rps: int, folder: Path, client_limiter: bool = True) -> dict:
    documented = tuple((w.seconds, w.requests) for w in PER_CONVERSATION)
    limits = Limits(per_conversation=documented, per_tenant=((1, tenant_rps),))
    async with FakeBotConnector(limits) as connector:
        ctx = Context(
            SqlUnitOfWorkFactory(prepare(f"sqlite:///{folder / 'bench.db'}")),
            UtcClock(),
            Seeds(),
            EngineSettings(),
        )
        enrol(ctx, intros, connector.url)
        queued = run_round(ctx).messages_queued
        config = TeamsConfig.from_env({"CORRIDOR_TEAMS_DEV_MODE": "1"})
        # Without the client-side limiter, only the connector's 429s and the outbox pace the sends.
        allowed = tenant_rps if client_limiter else 1_000_000
        limiter = TeamsRateLimiter(per_tenant=(Window(1, allowed),))
        teams = teams_adapter(ctx, config, limiter=limiter)
        seconds, totals = await deliver_everything(ctx, DeliveryWorker(ctx, {"teams": teams.notifier}))
        with ctx.uow() as uow:
            counts = uow.outbox.counts(default_programme(uow, ctx.settings).id)
    sends = connector.accepted("send")
    chats = Counter(call.conversation_id for call in sends)
    return {
        "queued": queued,
        "seconds": seconds,
        "ideal": (intros - tenant_rps) / tenant_rps,
        "sent": counts[OutboxStatus.SENT.value],
        "failed": counts[OutboxStatus.FAILED.value],
        "delivered": len(chats),
        "lost": intros - len(chats),
        "duplicated": sum(n - 1 for n in chats.values()),
        "429s": len(connector.rejected(429)),
        "retried": totals["retried"],
    }


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    today = f"{datetime.now(UTC):%Y-%m-%d}"
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {today}, commit {commit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intros", type=int, default=2000)
    parser.add_argument("--tenant-rps", type=int, default=50, help="Teams documents 50 per app per tenant")
    parser.add_argument("--without-limiter", action="store_true", help="leave pacing to 429s and the outbox")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        result = asyncio.run(run(args.intros, args.tenant_rps, Path(folder), not args.without_limiter))
    print(f"machine: {machine()}")
    print(f"intros queued by run_round: {result['queued']}")
    print(f"limits: per conversation 7/1s 8/2s 60/30s 1800/3600s; per tenant {args.tenant_rps}/1s (binds)")
    print(f"client-side limiter: {'off' if args.without_limiter else 'on'}")
    print(
        f"total {result['seconds']:.1f} s; ideal {result['ideal']:.1f} s; "
        f"ratio {result['seconds'] / result['ideal']:.2f}"
    )
    print(
        f"sent {result['sent']}, failed {result['failed']}, delivered to {result['delivered']} chats, "
        f"lost {result['lost']}, duplicated {result['duplicated']}, 429s {result['429s']}, "
        f"outbox retries {result['retried']}"
    )


if __name__ == "__main__":
    main()

"""Shared parts of the Slack benchmarks: a real clock, a store, the fake Slack and the adapter wired up."""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import tempfile
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp

from adapters.slack import SlackAdapter, SlackConfig
from bot.config import EngineSettings
from bot.context import Context, default_programme
from bot.model import Participant, Place, PlaceKind, Role, Site
from corridor_cli.wiring import slack_adapter
from tests.adapters.fake_slack import BOT_TOKEN, FakeSlack
from tests.adapters.slack.slack_side import served_on_loopback
from tests.fakes import FakeUnitOfWorkFactory, FixedSeeds

SIGNING_SECRET = "bench-signing-secret"
SITE = "St Mary's"


class RealClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def sqlite_context(settings: EngineSettings) -> Context:
    from storage.schema import prepare
    from storage.uow import SqlUnitOfWorkFactory

    path = os.path.join(tempfile.mkdtemp(prefix="corridor-bench-"), "bench.db")
    return Context(SqlUnitOfWorkFactory(prepare(f"sqlite:///{path}")), RealClock(), FixedSeeds(), settings)


def memory_context(settings: EngineSettings) -> Context:
    return Context(_SerialFactory(FakeUnitOfWorkFactory()), RealClock(), FixedSeeds(), settings)


class _SerialFactory:
    """The in-memory fake, one transaction at a time (the adapter runs the core in threads)."""

    def __init__(self, inner: FakeUnitOfWorkFactory):
        self.inner = inner
        self.lock = threading.RLock()

    def __call__(self, *, read_only: bool = False):
        uow, lock = self.inner(read_only=read_only), self.lock

        class Serial:
            def __enter__(self):
                lock.acquire()
                return uow.__enter__()

            def __exit__(self, *exc):
                try:
                    uow.__exit__(*exc)
                finally:
                    lock.release()

        return Serial()


def make_context(store: str, settings: EngineSettings | None = None) -> Context:
    settings = settings or EngineSettings()
    return sqlite_context(settings) if store == "sqlite" else memory_context(settings)


def add_site(ctx: Context) -> Site:
    """One site with a kitchen, so `join clinician St Mary's` resolves and intros have a place."""
    with ctx.uow() as uow:
        site = uow.sites.add(Site(default_programme(uow, ctx.settings).id, SITE))
        uow.places.add(Place(site.id, "Level 3 staff kitchen", PlaceKind.KITCHEN, "Past the lifts"))
        uow.commit()
    return site


def add_people(ctx: Context, fake: FakeSlack, clinicians: int, managers: int) -> list[str]:
    """Users in the fake workspace who have joined, all at the one site."""
    site = add_site(ctx)
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        user_ids = []
        for index in range(clinicians + managers):
            role = Role.CLINICIAN if index < clinicians else Role.MANAGER
            user_id = f"U{index:06d}"
            fake.add_user(user_id, f"{role.value.title()} {index}", title="Ward 7")
            user_ids.append(user_id)
            name = f"{role.value.title()} {index}"
            uow.participants.add(
                Participant(
                    programme.id,
                    "slack",
                    user_id,
                    name,
                    role,
                    site.id,
                    "T0HOSPITAL",
                    joined_at=ctx.clock.now(),
                )
            )
        uow.commit()
    return user_ids


@dataclass
class Running:
    ctx: Context
    fake: FakeSlack
    adapter: SlackAdapter
    events_url: str


@contextlib.asynccontextmanager
async def running_slack(ctx: Context, fake: FakeSlack, *, core_threads: int = 1) -> AsyncIterator[Running]:
    """The adapter in HTTP mode on 127.0.0.1 against the fake, started and, on exit, closed."""
    config = SlackConfig.from_env(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "CORRIDOR_SLACK_API_URL": fake.api_url,
            "CORRIDOR_SLACK_CORE_THREADS": str(core_threads),
        }
    )
    adapter = slack_adapter(ctx, config)
    async with served_on_loopback(adapter) as events_url:
        yield Running(ctx, fake, adapter, events_url)


@contextlib.asynccontextmanager
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    try:
        yield fake
    finally:
        await fake.stop()


def client_session(limit: int = 100) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[rank]


def summary_ms(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"p50 {percentile(ms, 0.5):6.1f} ms   p99 {percentile(ms, 0.99):6.1f} ms   "
        f"max {max(ms):6.1f} ms   mean {statistics.fmean(ms):6.1f} ms"
    )


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        model = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), model)
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )

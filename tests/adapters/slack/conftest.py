"""Fixtures: a fake Slack on loopback, the test hospital (tests/hospital.py) on in-memory fakes,
the adapter between them over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import pytest

from adapters.charts.png import PngCharts
from adapters.slack import SlackAdapter, SlackConfig
from bot.context import Context
from corridor_cli.settings import load
from corridor_cli.wiring import slack_adapter
from tests.adapters.fake_slack import APP_TOKEN, BOT_TOKEN, FakeSlack
from tests.adapters.slack.slack_side import (
    SIGNING_SECRET,
    SerialUnitOfWorkFactory,
    SlackSide,
    served_on_loopback,
)
from tests.fakes import FakeClock, FixedSeeds
from tests.hospital import seed_hospital

ORGANISER = "U0ORGANISER"
DIGEST_CHANNEL = "C0ORGANISERS"
# Twelve people: six clinicians, six managers, as (user id, name, job title).
CLINICIANS = [
    ("U0CLIN01", "Dr Amara Okafor", "Cardiology registrar"),
    ("U0CLIN02", "Sister Grace Lee", "Ward sister, Ward 7"),
    ("U0CLIN03", "Dr Tom Hughes", "A&E consultant"),
    ("U0CLIN04", "Nurse Priya Nair", "Staff nurse, Oncology"),
    ("U0CLIN05", "Dr Ben Carter", "Anaesthetics trainee"),
    ("U0CLIN06", "Midwife Ruth Adebayo", "Community midwife"),
]
MANAGERS = [
    ("U0MGR01", "Sam Patel", "Operations manager"),
    ("U0MGR02", "Jo Williams", "Finance business partner"),
    ("U0MGR03", "Alex Morgan", "Estates manager"),
    ("U0MGR04", "Chris Evans", "HR advisor"),
    ("U0MGR05", "Dana Kowalski", "Service manager, Surgery"),
    ("U0MGR06", "Lee Brown", "Deputy director of nursing operations"),
]


@dataclass
class Harness:
    ctx: Context
    clock: FakeClock
    fake: FakeSlack
    adapter: SlackAdapter
    side: SlackSide

    def store(self):
        return self.ctx.uow.store

    def participant(self, user_id: str):
        return next((p for p in self.store().participants.values() if p.user_id == user_id), None)


def make_context() -> Context:
    ctx = Context(
        SerialUnitOfWorkFactory(),
        FakeClock(datetime(2026, 5, 4, 8, 0, tzinfo=UTC)),
        FixedSeeds(),
        charts=PngCharts(),
    )
    seed_hospital(ctx.uow, ctx.settings)
    return ctx


def slack_env(fake: FakeSlack, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "CORRIDOR_SLACK_API_URL": fake.api_url,
        "CORRIDOR_SLACK_ORGANISERS": ORGANISER,
        **extra,
    }


def add_staff(fake: FakeSlack) -> None:
    for user_id, name, title in [*CLINICIANS, *MANAGERS, (ORGANISER, "Morgan Reid", "Staff engagement lead")]:
        fake.add_user(user_id, name, title=title)
    fake.add_channel(DIGEST_CHANNEL)


@pytest.fixture
async def fake_slack():
    fake = await FakeSlack().start()
    add_staff(fake)
    yield fake
    await fake.stop()


@pytest.fixture
async def slack(fake_slack):
    """The adapter in HTTP mode behind a real aiohttp server on 127.0.0.1."""
    ctx = make_context()
    config = SlackConfig.from_env(slack_env(fake_slack))
    ctx.settings = load(slack_env(fake_slack)).engine
    adapter = slack_adapter(ctx, config)
    async with served_on_loopback(adapter) as events_url, aiohttp.ClientSession() as session:
        side = SlackSide(session, events_url, fake_slack, adapter)
        yield Harness(ctx, ctx.clock, fake_slack, adapter, side)


@pytest.fixture
async def socket_slack(fake_slack):
    """The adapter in Socket Mode, connected to the fake's WebSocket."""
    ctx = make_context()
    env = slack_env(fake_slack, SLACK_APP_TOKEN=APP_TOKEN)
    del env["SLACK_SIGNING_SECRET"]
    adapter = slack_adapter(ctx, SlackConfig.from_env(env))
    await adapter.start()
    yield Harness(ctx, ctx.clock, fake_slack, adapter, side=None)
    await adapter.close()

"""A hospital with Slack and the dashboard on one loopback server, as `corridor serve` wires them.

The core runs on in-memory fakes with a clock the test moves; Slack is the loopback fake,
so an organiser gets the sign-in link the way they would: by typing `/coffee admin dashboard`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

import aiohttp
import pytest
from aiohttp import web

from adapters.slack import SlackAdapter, SlackConfig
from adapters.web import DashboardSite
from bot.config import EngineSettings
from bot.context import Context
from bot.dashboard import Dashboard
from tests.adapters.fake_slack import FakeSlack
from tests.adapters.slack.conftest import ORGANISER, add_staff, make_context, slack_env
from tests.adapters.slack.slack_side import SlackSide
from tests.fakes import FakeClock

LINK = re.compile(r"https?://[^\s>|]+/admin/signin\?token=[A-Za-z0-9_\-]+")


@dataclass
class Hospital:
    ctx: Context
    clock: FakeClock
    slack: SlackSide
    url: str  # the dashboard's address, ending /admin/

    def store(self):
        return self.ctx.uow.store

    async def sign_in_link(self, user_id: str = ORGANISER) -> str:
        reply = await self.slack.command(user_id, "admin dashboard")
        assert reply["response_type"] == "ephemeral", "the link must be for the organiser's eyes only"
        found = LINK.search(str(reply))
        assert found, f"no sign-in link in {reply}"
        return found[0]

    def site_id(self, name: str) -> int:
        return next(s.id for s in self.store().sites.values() if s.name == name)


@dataclass
class Loopback:
    url: str
    runner: web.AppRunner


async def serve_on_loopback(web_app: web.Application) -> Loopback:
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return Loopback(f"http://{host}:{port}", runner)


@pytest.fixture
async def fake_slack():
    fake = await FakeSlack().start()
    add_staff(fake)
    yield fake
    await fake.stop()


@pytest.fixture
async def hospital(fake_slack) -> AsyncIterator[Hospital]:
    ctx = make_context()
    config = SlackConfig.from_env(slack_env(fake_slack))
    ctx.settings = config.apply_to(EngineSettings())
    adapter = SlackAdapter(ctx, config)
    web_app = web.Application()
    adapter.attach(web_app)
    DashboardSite(Dashboard(ctx)).attach(web_app)
    served = await serve_on_loopback(web_app)
    # The public address is known only once the port is: the links must point at this server.
    ctx.settings = replace(ctx.settings, public_url=served.url)
    await adapter.start()
    try:
        async with aiohttp.ClientSession() as session:
            side = SlackSide(session, f"{served.url}/slack/events", fake_slack, adapter)
            yield Hospital(ctx, ctx.clock, side, f"{served.url}/admin/")
    finally:
        await adapter.close()
        await served.runner.cleanup()

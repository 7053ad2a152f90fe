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
from playwright.async_api import Page

from adapters.charts.report_pdf import PdfReports
from adapters.slack import SlackConfig
from adapters.web import DashboardSite
from bot.context import Context
from bot.dashboard import Dashboard
from corridor_cli.settings import load
from corridor_cli.wiring import slack_adapter
from tests.adapters.fake_slack import FakeSlack
from tests.adapters.slack.conftest import ORGANISER, add_staff, make_context, slack_env
from tests.adapters.slack.slack_side import SlackSide
from tests.adapters.web.browser import PHONE, chromium
from tests.fakes import FakeClock
from tests.loopback import LoopbackServer

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


@pytest.fixture
async def fake_slack():
    fake = await FakeSlack().start()
    add_staff(fake)
    yield fake
    await fake.stop()


@pytest.fixture
async def hospital(fake_slack) -> AsyncIterator[Hospital]:
    ctx = make_context()
    ctx.reports = PdfReports()
    config = SlackConfig.from_env(slack_env(fake_slack))
    ctx.settings = load(slack_env(fake_slack)).engine
    adapter = slack_adapter(ctx, config)
    web_app = web.Application()
    adapter.attach(web_app)
    DashboardSite(Dashboard(ctx)).attach(web_app)
    served = LoopbackServer(web_app)
    base = (await served.start()).rstrip("/")
    # The public address is known only once the port is: the links must point at this server.
    ctx.settings = replace(ctx.settings, public_url=base)
    await adapter.start()
    try:
        async with aiohttp.ClientSession() as session:
            side = SlackSide(session, f"{base}/slack/events", fake_slack, adapter)
            yield Hospital(ctx, ctx.clock, side, f"{base}/admin/")
    finally:
        await adapter.close()
        await served.stop()


@pytest.fixture
async def browser():
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def page(browser) -> AsyncIterator[Page]:
    """A phone-sized page that records any dialog a script opens (none should)."""
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    await context.close()

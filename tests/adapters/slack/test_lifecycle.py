"""Construct, attach, start, close: what the composition root relies on."""

from __future__ import annotations

import pytest
from aiohttp import web

from adapters.slack import SlackConfig
from bot.errors import CorridorError
from corridor_cli.wiring import slack_adapter
from tests.adapters.fake_slack import APP_TOKEN
from tests.adapters.slack.conftest import make_context, slack_env


def routes(web_app: web.Application) -> list[tuple[str, str]]:
    return [(r.method, r.resource.canonical) for r in web_app.router.routes()]


def test_construction_does_no_io_and_http_mode_adds_the_events_route(fake_slack):
    adapter = slack_adapter(make_context(), SlackConfig.from_env(slack_env(fake_slack)))
    web_app = web.Application()
    adapter.attach(web_app)
    assert routes(web_app) == [("POST", "/slack/events")]
    assert fake_slack.calls == []
    assert adapter.notifier.platform == "slack"


def test_socket_mode_adds_no_route(fake_slack):
    env = slack_env(fake_slack, SLACK_APP_TOKEN=APP_TOKEN)
    adapter = slack_adapter(make_context(), SlackConfig.from_env(env))
    web_app = web.Application()
    adapter.attach(web_app)
    assert routes(web_app) == []


async def test_start_refuses_a_bad_bot_token_by_name_only(fake_slack):
    fake_slack.bot_token = "xoxb-the-real-one"
    adapter = slack_adapter(make_context(), SlackConfig.from_env(slack_env(fake_slack)))
    with pytest.raises(CorridorError, match=r"SLACK_BOT_TOKEN \(invalid_auth\)") as raised:
        await adapter.start()
    assert "xoxb-" not in str(raised.value)
    await adapter.close()


async def test_start_carries_on_when_slack_is_briefly_unwell(fake_slack):
    fake_slack.refuse("auth.test", "internal_error", times=1)
    adapter = slack_adapter(make_context(), SlackConfig.from_env(slack_env(fake_slack)))
    await adapter.start()
    await adapter.close()
    await adapter.close()  # closing twice is harmless

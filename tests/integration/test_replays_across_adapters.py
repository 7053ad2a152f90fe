"""Two serve processes on one database agree: a signed request one of them took is a replay
at the other, sent within the signing window."""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp

from adapters.slack import SlackConfig
from bot.context import default_programme
from corridor_cli.settings import load
from corridor_cli.wiring import build_context, slack_adapter
from tests.adapters.fake_slack import FakeSlack
from tests.adapters.slack.conftest import add_staff, slack_env
from tests.adapters.slack.slack_side import SlackSide, served_on_loopback, signature_headers
from tests.fakes import FakeClock, FixedSeeds
from tests.hospital import seed_hospital

SAM = "U0MGR01"


async def test_a_request_taken_by_one_serve_process_is_a_replay_at_the_other(database_url, engine):
    fake = await FakeSlack().start()
    add_staff(fake)
    env = slack_env(fake)
    clock = FakeClock(datetime(2026, 5, 4, 8, 0, tzinfo=UTC))
    first, second = (
        build_context(database_url, load(env).engine, clock=clock, seeds=FixedSeeds()) for _ in "ab"
    )
    seed_hospital(first.uow, first.settings)
    config = SlackConfig.from_env(env)
    adapter_a, adapter_b = slack_adapter(first, config), slack_adapter(second, config)
    try:
        async with (
            served_on_loopback(adapter_a) as url_a,
            served_on_loopback(adapter_b) as url_b,
            aiohttp.ClientSession() as session,
        ):
            a = SlackSide(session, url_a, fake, adapter_a)
            b = SlackSide(session, url_b, fake, adapter_b)
            assert (await a.command(SAM, "join manager St Mary's"))["text"].startswith("You're in")
            body, token = a.command_body(SAM, "pause 2w")
            headers = signature_headers(body)
            assert (await a.post(body, headers=headers)).status == 200
            await adapter_a.idle()
            assert a.reply(token)["text"].startswith("Paused")
            assert (await b.command(SAM, "resume"))["text"].startswith("Welcome back")

            assert (await b.post(body, headers=headers)).status == 200
            await adapter_b.idle()
            assert len(fake.responses[token]) == 1
            assert paused_until(second, SAM) is None
    finally:
        await fake.stop()


def paused_until(ctx, user_id: str):
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        return uow.participants.find(programme.saved_id, "slack", user_id).paused_until

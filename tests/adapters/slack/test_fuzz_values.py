"""Every command and button value, and whatever Slack says a person is called, through the
adapter over HTTP: always a reply, never an exception, and nothing unbounded kept."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from urllib.parse import urlencode

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.slack import SlackConfig, render
from bot.context import NAME_LIMIT, default_programme
from corridor_cli.settings import load
from corridor_cli.wiring import build_context, slack_adapter
from storage.engine import make_engine
from storage.schema import upgrade
from tests.adapters.fake_slack import TEAM_ID
from tests.adapters.slack.conftest import Harness, slack_env
from tests.adapters.slack.slack_side import SlackSide, served_on_loopback
from tests.adapters.slack.test_fuzz import TEXT, WORDS
from tests.fakes import FakeClock, FixedSeeds
from tests.hospital import seed_hospital
from tests.integration.conftest import POSTGRES_SKIP_REASON, POSTGRES_URL, reset_postgres

NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["0", "2147483647", "2147483648", "²", "١٢", "1_000", "+3", "9" * 40]),
)
VALUES = st.one_of(
    TEXT,
    st.tuples(st.sampled_from(["outcome", "capacity", "pause", "join clinician"]), NUMBERS).map(" ".join),
    st.tuples(NUMBERS, st.sampled_from(["met", "could_not_meet shift_clash", "x"])).map(
        lambda parts: f"outcome {parts[0]} {parts[1]}"
    ),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join),
)
NAMES = st.one_of(
    st.text(max_size=600),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=190, max_size=400),
    st.sampled_from(["\x00\x01\x02", "Dr\u202e Evil", "Ward\n7\r\n", " ", "👩🏽‍⚕️" * 80]),
)


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.skipif(not POSTGRES_URL, reason=POSTGRES_SKIP_REASON)),
    ]
)
async def stored(request, fake_slack, tmp_path):
    """The adapter over HTTP with the core on a real database, where an out-of-range number or
    an overlong name would fail (an in-memory fake takes anything)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'corridor.db'}"
    else:
        reset_postgres(POSTGRES_URL)
        url = POSTGRES_URL
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    env = slack_env(fake_slack)
    clock = FakeClock(datetime(2026, 5, 4, 8, 0, tzinfo=UTC))
    ctx = build_context(url, load(env).engine, clock=clock, seeds=FixedSeeds())
    seed_hospital(ctx.uow, ctx.settings)
    adapter = slack_adapter(ctx, SlackConfig.from_env(env))
    async with served_on_loopback(adapter) as events_url, aiohttp.ClientSession() as session:
        yield Harness(ctx, clock, fake_slack, adapter, SlackSide(session, events_url, fake_slack, adapter))


def people(harness: Harness):
    with harness.ctx.uow() as uow:
        return uow.participants.list(default_programme(uow, harness.ctx.settings).saved_id)


def click(user_id: str, value: str, response_url: str, *, menu: bool) -> str:
    action = {"action_id": render.ACTION_PREFIX + "fuzz", "block_id": "b", "action_ts": "1.1"}
    if menu:
        action |= {
            "type": "static_select",
            "selected_option": {"value": value, "text": {"type": "plain_text", "text": "x"}},
        }
    else:
        action |= {"type": "button", "value": value, "text": {"type": "plain_text", "text": "x"}}
    payload = {
        "type": "block_actions",
        "user": {"id": user_id, "username": "someone", "team_id": TEAM_ID},
        "team": {"id": TEAM_ID},
        "container": {"type": "message", "is_ephemeral": True},
        "channel": {"id": "D0FUZZ"},
        "response_url": response_url,
        "trigger_id": response_url,
        "actions": [action],
    }
    return urlencode({"payload": json.dumps(payload)})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=VALUES, name=NAMES, menu=st.booleans(), n=st.integers(0, 10**9))
async def test_any_button_value_and_any_name_get_a_reply_and_no_exception(
    slack, caplog, value, name, menu, n
):
    caplog.set_level(logging.WARNING)
    caplog.clear()
    user_id = f"U0FUZZ{n}"
    slack.fake.add_user(user_id, name)
    response_url = slack.fake.response_url()
    answer = await slack.side.post(click(user_id, value, response_url, menu=menu))
    await slack.adapter.idle()
    assert answer.status == 200
    if value.strip():
        reply = slack.side.reply(response_url.rsplit("/", 1)[1])
        assert reply["text"].strip()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR], caplog.text
    for person in people(slack):
        assert len(person.display_name) <= NAME_LIMIT
        assert person.display_name.isprintable()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=NUMBERS, name=NAMES)
async def test_typed_numbers_and_names_never_reach_the_core_unchecked(stored, caplog, number, name):
    slack = stored
    caplog.set_level(logging.WARNING)
    caplog.clear()
    slack.fake.add_user("U0NUMBERS", name)
    for text in (f"outcome {number} met", f"capacity {number}", "join manager St Mary's"):
        reply = await slack.side.command("U0NUMBERS", text)
        assert reply["text"].strip()
        assert "couldn't finish" not in reply["text"]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR], caplog.text

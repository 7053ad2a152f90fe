"""Every command and every button value the core makes, typed and clicked, through the Slack
adapter over HTTP with the core on SQLite and on PostgreSQL: always a reply, never an exception.

Each value once, deterministically (so none is left to chance), then Hypothesis's variants
of them: numbers swapped for any, case changed, noise around them.
"""

from __future__ import annotations

import logging

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.adapters.slack.conftest import ORGANISER
from tests.adapters.slack.test_fuzz_values import click, stored  # noqa: F401 (a fixture)
from tests.every_value import EVERY, variants


def assert_quiet(caplog) -> None:
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR], caplog.text


async def typed_and_clicked(slack, user_id: str, value: str) -> None:
    reply = await slack.side.command(user_id, value)
    assert reply["text"].strip(), value
    assert "couldn't finish" not in reply["text"], value
    if value.strip():
        response_url = slack.fake.response_url()
        answer = await slack.side.post(click(user_id, value, response_url, menu=False))
        await slack.adapter.idle()
        assert answer.status == 200
        clicked = slack.side.reply(response_url.rsplit("/", 1)[1])
        assert clicked["text"].strip(), value
        assert "couldn't finish" not in clicked["text"], value


async def test_every_command_and_button_value_gets_a_reply_on_both_databases(stored, caplog):  # noqa: F811
    caplog.set_level(logging.WARNING)
    for n, value in enumerate(EVERY):
        user_id = f"U0EVERY{n}"
        stored.fake.add_user(user_id, f"Nurse {n}")
        await stored.side.command(user_id, "join clinician St Mary's")
        await typed_and_clicked(stored, user_id, value)
        if value.startswith("admin"):
            await typed_and_clicked(stored, ORGANISER, value)
    assert_quiet(caplog)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=variants(), n=st.integers(0, 10**9), organiser=st.booleans())
async def test_variants_of_every_value_get_a_reply_on_both_databases(stored, caplog, value, n, organiser):  # noqa: F811
    caplog.set_level(logging.WARNING)
    caplog.clear()
    user_id = ORGANISER if organiser else f"U0VARIANT{n}"
    if not organiser:
        stored.fake.add_user(user_id, f"Nurse {n}")
    await typed_and_clicked(stored, user_id, value)
    assert_quiet(caplog)

"""At DEBUG, a whole week on Slack (joins, a round, clicks, a follow-up, a digest, an erasure, and
a forged request) leaves a log in which nobody can be named and nothing anyone said can be read."""

from __future__ import annotations

import io
import logging
from urllib.parse import quote

import pytest

from bot.delivery import DeliveryWorker
from bot.digest import send_digest
from bot.followups import send_followups
from bot.rounds import run_round
from corridor_cli.logs import configure
from tests.adapters.slack.conftest import CLINICIANS, DIGEST_CHANNEL, MANAGERS, ORGANISER, slack_env

PEOPLE = [*CLINICIANS, *MANAGERS]


@pytest.fixture
def debug_log(slack):
    """The log exactly as `corridor serve` writes it at CORRIDOR_LOG_LEVEL=DEBUG."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    saved_levels = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    configure("DEBUG", slack_env(slack.fake))
    written = io.StringIO()
    root.handlers[0].setStream(written)
    yield written
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    for name, level in saved_levels.items():
        logging.getLogger(name).setLevel(level)


def _said(slack) -> list[str]:
    """Every name, email, job title and message text that passed through, and every response URL."""
    values = []
    for user in slack.fake.users.values():
        profile = user["profile"]
        values += [user["real_name"], profile["email"], profile["title"]]
    for posted in slack.fake.messages.values():
        values += [m["text"] for m in posted if m.get("text")]
    values += [slack.fake.response_url().rsplit("/", 1)[0]]
    return values


async def test_a_week_at_debug_logs_no_name_email_message_text_or_response_url(slack, debug_log):
    side, fake = slack.side, slack.fake
    for user_id, _, _ in CLINICIANS:
        await side.command(user_id, "join clinician St Mary's")
    for user_id, _, _ in MANAGERS:
        await side.command(user_id, "join manager St Mary's")
    run_round(slack.ctx)
    worker = DeliveryWorker(slack.ctx, {"slack": slack.adapter.notifier})
    await worker.drain()
    intros = [(channel, posted[0]) for channel, posted in fake.messages.items() if posted]
    for channel, intro in intros[:3]:
        clinician = next(u for u in fake.channels[channel] if u.startswith("U0CLIN"))
        await side.click(clinician, intro, "We met")
    slack.clock.advance(days=3, hours=1)
    send_followups(slack.ctx)
    await worker.drain()
    await side.command(ORGANISER, "admin channel here", channel_id=DIGEST_CHANNEL)
    send_digest(slack.ctx, month="2026-05")
    await worker.drain()
    first = CLINICIANS[0][0]
    asked = await side.command(first, "forget-me")
    await side.click(first, asked, "Yes, forget me", ephemeral=True)
    # A forged request carrying a name and a note: Bolt logs the whole body of these at INFO.
    forged = f"user_id={first}&text={quote('join clinician - note from Dr Amara Okafor')}"
    bad_signature = {"X-Slack-Signature": "v0=bad", "X-Slack-Request-Timestamp": "1"}
    assert (await side.post(forged, headers=bad_signature)).status == 401

    logging.getLogger("corridor.test").debug("end of the week")
    log = debug_log.getvalue()
    assert "corridor.chat" in log and "DEBUG corridor.test: end of the week" in log, (
        "the capture sees the log"
    )
    leaks = [value for value in _said(slack) if value and value in log]
    assert leaks == []
    assert "Amara Okafor" not in log and "note from" not in log

"""Erasure reaches the copies Corridor already posted: the intro and follow-up in the group DM
are rewritten with chat.update through the outbox, and a copy Slack will not let Corridor
edit is counted for the organisers."""

from __future__ import annotations

import json

from bot.chat import handle
from bot.context import Sender
from bot.delivery import DeliveryWorker
from bot.followups import send_followups
from bot.messages import LEFT_CORRIDOR, REDACTION
from bot.model import OutboxStatus
from bot.rounds import run_round
from bot.stats import organiser_summary, programme_stats
from tests.adapters.slack.conftest import CLINICIANS, MANAGERS

AMARA, AMARA_NAME, AMARA_TITLE = CLINICIANS[0]
AMARA_EMAIL = "amara.okafor@nhs.net"
SAM, SAM_NAME, SAM_TITLE = MANAGERS[0]


def join(harness, user_id, name, role, title, email=None):
    sender = Sender("slack", user_id, name, workspace_id="T0HOSPITAL", email=email, department=title)
    assert not handle(harness.ctx, sender, f"join {role} St Mary's").rejected


async def deliver(harness):
    return await DeliveryWorker(harness.ctx, {"slack": harness.adapter.notifier}).drain()


async def paired_and_followed_up(slack) -> str:
    """Amara and Sam get their intro and their follow-up in one group DM; returns its channel."""
    join(slack, AMARA, AMARA_NAME, "clinician", AMARA_TITLE, AMARA_EMAIL)
    join(slack, SAM, SAM_NAME, "manager", SAM_TITLE)
    run_round(slack.ctx)
    await deliver(slack)
    slack.clock.advance(days=3, hours=1)
    send_followups(slack.ctx)
    await deliver(slack)
    (channel,) = [c for c, members in slack.fake.channels.items() if members == sorted([AMARA, SAM])]
    assert len(slack.fake.messages[channel]) == 2
    return channel


def amara_in(text: str) -> list[str]:
    return [v for v in (AMARA_NAME, "Okafor", AMARA, AMARA_EMAIL, AMARA_TITLE) if v.lower() in text.lower()]


def forget_amara(slack) -> None:
    handle(slack.ctx, Sender("slack", AMARA, AMARA_NAME), "forget-me confirm")


async def test_after_erasure_each_posted_copy_naming_her_is_rewritten(slack):
    channel = await paired_and_followed_up(slack)
    assert amara_in(json.dumps(slack.fake.messages[channel])), "the copies named her, or this proves nothing"

    forget_amara(slack)
    queued = list(slack.store().outbox.values())
    assert [m.kind for m in queued] == [REDACTION, REDACTION]  # her intro and follow-up rows are gone
    assert amara_in(json.dumps([m.payload for m in queued])) == []
    report = await deliver(slack)

    assert report.sent == 2
    updates = slack.fake.calls_to("chat.update")
    assert sorted(c.args["ts"] for c in updates) == sorted(m["ts"] for m in slack.fake.messages[channel])
    for copy in slack.fake.messages[channel]:
        shown = json.dumps(copy)
        assert amara_in(shown) == []
        assert LEFT_CORRIDOR in copy["text"] + shown
        assert not [b for b in copy["blocks"] if b["type"] == "actions"]  # no buttons left to press
    assert programme_stats(slack.ctx).unredacted == 0


async def test_a_copy_slack_will_not_let_corridor_edit_is_counted_in_status(slack):
    channel = await paired_and_followed_up(slack)
    intro, followup = slack.fake.messages[channel]
    slack.fake.delete_message(channel, intro["ts"])  # an admin deleted it meanwhile

    forget_amara(slack)
    report = await deliver(slack)

    assert (report.sent, report.failed) == (1, 1)
    assert amara_in(json.dumps(slack.fake.message(channel, followup["ts"]))) == []
    (refused,) = [m for m in slack.store().outbox.values() if m.status is OutboxStatus.FAILED]
    assert refused.kind == REDACTION and refused.last_error.startswith("message_not_found (chat.update)")
    lines = "\n".join(programme_stats(slack.ctx).lines())
    assert "1 posted copy naming an erased person could not be redacted" in lines
    assert "1 posted copy naming an erased person could not be redacted" in organiser_summary(slack.ctx)


async def test_a_rate_limited_rewrite_waits_its_turn_and_still_happens(slack):
    channel = await paired_and_followed_up(slack)
    slack.fake.throttle("chat.update", retry_after=30, times=1)

    forget_amara(slack)
    first = await deliver(slack)
    assert first.retried >= 1 and first.failed == 0
    slack.clock.advance(seconds=120)
    await deliver(slack)

    assert all(amara_in(json.dumps(m)) == [] for m in slack.fake.messages[channel])
    assert all(m.status is OutboxStatus.SENT for m in slack.store().outbox.values())


async def test_her_own_unsent_messages_are_simply_dropped(slack):
    join(slack, AMARA, AMARA_NAME, "clinician", AMARA_TITLE, AMARA_EMAIL)
    join(slack, SAM, SAM_NAME, "manager", SAM_TITLE)
    run_round(slack.ctx)  # queued, not yet sent: nothing posted, so nothing to rewrite

    forget_amara(slack)

    assert list(slack.store().outbox.values()) == []
    assert (await deliver(slack)).handled == 0

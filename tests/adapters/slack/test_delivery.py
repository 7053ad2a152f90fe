"""The notifier through the real DeliveryWorker against the fake Web API: what arrives, and what
happens when Slack says 429, 5xx or no."""

from __future__ import annotations

import base64
import socket
from datetime import timedelta

from adapters.slack.app import web_client
from adapters.slack.config import SlackConfig
from adapters.slack.notifier import SlackNotifier
from bot.chat import handle
from bot.context import Sender, default_programme
from bot.delivery import DeliveryWorker
from bot.digest import send_digest
from bot.followups import send_followups
from bot.gateway import StoredPlatformState
from bot.model import OutboxStatus
from bot.rounds import run_round
from tests.adapters.slack.conftest import CLINICIANS, DIGEST_CHANNEL, MANAGERS, ORGANISER

AMARA, AMARA_NAME, _ = CLINICIANS[0]
GRACE = CLINICIANS[1][0]
SAM, SAM_NAME, _ = MANAGERS[0]


def join(harness, user_id: str, role: str, site: str = "St Mary's", platform: str = "slack") -> None:
    names = {uid: name for uid, name, _ in [*CLINICIANS, *MANAGERS]}
    sender = Sender(platform, user_id, names.get(user_id, user_id), workspace_id="T0HOSPITAL")
    reply = handle(harness.ctx, sender, f"join {role} {site}")
    assert not reply.rejected, reply


def outbox(harness):
    return sorted(harness.store().outbox.values(), key=lambda m: m.id)


async def deliver(harness):
    return await DeliveryWorker(harness.ctx, {"slack": harness.adapter.notifier}).drain()


async def test_an_intro_goes_to_one_group_dm_with_both_people(slack):
    join(slack, AMARA, "clinician")
    join(slack, SAM, "manager")
    run_round(slack.ctx)
    report = await deliver(slack)

    assert report.sent == 1
    (opened,) = slack.fake.calls_to("conversations.open")
    assert opened.args["users"] == f"{AMARA},{SAM}"
    (channel,) = [c for c, members in slack.fake.channels.items() if members == sorted([AMARA, SAM])]
    (intro,) = slack.fake.messages[channel]
    # The notification names both and the place; the message mentions both, so each can tap through.
    assert (
        intro["text"] == f"Coffee this week: {AMARA_NAME} and {SAM_NAME}, at Clinic C coffee point, St Mary's"
    )
    assert intro["blocks"][0]["text"]["text"] == f"Coffee this week: {AMARA_NAME} and {SAM_NAME}"
    words = "\n".join(b["text"]["text"] for b in intro["blocks"] if b["type"] == "section")
    assert f"Meet <@{AMARA}>, clinician, St Mary's." in words
    assert f"Meet <@{SAM}>, manager, St Mary's." in words
    assert "Suggested spot: Clinic C coffee point, St Mary's." in words
    assert "How to find it: By the lifts" in words
    assert "Something to talk about:" in words
    buttons = intro["blocks"][-1]["elements"]
    assert [b["text"]["text"] for b in buttons] == ["We met", "Not yet", "Can't make it this time"]
    pair_id = next(iter(slack.store().pairs))
    assert [b["value"] for b in buttons] == [
        f"outcome {pair_id} met",
        f"outcome {pair_id} not_yet",
        f"outcome {pair_id} could_not_meet",
    ]
    assert outbox(slack)[0].status is OutboxStatus.SENT


async def test_the_follow_up_reuses_the_remembered_group_dm(slack):
    join(slack, AMARA, "clinician")
    join(slack, SAM, "manager")
    run_round(slack.ctx)
    await deliver(slack)
    slack.clock.advance(days=3, hours=1)
    assert send_followups(slack.ctx) == 1
    await deliver(slack)

    assert len(slack.fake.calls_to("conversations.open")) == 1
    (channel,) = [c for c, m in slack.fake.messages.items() if m]
    followup = slack.fake.messages[channel][-1]
    assert followup["text"] == "Did you manage to meet?"
    assert len(followup["blocks"][-1]["elements"]) == 3


async def test_someone_without_a_partner_gets_a_direct_message(slack):
    join(slack, AMARA, "clinician")
    join(slack, GRACE, "clinician")
    join(slack, SAM, "manager")
    run_round(slack.ctx)
    await deliver(slack)

    singles = [
        c.args["users"] for c in slack.fake.calls_to("conversations.open") if "," not in c.args["users"]
    ]
    assert len(singles) == 1
    (notice,) = slack.fake.messages[f"D{singles[0]}"]
    assert notice["text"] == "No partner for you this week"
    assert "You're first in line for the next round" in notice["blocks"][-1]["text"]["text"]


async def test_a_partner_on_another_platform_means_a_one_to_one_intro(slack):
    join(slack, AMARA, "clinician")
    join(slack, "29:teams-manager", "manager", platform="teams")
    run_round(slack.ctx)
    report = await deliver(slack)

    assert report.sent == 1  # the Teams copy waits for a Teams notifier
    (opened,) = slack.fake.calls_to("conversations.open")
    assert opened.args["users"] == AMARA
    (intro,) = slack.fake.messages[f"D{AMARA}"]
    words = "\n".join(b["text"]["text"] for b in intro["blocks"] if b["type"] == "section")
    assert "This week you're paired with 29:teams-manager, manager, St Mary's." in words
    assert "uses Teams" in words


async def test_the_digest_posts_a_summary_and_uploads_the_chart(slack):
    await slack.side.command(ORGANISER, "admin channel here", channel_id=DIGEST_CHANNEL)
    join(slack, AMARA, "clinician")
    join(slack, SAM, "manager")
    run_round(slack.ctx)
    send_digest(slack.ctx, month="2026-05")
    await deliver(slack)

    (summary,) = slack.fake.messages[DIGEST_CHANNEL]
    assert summary["blocks"][0]["text"]["text"] == "Corridor digest for May 2026"
    fields = [f["text"] for b in summary["blocks"] if "fields" in b for f in b["fields"]]
    assert "*Rounds*\n1" in fields
    assert "*Pairs made*\nfewer than 5" in fields
    (chart,) = slack.fake.shared_files[DIGEST_CHANNEL]
    assert chart["name"] == "corridor-digest-2026-05.png"
    assert chart["data"].startswith(b"\x89PNG")
    digest = next(m for m in outbox(slack) if m.kind == "digest")
    assert chart["data"] == base64.b64decode(digest.payload["chart_png_base64"])


async def test_a_failed_chart_upload_is_retried_without_posting_the_summary_twice(slack):
    slack.ctx.settings.digest_channels["slack"] = DIGEST_CHANNEL
    send_digest(slack.ctx, month="2026-05")
    slack.fake.fail("files.completeUploadExternal", status=503, error="service_unavailable")
    report = await deliver(slack)
    assert report.retried == 1
    slack.clock.advance(minutes=5)
    await deliver(slack)

    assert len(slack.fake.messages[DIGEST_CHANNEL]) == 1
    assert len(slack.fake.shared_files[DIGEST_CHANNEL]) == 1
    assert outbox(slack)[0].status is OutboxStatus.SENT


async def test_429_becomes_a_retry_at_slacks_retry_after(slack):
    join(slack, AMARA, "clinician")
    join(slack, SAM, "manager")
    run_round(slack.ctx)
    slack.fake.throttle("chat.postMessage", retry_after=3)
    sent_at = slack.clock.now()
    report = await deliver(slack)

    assert report.retried == 1
    (message,) = outbox(slack)
    assert message.status is OutboxStatus.PENDING
    assert message.last_error == "ratelimited (chat.postMessage): HTTP 429"
    assert message.attempts == 0  # being paced by Slack is not the message failing
    wait = (message.next_attempt_at - sent_at).total_seconds()
    assert 3.0 <= wait <= 4.0  # Retry-After plus at most a second of jitter, never less
    assert (await deliver(slack)).handled == 0  # not due yet

    slack.clock.advance(seconds=4)
    assert (await deliver(slack)).sent == 1
    assert len(slack.fake.calls_to("conversations.open")) == 1  # the group DM was remembered


async def test_repeated_5xx_ends_as_failed_with_slacks_error(slack):
    join(slack, AMARA, "clinician")
    join(slack, SAM, "manager")
    run_round(slack.ctx)
    slack.fake.fail("chat.postMessage", status=503, error="service_unavailable", times=None)
    for _ in range(slack.ctx.settings.max_attempts + 2):
        await deliver(slack)
        slack.clock.advance(seconds=slack.ctx.settings.retry_cap_seconds)

    with slack.ctx.uow() as uow:
        programme = default_programme(uow, slack.ctx.settings)
        (failed,) = uow.outbox.failed(programme.id)
    assert failed.attempts == slack.ctx.settings.max_attempts
    assert "service_unavailable (chat.postMessage): HTTP 503" in failed.last_error
    assert "gave up after 8 attempts" in failed.last_error
    assert len(slack.fake.calls_to("chat.postMessage", ok_only=False)) == 8


async def test_user_not_found_fails_at_once(slack):
    join(slack, "U0LEFTTRUST", "clinician")  # neither is in the workspace any more
    join(slack, "U0ALSOLEFT", "manager")
    run_round(slack.ctx)
    report = await deliver(slack)

    assert report.failed == 1
    (message,) = outbox(slack)
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 1)
    assert message.last_error == "user_not_found (conversations.open)"


async def test_slack_refusals_are_permanent_and_named(slack):
    join(slack, AMARA, "clinician")
    join(slack, SAM, "manager")
    run_round(slack.ctx)
    slack.fake.refuse("chat.postMessage", "account_inactive")
    await deliver(slack)
    (message,) = outbox(slack)
    assert (message.status, message.last_error) == (
        OutboxStatus.FAILED,
        "account_inactive (chat.postMessage)",
    )


async def test_a_digest_to_an_unknown_channel_fails_with_channel_not_found(slack):
    slack.ctx.settings.digest_channels["slack"] = "C0NOSUCH"
    send_digest(slack.ctx, month="2026-05")
    await deliver(slack)
    (message,) = outbox(slack)
    assert (message.status, message.last_error) == (
        OutboxStatus.FAILED,
        "channel_not_found (chat.postMessage)",
    )


async def test_a_wrong_token_is_invalid_auth(slack):
    join(slack, AMARA, "clinician")
    join(slack, SAM, "manager")
    run_round(slack.ctx)
    slack.fake.bot_token = "xoxb-rotated"
    await deliver(slack)
    (message,) = outbox(slack)
    assert message.last_error == "invalid_auth (conversations.open)"


async def test_slack_unreachable_is_a_retry(slack):
    join(slack, AMARA, "clinician")
    join(slack, SAM, "manager")
    run_round(slack.ctx)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = SlackConfig.from_env(
        {
            "SLACK_BOT_TOKEN": "xoxb-x",
            "SLACK_APP_TOKEN": "xapp-x",
            "CORRIDOR_SLACK_API_URL": f"http://127.0.0.1:{port}/api/",
        }
    )
    notifier = SlackNotifier(
        web_client(config, retries=False), StoredPlatformState(slack.ctx, "slack"), slack.clock
    )
    report = await DeliveryWorker(slack.ctx, {"slack": notifier}).drain()
    assert report.retried == 1
    (message,) = outbox(slack)
    assert message.status is OutboxStatus.PENDING
    assert message.last_error.startswith("ClientConnectorError")


async def test_erasure_forgets_the_remembered_dm(slack):
    join(slack, AMARA, "clinician")
    join(slack, SAM, "manager")
    run_round(slack.ctx)
    await deliver(slack)
    amara = slack.participant(AMARA)
    assert any(owner == amara.id for _, owner in slack.store().platform_state.values())

    handle(slack.ctx, Sender("slack", AMARA, AMARA_NAME), "forget-me confirm")
    assert all(owner != amara.id for _, owner in slack.store().platform_state.values())


async def test_delivery_starts_after_the_clock_reaches_next_attempt(slack):
    """Messages queued for later are left alone (the worker's clock is the outbox's clock)."""
    join(slack, AMARA, "clinician")
    join(slack, SAM, "manager")
    run_round(slack.ctx)
    message = outbox(slack)[0]
    message.next_attempt_at = slack.clock.now() + timedelta(minutes=1)
    assert (await deliver(slack)).handled == 0


async def test_the_group_dm_is_remembered_across_restarts(slack):
    join(slack, AMARA, "clinician")
    join(slack, SAM, "manager")
    run_round(slack.ctx)
    await deliver(slack)
    slack.clock.advance(days=3, hours=1)
    send_followups(slack.ctx)
    restarted = SlackNotifier(
        slack.adapter.notifier.client, StoredPlatformState(slack.ctx, "slack"), slack.clock
    )  # a new process: nothing in memory
    assert (await DeliveryWorker(slack.ctx, {"slack": restarted}).drain()).sent == 1
    assert len(slack.fake.calls_to("conversations.open")) == 1


async def test_when_one_of_a_pair_has_left_the_workspace_the_other_still_hears(slack):
    join(slack, "U0LEFTTRUST", "clinician")  # enrolled, then left the workspace
    join(slack, SAM, "manager")
    run_round(slack.ctx)
    report = await deliver(slack)

    assert report.sent == 1
    (message,) = outbox(slack)
    assert message.status is OutboxStatus.SENT
    (intro,) = slack.fake.messages[f"D{SAM}"]
    words = "\n".join(b["text"]["text"] for b in intro["blocks"] if b["type"] == "section")
    assert "This week you're paired with U0LEFTTRUST" in words


async def test_a_rate_limit_midway_through_one_by_one_intros_never_tells_anyone_twice(slack):
    join(slack, AMARA, "clinician")
    join(slack, "U0LEFTTRUST", "manager")  # enrolled, then left the workspace
    run_round(slack.ctx)
    # Slack starts refusing just after Amara's one-to-one intro has gone out.
    post = slack.fake._chat_postMessage

    def post_then_throttle(args):
        answer = post(args)
        slack.fake.throttle("conversations.open", retry_after=2, times=1)
        del slack.fake._chat_postMessage
        return answer

    slack.fake._chat_postMessage = post_then_throttle
    first = await deliver(slack)
    assert first.retried == 1
    slack.clock.advance(seconds=5)
    second = await deliver(slack)

    assert second.sent == 1 and {m.status for m in outbox(slack)} == {OutboxStatus.SENT}
    assert len(slack.fake.messages[f"D{AMARA}"]) == 1  # told once, not again on the retry

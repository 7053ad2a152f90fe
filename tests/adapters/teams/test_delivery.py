"""Proactive delivery through the outbox: references, new chats, and what each failure means."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.teams.references import person_key
from bot.context import default_programme
from bot.messages import PersonCard
from bot.model import OutboxStatus, Participant, Role
from bot.outbox import sit_out_message
from tests.adapters.teams.conftest import TENANT, person, texts


def queue_notice(hospital, participant_id: int) -> int:
    """A "no partner this week" notice for one person, queued as the round would."""
    with hospital.uow() as uow:
        programme = default_programme(uow, hospital.ctx.settings)
        sites = {s.id: s for s in uow.sites.list(programme.id)}
        card = PersonCard.of(uow.participants.get(participant_id), sites)
        message = sit_out_message(programme.id, "2026-W48", card, hospital.clock.now())
        uow.outbox.add_if_absent(message)
        uow.commit()
    return message.id


async def joined(hospital, name="Amara"):
    who = person(name)
    await hospital.join(who, "clinician")
    hospital.connector.calls.clear()
    return who, hospital.participant(who).id


def outbox(hospital, message_id):
    return hospital.store().outbox[message_id]


async def test_a_notice_reaches_the_persons_chat_as_a_new_message(hospital, connector):
    amara, pid = await joined(hospital)
    message_id = queue_notice(hospital, pid)
    assert (await hospital.worker().drain()).sent == 1
    [call] = connector.accepted()
    assert (call.kind, call.conversation_id, call.activity_id) == ("send", amara.chat, None)
    assert texts(call.cards[0])[0] == "No partner for you this week"
    assert call.body["summary"] == "No partner for you this week"
    assert outbox(hospital, message_id).status is OutboxStatus.SENT


async def test_429_goes_back_to_the_outbox_with_its_retry_after_and_is_sent_once_later(hospital, connector):
    _, pid = await joined(hospital)
    message_id = queue_notice(hospital, pid)
    connector.fail(429, retry_after=7)
    report = await hospital.worker().drain()
    assert (report.sent, report.retried) == (0, 1)
    waiting = outbox(hospital, message_id)
    assert "HTTP 429" in waiting.last_error and waiting.attempts == 0  # a rate limit costs no attempt
    assert timedelta(seconds=7) <= waiting.next_attempt_at - hospital.clock.now() <= timedelta(seconds=7.8)
    assert (await hospital.worker().drain()).handled == 0  # not due yet
    hospital.clock.advance(seconds=8)
    assert (await hospital.worker().drain()).sent == 1
    assert len(connector.accepted("send")) == 1 and len(connector.rejected(429)) == 1


@pytest.mark.parametrize("status", [412, 500, 502, 503, 504])
async def test_transient_errors_are_retried_by_the_outbox_not_by_the_sdk(hospital, connector, status):
    _, pid = await joined(hospital)
    message_id = queue_notice(hospital, pid)
    connector.fail(status)
    assert (await hospital.worker().drain()).retried == 1
    assert len(connector.calls) == 1  # one try: the SDK's own HTTP retries are switched off
    assert f"HTTP {status}" in outbox(hospital, message_id).last_error


async def test_a_blocked_bot_is_a_permanent_failure_naming_status_and_code(hospital, connector):
    _, pid = await joined(hospital)
    message_id = queue_notice(hospital, pid)
    blocked = {
        "errorCode": 209,
        "message": '{"subCode": "MessageWritesBlocked", "details": "Thread is blocked from message writes."}',
    }
    connector.fail(403, body=blocked)
    assert (await hospital.worker().drain()).failed == 1
    failed = outbox(hospital, message_id)
    assert failed.status is OutboxStatus.FAILED
    assert "HTTP 403" in failed.last_error and "MessageWritesBlocked" in failed.last_error


async def test_a_missing_conversation_is_a_permanent_failure(hospital, connector):
    _, pid = await joined(hospital)
    message_id = queue_notice(hospital, pid)
    connector.fail(
        404, body={"error": {"code": "ConversationNotFound", "message": "Conversation not found."}}
    )
    assert (await hospital.worker().drain()).failed == 1
    assert "HTTP 404 ConversationNotFound" in outbox(hospital, message_id).last_error


async def test_proactive_failures_never_reach_the_turn_error_handler(hospital, connector):
    _, pid = await joined(hospital)
    queue_notice(hospital, pid)
    seen = []

    async def record(turn, error):
        seen.append(error)

    hospital.teams.cloud.on_turn_error = record
    connector.fail(502)
    assert (await hospital.worker().drain()).retried == 1
    assert seen == []


async def test_an_unreachable_service_is_retried(hospital):
    amara, pid = await joined(hospital)
    reference, owner = hospital.state(person_key(amara.aad))
    reference["serviceUrl"] = "http://127.0.0.1:9/"  # discard port: nothing listens
    hospital.store().platform_state[("teams", person_key(amara.aad))] = (reference, owner)
    message_id = queue_notice(hospital, pid)
    assert (await hospital.worker().drain()).retried == 1
    assert "could not be reached" in outbox(hospital, message_id).last_error


def enrol_from_csv(hospital, aad: str) -> int:
    """Someone an organiser enrolled by import: a Teams participant who never chatted with the bot."""
    with hospital.uow() as uow:
        programme = default_programme(uow, hospital.ctx.settings)
        site = uow.sites.list(programme.id)[0]
        added = uow.participants.add(
            Participant(
                programme.id, "teams", aad, "Nia Imported", Role.MANAGER, site.id, workspace_id=TENANT
            )
        )
        uow.commit()
    return added.id


async def test_someone_who_never_chatted_gets_a_new_chat_created_then_kept(hospital, connector):
    await joined(hospital)  # someone else's chat taught the bot this tenant's service address
    pid = enrol_from_csv(hospital, "5e1f0000-0000-4000-8000-00000000beef")
    queue_notice(hospital, pid)
    assert (await hospital.worker().drain()).sent == 1
    create, send = connector.calls
    assert (
        create.kind == "create" and create.body["members"][0]["id"] == "5e1f0000-0000-4000-8000-00000000beef"
    )
    assert create.body["channelData"]["tenant"]["id"] == TENANT and create.body["isGroup"] is False
    assert (send.kind, send.conversation_id) == ("send", create.new_id)
    reference, owner = hospital.state(person_key("5e1f0000-0000-4000-8000-00000000beef"))
    assert reference["conversation"]["id"] == create.new_id and owner == pid

    with hospital.uow() as uow:  # next time the kept chat is used
        uow.outbox.erase(next(iter(uow.outbox.mentioning(pid))).id)
        uow.commit()
    connector.calls.clear()
    queue_notice(hospital, pid)
    assert (await hospital.worker().drain()).sent == 1
    assert [c.kind for c in connector.calls] == ["send"]


async def test_a_new_chat_refused_because_the_app_is_not_installed_fails_for_good(hospital, connector):
    await joined(hospital)
    pid = enrol_from_csv(hospital, "5e1f0000-0000-4000-8000-00000000cafe")
    message_id = queue_notice(hospital, pid)
    connector.fail(
        403, kind="create", body={"error": {"code": "Forbidden", "message": "Bot is not installed"}}
    )
    assert (await hospital.worker().drain()).failed == 1
    assert "HTTP 403 Forbidden" in outbox(hospital, message_id).last_error


async def test_a_digest_for_a_channel_the_bot_has_never_seen_fails_with_what_to_do(hospital, connector):
    from bot.digest import send_digest

    hospital.ctx.settings.digest_channels["teams"] = "19:unknown@thread.tacv2"
    send_digest(hospital.ctx, month="2026-10")
    assert (await hospital.worker().drain()).failed == 1
    [failed] = [m for m in hospital.store().outbox.values() if m.kind == "digest"]
    assert "admin channel here" in failed.last_error
    assert connector.calls == []

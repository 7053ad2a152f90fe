"""Erasure reaches the copies Corridor already posted on Teams: the partner's intro card is
replaced through the outbox (PUT .../activities/{id}), and a copy Teams will not let Corridor
edit is counted for the organisers."""

from __future__ import annotations

import json

from bot.messages import LEFT_CORRIDOR, REDACTION
from bot.model import OutboxStatus
from bot.rounds import run_round
from bot.stats import programme_stats
from tests.adapters.teams.conftest import assert_valid_card, person, texts


async def paired(hospital, connector):
    amara = person("Sister Amara Okafor", email="amara.okafor@nhs.net")
    ben = person("Ben Hughes")
    await hospital.join(amara, "clinician")
    await hospital.join(ben, "manager")
    run_round(hospital.ctx)
    await hospital.worker().drain()
    [intro] = connector.accepted("send", ben.chat)
    return amara, ben, intro


def amara_in(text: str, amara) -> list[str]:
    values = [amara.name, "Okafor", amara.aad, amara.teams_id, amara.email, amara.chat]
    return [v for v in values if v.lower() in text.lower()]


async def test_after_erasure_her_partners_intro_card_no_longer_names_her(hospital, connector):
    amara, ben, intro = await paired(hospital, connector)
    assert amara_in(json.dumps(intro.body), amara), "the copy named her, or this proves nothing"

    await hospital.say(amara, "forget-me confirm")
    (queued,) = hospital.store().outbox.values()  # her own intro went; Ben's copy is to be rewritten
    assert queued.kind == REDACTION and amara_in(json.dumps(queued.payload), amara) == []
    assert (await hospital.worker().drain()).sent == 1

    (update,) = connector.accepted("update", ben.chat)
    assert update.activity_id == intro.new_id
    (card,) = update.cards
    assert_valid_card(card)
    assert amara_in(json.dumps(update.body), amara) == []
    assert LEFT_CORRIDOR in " ".join(texts(card))
    assert not card.get("actions")  # nothing left to press about a pair that no longer has her
    assert not connector.accepted("update", amara.chat)  # her own chat's copy is hers


async def test_a_copy_teams_no_longer_has_is_counted_as_not_redacted(hospital, connector):
    amara, ben, intro = await paired(hospital, connector)
    connector.delete(ben.chat, intro.new_id)

    await hospital.say(amara, "forget-me confirm")
    report = await hospital.worker().drain()

    assert report.failed == 1
    (refused,) = [c for c in connector.rejected(404) if c.kind == "update"]
    assert refused.activity_id == intro.new_id
    (message,) = hospital.store().outbox.values()
    assert message.status is OutboxStatus.FAILED and "ActivityNotFoundInConversation" in message.last_error
    assert programme_stats(hospital.ctx).unredacted == 1
    assert "1 posted copy naming an erased person could not be redacted" in "\n".join(
        programme_stats(hospital.ctx).lines()
    )


async def test_a_blocked_bot_cannot_redact_either_and_says_so(hospital, connector):
    amara, _, _ = await paired(hospital, connector)
    blocked = {"error": {"code": "BotDisabledByAdmin", "message": "The tenant admin disabled this bot"}}
    connector.fail(403, kind="update", body=blocked)

    await hospital.say(amara, "forget-me confirm")
    await hospital.worker().drain()

    (message,) = hospital.store().outbox.values()
    assert message.status is OutboxStatus.FAILED and "HTTP 403 BotDisabledByAdmin" in message.last_error
    assert programme_stats(hospital.ctx).unredacted == 1

"""Clicking buttons on intro cards: what is recorded, and what the card or the chat then shows."""

from __future__ import annotations

from bot.rounds import run_round
from tests.adapters.teams.conftest import assert_valid_card, commands, person, texts


async def paired(hospital, connector):
    amara, ben = person("Amara"), person("Ben")
    await hospital.join(amara, "clinician")
    await hospital.join(ben, "manager")
    run_round(hospital.ctx)
    await hospital.worker().drain()
    [pair] = hospital.store().pairs.values()
    [intro] = connector.accepted("send", amara.chat)
    return amara, ben, pair, intro


async def test_cant_make_it_asks_why_on_the_same_card_and_the_reason_is_kept(hospital, connector):
    amara, _, pair, intro = await paired(hospital, connector)
    await hospital.post(
        hospital.submit(
            amara, {"command": f"outcome {pair.id} could_not_meet", "card": "intro"}, intro.new_id
        )
    )
    asked = connector.accepted("update")[-1].cards[0]
    assert_valid_card(asked)
    assert "If you'd like to say why, pick one:" in " ".join(texts(asked))
    assert commands(asked)[1] == f"outcome {pair.id} could_not_meet shift_clash"
    await hospital.post(
        hospital.submit(amara, {"command": commands(asked)[1], "card": "intro"}, intro.new_id)
    )
    [outcome] = hospital.store().outcomes.values()
    assert outcome.reason.value == "shift_clash"
    assert "Reason noted: shift clash." in " ".join(texts(connector.accepted("update")[-1].cards[0]))


async def test_a_click_on_someone_elses_pair_records_nothing_and_says_so(hospital, connector):
    _, _, pair, intro = await paired(hospital, connector)
    stranger = person("Stranger")
    await hospital.join(stranger, "clinician")
    await hospital.post(
        hospital.submit(stranger, {"command": f"outcome {pair.id} met", "card": "intro"}, intro.new_id)
    )
    assert not hospital.store().outcomes
    assert not connector.accepted("update")
    assert (
        connector.accepted("reply", stranger.chat)[-1].body["text"]
        == "That pairing isn't yours, so nothing was recorded."
    )


async def test_when_the_card_cannot_be_redrawn_the_answer_comes_in_the_chat(hospital, connector):
    amara, _, pair, intro = await paired(hospital, connector)
    connector.fail(502, kind="update")
    await hospital.post(
        hospital.submit(amara, {"command": f"outcome {pair.id} met", "card": "intro"}, intro.new_id)
    )
    assert len(hospital.store().outcomes) == 1
    assert connector.accepted("reply", amara.chat)[-1].body["text"].startswith("Recorded: you met.")


async def test_a_card_whose_message_has_been_purged_is_answered_in_the_chat(hospital, connector):
    amara, _, pair, intro = await paired(hospital, connector)
    hospital.store().outbox.clear()  # sent messages are purged after the retention period
    await hospital.post(
        hospital.submit(amara, {"command": f"outcome {pair.id} not_yet", "card": "intro"}, intro.new_id)
    )
    assert len(hospital.store().outcomes) == 1 and not connector.accepted("update")
    assert connector.accepted("reply", amara.chat)[-1].body["text"].startswith("Recorded: not yet.")


async def test_an_execute_click_that_is_not_an_outcome_answers_with_a_card(hospital, connector):
    cat = person("Cat")
    status, body = await hospital.post(hospital.execute(cat, {"command": "join clinician"}, "1", verb="join"))
    assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    assert_valid_card(body["value"])
    assert commands(body["value"]) == ["join clinician St Mary's", "join clinician Charing Cross"]
    status, body = await hospital.post(
        hospital.execute(cat, {"command": "join clinician St Mary's"}, "1", verb="join")
    )
    assert texts(body["value"])[0].startswith("You're in")

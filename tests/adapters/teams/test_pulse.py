"""The relationship pulse and shadowing over the Bot Connector fake: questions arrive as Adaptive
Cards with Action.Submit buttons, and a tap redraws the card as the answer, buttons gone."""

from __future__ import annotations

from bot.pulse import send_pulse
from bot.rounds import run_round
from tests.adapters.teams.conftest import assert_valid_card, commands, person, texts


async def test_the_baseline_question_is_a_card_and_a_tap_replaces_it_with_the_answer(hospital, connector):
    amara = person("Amara")
    await hospital.join(amara, "clinician")
    assert send_pulse(hospital.ctx) == 1
    await hospital.worker().drain()
    [question] = [
        c for c in connector.accepted("send", amara.chat) if "A quick question" in texts(c.cards[0])
    ]
    card = question.cards[0]
    assert_valid_card(card)
    assert [a["type"] for a in card["actions"]] == ["Action.Submit"] * 5
    assert commands(card)[-1] == "pulse baseline relationship skip"

    await hospital.post(hospital.submit(amara, {"command": commands(card)[1]}, question.new_id))
    redrawn = connector.accepted("update")[-1].cards[0]
    assert_valid_card(redrawn)
    assert "You said: A partnership with areas of tension." in " ".join(texts(redrawn))
    assert "actions" not in redrawn  # answered: nothing left to tap
    [answer] = [a for a in hospital.store().pulse.values() if a.answer]
    assert answer.answer == "tension"


async def test_both_met_both_say_yes_to_shadowing_on_their_cards(hospital, connector):
    amara, ben = person("Amara"), person("Ben")
    await hospital.join(amara, "clinician")
    await hospital.join(ben, "manager")
    run_round(hospital.ctx)
    [pair] = hospital.store().pairs.values()
    for who in (amara, ben):
        await hospital.say(who, f"outcome {pair.id} met")
    await hospital.worker().drain()
    for who in (amara, ben):
        [offer] = [
            c
            for c in connector.accepted("send", who.chat)
            if "Shadow each other for an hour?" in texts(c.cards[0])
        ]
        assert commands(offer.cards[0]) == [f"shadow {pair.id} offer yes", f"shadow {pair.id} offer no"]
        await hospital.post(hospital.submit(who, {"command": commands(offer.cards[0])[0]}, offer.new_id))
    assert hospital.store().shadowing_offers[pair.id].agreed_at is not None
    await hospital.worker().drain()
    told = [
        c for c in connector.accepted("send", ben.chat) if "You're both up for shadowing" in texts(c.cards[0])
    ]
    assert len(told) == 1

"""The relationship pulse and shadowing over HTTP against the fake Slack: questions arrive as
buttons in a direct message, and a tap replaces the question with the answer."""

from __future__ import annotations

from bot.chat import handle
from bot.context import Sender
from bot.delivery import DeliveryWorker
from bot.pulse import send_pulse
from bot.rounds import run_round
from bot.shadowing import send_shadowing_checks
from tests.adapters.slack.conftest import CLINICIANS, MANAGERS

AMARA, AMARA_NAME, _ = CLINICIANS[0]
SAM, SAM_NAME, _ = MANAGERS[0]


def say(harness, user_id: str, name: str, text: str):
    return handle(harness.ctx, Sender("slack", user_id, name, workspace_id="T0HOSPITAL"), text)


async def deliver(harness):
    return await DeliveryWorker(harness.ctx, {"slack": harness.adapter.notifier}).drain()


def dm_of(fake, user: str) -> list[dict]:
    (channel,) = [c for c, members in fake.channels.items() if members == [user]]
    return fake.messages[channel]


async def test_a_newcomer_gets_the_baseline_question_as_buttons_and_one_tap_answers_it(slack):
    assert not say(slack, AMARA, AMARA_NAME, "join clinician St Mary's").rejected
    assert send_pulse(slack.ctx) == 1
    await deliver(slack)
    [question] = dm_of(slack.fake, AMARA)
    assert question["text"] == "A quick question"
    [buttons] = [b for b in question["blocks"] if b["type"] == "actions"]
    labels = [e["text"]["text"] for e in buttons["elements"]]
    assert labels[0] == "A partnership" and labels[-1] == "Skip" and len(labels) == 5

    reply = await slack.side.click(AMARA, question, "A relationship of tolerance with frequent tensions")
    assert reply["replace_original"] is True  # the question's place, so it cannot be tapped twice
    assert "You said: A relationship of tolerance with frequent tensions." in reply["text"]
    [answer] = [a for a in slack.store().pulse.values() if a.answer]
    assert (answer.wave, answer.question, answer.answer) == ("baseline", "relationship", "tolerance")


async def test_a_pair_who_both_met_are_offered_shadowing_and_asked_a_month_later(slack):
    for user, name, role in ((AMARA, AMARA_NAME, "clinician"), (SAM, SAM_NAME, "manager")):
        assert not say(slack, user, name, f"join {role} St Mary's").rejected
    run_round(slack.ctx)
    [pair] = slack.store().pairs.values()
    for user, name in ((AMARA, AMARA_NAME), (SAM, SAM_NAME)):
        say(slack, user, name, f"outcome {pair.id} met")
    await deliver(slack)
    for user in (AMARA, SAM):
        [offer] = [m for m in dm_of(slack.fake, user) if m["text"] == "Shadow each other for an hour?"]
        reply = await slack.side.click(user, offer, "Yes, I'd like that")
        assert reply["replace_original"] is True
    assert reply["text"].startswith("You both said yes: agree a date")
    await deliver(slack)
    for user in (AMARA, SAM):
        assert [m["text"] for m in dm_of(slack.fake, user)][-1] == "You're both up for shadowing"

    slack.clock.advance(days=30)
    assert send_shadowing_checks(slack.ctx) == 1
    await deliver(slack)
    [check] = [m for m in dm_of(slack.fake, SAM) if m["text"] == "Did the shadowing happen?"]
    assert (await slack.side.click(SAM, check, "Yes, it happened"))["text"] == "Thank you: noted."

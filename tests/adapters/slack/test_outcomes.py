""" "Did you meet?" buttons: a click is recorded once per person and shown on the intro itself."""

from __future__ import annotations

from bot.delivery import DeliveryWorker
from bot.rounds import run_round
from tests.adapters.slack.conftest import CLINICIANS, MANAGERS

AMARA, AMARA_NAME, _ = CLINICIANS[0]
SAM, SAM_NAME, _ = MANAGERS[0]
GRACE = CLINICIANS[1][0]


async def delivered_intro(slack) -> dict:
    await slack.side.command(AMARA, "join clinician St Mary's")
    await slack.side.command(SAM, "join manager St Mary's")
    run_round(slack.ctx)
    await DeliveryWorker(slack.ctx, {"slack": slack.adapter.notifier}).drain()
    (channel,) = [c for c, messages in slack.fake.messages.items() if messages]
    return slack.fake.messages[channel][0]


def answers_line(message: dict) -> list[str]:
    blocks = [b for b in message["blocks"] if b.get("block_id") == "corridor-answers"]
    return [e["text"] for b in blocks for e in b["elements"]]


def outcomes(slack) -> dict:
    return {pid: o.kind.value for (_, pid), o in slack.store().outcomes.items()}


async def test_a_click_is_recorded_and_shown_on_the_intro(slack):
    intro = await delivered_intro(slack)
    reply = await slack.side.click(AMARA, intro, "We met")

    assert reply["response_type"] == "ephemeral"
    assert reply["replace_original"] is False
    assert reply["text"].startswith("Recorded: you met.")
    assert outcomes(slack) == {slack.participant(AMARA).id: "met"}
    (update,) = slack.fake.calls_to("chat.update")
    assert (update.args["channel"], update.args["ts"]) == (intro["channel"], intro["ts"])
    shown = slack.fake.message(intro["channel"], intro["ts"])
    assert answers_line(shown) == [f"{AMARA_NAME}: We met"]
    # The buttons stay so the partner can still answer, just below the answers.
    assert shown["blocks"][-1]["type"] == "actions"
    assert shown["blocks"][-2]["block_id"] == "corridor-answers"


async def test_clicking_again_is_idempotent_and_the_partner_answers_for_themselves(slack):
    intro = await delivered_intro(slack)
    await slack.side.click(AMARA, intro, "We met")
    intro = slack.fake.message(intro["channel"], intro["ts"])
    await slack.side.click(AMARA, intro, "We met")
    intro = slack.fake.message(intro["channel"], intro["ts"])
    await slack.side.click(SAM, intro, "Not yet")

    assert sorted(outcomes(slack).values()) == ["met", "not_yet"]
    shown = slack.fake.message(intro["channel"], intro["ts"])
    assert answers_line(shown) == [f"{AMARA_NAME}: We met", f"{SAM_NAME}: Not yet"]
    assert sum(1 for b in shown["blocks"] if b.get("block_id") == "corridor-answers") == 1


async def test_cant_make_it_offers_reasons_in_a_private_reply(slack):
    intro = await delivered_intro(slack)
    reply = await slack.side.click(SAM, intro, "Can't make it this time")
    assert reply["text"].startswith("Recorded: you couldn't make it this week.")
    reasons = [b["value"] for b in reply["blocks"][-1]["elements"]]
    assert reasons[0].endswith("could_not_meet clinical_pressure")

    noted = await slack.side.click(SAM, reply, "Shift clash", ephemeral=True)
    assert noted["replace_original"] is True
    assert "Reason noted: shift clash." in noted["text"]
    (outcome,) = slack.store().outcomes.values()
    assert outcome.reason.value == "shift_clash"
    # The shared intro shows the answer, never the reason.
    shown = slack.fake.message(intro["channel"], intro["ts"])
    assert answers_line(shown) == [f"{SAM_NAME}: Can't make it this time"]
    assert len(slack.fake.calls_to("chat.update")) == 1


async def test_someone_else_clicking_changes_nothing(slack):
    intro = await delivered_intro(slack)
    await slack.side.command(GRACE, "join clinician St Mary's")
    reply = await slack.side.click(GRACE, intro, "We met")
    assert reply["text"] == "That pairing isn't yours, so nothing was recorded."
    assert outcomes(slack) == {}
    assert slack.fake.calls_to("chat.update") == []


async def test_a_failed_update_still_records_and_replies(slack):
    intro = await delivered_intro(slack)
    slack.fake.refuse("chat.update", "message_not_found")
    reply = await slack.side.click(AMARA, intro, "We met")
    assert reply["text"].startswith("Recorded: you met.")
    assert outcomes(slack) == {slack.participant(AMARA).id: "met"}

"""A time that fits both shifts, over HTTP against the fake Slack: a nurse on nights and a manager
on days are offered the handover, one picks it, the other agrees in one tap, and both get the
place and an .ics calendar entry in their direct messages."""

from __future__ import annotations

from bot.delivery import DeliveryWorker
from bot.followups import send_followups
from bot.rounds import run_round
from tests.adapters.slack.conftest import CLINICIANS, MANAGERS
from tests.adapters.slack.test_nudges import dm_with, say

AMARA, AMARA_NAME, _ = CLINICIANS[0]
SAM, SAM_NAME, _ = MANAGERS[0]
HANDOVER = "Mon 4 May 19:30"  # Amara's night starts as Sam's day ends


async def deliver(harness):
    return await DeliveryWorker(harness.ctx, {"slack": harness.adapter.notifier}).drain()


def words(message: dict) -> str:
    return " ".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")


def alone(fake, user: str) -> str:
    (channel,) = [c for c, members in fake.channels.items() if members == [user]]
    return channel


async def paired_on_nights_and_days(slack) -> dict:
    for user, name, role, shifts in (
        (AMARA, AMARA_NAME, "clinician", "nights"),
        (SAM, SAM_NAME, "manager", "days"),
    ):
        assert not say(slack, user, name, f"join {role} St Mary's").rejected
        assert say(slack, user, name, f"shifts {shifts}").text.startswith("Done: your usual shifts are")
    run_round(slack.ctx)
    await deliver(slack)
    [intro] = dm_with(slack.fake, AMARA, SAM)
    return intro


async def test_nights_and_days_are_offered_the_handover_and_both_get_the_calendar_entry(slack):
    intro = await paired_on_nights_and_days(slack)
    assert f"When you're both likely on site: {HANDOVER}," in words(intro)
    [times] = [b for b in intro["blocks"] if b.get("block_id") == "corridor-times"]
    labels = [e["text"]["text"] for e in times["elements"]]
    assert labels[0] == HANDOVER and labels[-1] == "My usual shifts"

    picked = await slack.side.click(AMARA, intro, HANDOVER)
    assert picked["text"].startswith(f"Sent: we've asked {SAM_NAME} whether Monday 4 May, 19:30")
    await deliver(slack)
    [ask] = slack.fake.messages[alone(slack.fake, SAM)]
    assert ask["text"] == f"{AMARA_NAME} suggests Monday 4 May, 19:30"

    agreed = await slack.side.click(SAM, ask, "Yes, Mon 4 May 19:30 works")
    assert agreed["text"].startswith("Agreed: Monday 4 May, 19:30 at Clinic C coffee point, St Mary's")
    assert (await deliver(slack)).sent == 2
    for user, partner in ((AMARA, SAM_NAME), (SAM, AMARA_NAME)):
        channel = alone(slack.fake, user)
        confirmed = slack.fake.messages[channel][-1]
        assert confirmed["text"] == "Coffee on Monday 4 May, 19:30"
        assert f"you and {partner} meet on Monday 4 May, 19:30 at Clinic C coffee point" in words(confirmed)
        [ics] = slack.fake.shared_files[channel]
        calendar = ics["data"].decode()
        assert ics["name"] == "corridor-coffee.ics"
        assert "DTSTART:20260504T183000Z\r\n" in calendar  # 19:30 in London is 18:30 UTC in May
        assert "DTEND:20260504T184500Z\r\n" in calendar
        assert "LOCATION:Clinic C coffee point\\, St Mary's" in calendar


async def test_a_second_tap_on_the_same_time_sends_nothing_more(slack):
    intro = await paired_on_nights_and_days(slack)
    await slack.side.click(AMARA, intro, HANDOVER)
    again = await slack.side.click(AMARA, intro, HANDOVER)
    assert again["text"].startswith("Sent:")
    assert (await deliver(slack)).sent == 1  # Sam is asked once


async def test_the_follow_up_comes_the_day_after_the_agreed_time(slack):
    intro = await paired_on_nights_and_days(slack)
    await slack.side.click(AMARA, intro, "Wed 6 May 07:30")
    await deliver(slack)
    [ask] = slack.fake.messages[alone(slack.fake, SAM)]
    await slack.side.click(SAM, ask, "Yes, Wed 6 May 07:30 works")

    slack.clock.advance(days=3, hours=1)  # Thursday morning: past the usual three days
    assert send_followups(slack.ctx) == 1  # the day after Wednesday's coffee
    slack.clock.advance(days=1)
    assert send_followups(slack.ctx) == 0


async def test_the_agreed_time_waits_before_the_follow_up(slack):
    intro = await paired_on_nights_and_days(slack)
    await slack.side.click(AMARA, intro, "Wed 6 May 07:30")
    await deliver(slack)
    [ask] = slack.fake.messages[alone(slack.fake, SAM)]
    await slack.side.click(SAM, ask, "Yes, Wed 6 May 07:30 works")

    slack.clock.advance(days=1, hours=23)  # Wednesday morning, before coffee
    assert send_followups(slack.ctx) == 0

"""Nudges that respect clinical pressure, over HTTP against the fake Slack: "Not yet" is chased
once, someone silent for three rounds is paused and resumes with one tap, and staff enrolled from
a list are welcomed once before their first round."""

from __future__ import annotations

from bot.chat import handle
from bot.context import Sender
from bot.delivery import DeliveryWorker
from bot.followups import send_followups
from bot.imports import StaffImport, import_staff
from bot.rounds import run_round
from tests.adapters.slack.conftest import CLINICIANS, MANAGERS

AMARA, AMARA_NAME, _ = CLINICIANS[0]
GRACE, GRACE_NAME, _ = CLINICIANS[1]
SAM, SAM_NAME, _ = MANAGERS[0]
JO, JO_NAME, _ = MANAGERS[1]


def say(harness, user_id: str, name: str, text: str):
    return handle(harness.ctx, Sender("slack", user_id, name, workspace_id="T0HOSPITAL"), text)


async def deliver(harness):
    return await DeliveryWorker(harness.ctx, {"slack": harness.adapter.notifier}).drain()


def dm_with(fake, *users: str) -> list[dict]:
    (channel,) = [c for c, members in fake.channels.items() if members == sorted(users)]
    return fake.messages[channel]


async def test_a_pair_that_said_not_yet_is_asked_once_more_before_the_round_ends(slack):
    for user, name, role in ((AMARA, AMARA_NAME, "clinician"), (SAM, SAM_NAME, "manager")):
        assert not say(slack, user, name, f"join {role} St Mary's").rejected
    run_round(slack.ctx)
    await deliver(slack)
    [intro] = dm_with(slack.fake, AMARA, SAM)
    reply = await slack.side.click(AMARA, intro, "Not yet")
    assert reply["text"].startswith("Recorded: not yet.")

    slack.clock.advance(days=3, hours=1)
    assert send_followups(slack.ctx) == 1
    await deliver(slack)
    assert [m["text"] for m in dm_with(slack.fake, AMARA, SAM)][1:] == ["Did you manage to meet?"]
    slack.clock.advance(days=1)
    assert send_followups(slack.ctx) == 0  # once is enough


async def test_someone_silent_for_three_rounds_is_paused_kindly_and_resumes_with_one_tap(slack):
    for user, name, role in ((AMARA, AMARA_NAME, "clinician"), (SAM, SAM_NAME, "manager")):
        assert not say(slack, user, name, f"join {role} St Mary's").rejected
    for _ in range(3):
        report = run_round(slack.ctx)
        [pair] = [
            p
            for p in slack.store().pairs.values()
            if p.round_id == max(r.id for r in slack.store().rounds.values())
        ]
        assert not say(slack, SAM, SAM_NAME, f"outcome {pair.id} met").rejected  # Sam answers; Amara never
        slack.clock.advance(days=7)
    await deliver(slack)

    report = run_round(slack.ctx)
    assert report.paused_for_silence == 1 and not report.pairs
    assert "1 person who had answered none of their recent intros paused" in report.summary()
    assert slack.participant(AMARA).paused_until is not None and slack.participant(SAM).paused_until is None
    await deliver(slack)
    (channel,) = [c for c, members in slack.fake.channels.items() if members == [AMARA]]
    [notice] = slack.fake.messages[channel]
    assert notice["text"] == "We've paused your coffee pairings"
    words = " ".join(b["text"]["text"] for b in notice["blocks"] if b["type"] == "section")
    assert "last 3 intros" in words and "`/coffee leave`" in words

    reply = await slack.side.click(AMARA, notice, "Resume")
    assert reply["text"] == "Welcome back: you're in the next round."
    slack.clock.advance(days=7)
    report = run_round(slack.ctx)
    assert len(report.pairs) == 1 and report.paused_for_silence == 0  # the count starts again


async def test_staff_enrolled_from_a_list_are_welcomed_once_each_before_their_first_round(slack):
    staff = (
        "platform,user_id,name,email,role,site,department,capacity\n"
        f"slack,{GRACE},{GRACE_NAME},grace@nhs.net,clinician,St Mary's,Ward 7,1\n"
        f"slack,{JO},{JO_NAME},jo@nhs.net,manager,St Mary's,Finance,1\n"
    )
    assert import_staff(slack.ctx, staff) == StaffImport(2, 0)
    assert import_staff(slack.ctx, staff) == StaffImport(0, 2)  # a second import welcomes nobody again
    assert (await deliver(slack)).sent == 2
    for user in (GRACE, JO):
        (channel,) = [c for c, members in slack.fake.channels.items() if members == [user]]
        [welcome] = slack.fake.messages[channel]
        assert welcome["text"] == "Welcome to Corridor"
        words = " ".join(b["text"]["text"] for b in welcome["blocks"] if b["type"] == "section")
        assert "`/coffee pause 2w`" in words and "`/coffee leave`" in words and "`/coffee forget-me`" in words
        assert "database" in words

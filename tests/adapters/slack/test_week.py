"""A whole week on Slack: twelve people join by /coffee, a round runs, intros go out, people click,
the follow-up chases only the pairs who haven't answered, and the digest reaches the organisers."""

from __future__ import annotations

from bot.delivery import DeliveryWorker
from bot.digest import send_digest
from bot.followups import send_followups
from bot.model import OutboxStatus
from bot.rounds import run_round
from tests.adapters.slack.conftest import CLINICIANS, DIGEST_CHANNEL, MANAGERS, ORGANISER

SITE_OF = {uid: ("St Mary's" if i < 4 else "Charing Cross") for i, (uid, _, _) in enumerate(CLINICIANS)}
SITE_OF |= {uid: ("St Mary's" if i < 4 else "Charing Cross") for i, (uid, _, _) in enumerate(MANAGERS)}
NAME_OF = {uid: name for uid, name, _ in [*CLINICIANS, *MANAGERS]}


async def test_a_week_of_coffee_on_slack(slack):
    fake, side = slack.fake, slack.side
    for user_id, _, _ in CLINICIANS:
        reply = await side.command(user_id, f"join clinician {SITE_OF[user_id]}")
        assert reply["text"].startswith("You're in")
    for user_id, _, _ in MANAGERS:
        reply = await side.command(user_id, f"join manager {SITE_OF[user_id]}")
        assert reply["text"].startswith("You're in")

    report = run_round(slack.ctx)
    assert len(report.pairs) == 6 and not report.sat_out
    worker = DeliveryWorker(slack.ctx, {"slack": slack.adapter.notifier})
    assert (await worker.drain()).sent == 6

    # Every intro reached a group DM holding exactly its two people, with its place and buttons.
    people = {p.id: p for p in slack.store().participants.values()}
    intros = {}
    for pair in slack.store().pairs.values():
        clinician, manager = people[pair.clinician_id], people[pair.manager_id]
        (channel,) = [
            c for c, m in fake.channels.items() if m == sorted([clinician.user_id, manager.user_id])
        ]
        (intro,) = fake.messages[channel]
        words = "\n".join(b["text"]["text"] for b in intro["blocks"] if b["type"] == "section")
        both = f"{NAME_OF[clinician.user_id]} and {NAME_OF[manager.user_id]}"
        assert intro["text"] == f"Coffee this week: {both}, at {pair.place_text.split(' (')[0]}"
        assert intro["blocks"][0]["text"]["text"] == f"Coffee this week: {both}"
        assert f"Meet <@{clinician.user_id}>, clinician," in words
        assert f"Suggested spot: {pair.place_text.split(' (')[0]}." in words
        assert [b["value"] for b in intro["blocks"][-1]["elements"]] == [
            f"outcome {pair.id} met",
            f"outcome {pair.id} not_yet",
            f"outcome {pair.id} could_not_meet",
        ]
        intros[pair.id] = (clinician.user_id, manager.user_id, intro)

    # Four pairs answer; two don't.
    answered = sorted(intros)[:4]
    for pair_id in answered[:3]:
        clinician, _, intro = intros[pair_id]
        assert (await side.click(clinician, intro, "We met"))["text"].startswith("Recorded: you met.")
    _, manager, intro = intros[answered[3]]
    await side.click(manager, intro, "Can't make it this time")
    assert len(fake.calls_to("chat.update")) == 4
    assert len(slack.store().outcomes) == 4

    # Three days on, only the two silent pairs are asked, in the same conversations.
    slack.clock.advance(days=3, hours=1)
    assert send_followups(slack.ctx) == 2
    assert (await worker.drain()).sent == 2
    assert len(fake.calls_to("conversations.open")) == 6
    for pair_id, (_, _, intro) in intros.items():
        posted = fake.messages[intro["channel"]]
        if pair_id in answered:
            assert len(posted) == 1
        else:
            assert [m["text"] for m in posted] == [intro["text"], "Did you manage to meet?"]
            assert posted[1]["blocks"][-1]["elements"][0]["value"] == f"outcome {pair_id} met"

    # The organiser picks the channel; the monthly digest and its chart arrive there.
    await side.command(ORGANISER, "admin channel here", channel_id=DIGEST_CHANNEL)
    report = send_digest(slack.ctx, month="2026-05")
    assert report.channels == [f"slack {DIGEST_CHANNEL}"]
    assert (await worker.drain()).sent == 1
    (digest,) = fake.messages[DIGEST_CHANNEL]
    fields = [f["text"] for b in digest["blocks"] if "fields" in b for f in b["fields"]]
    assert "*Pairs made*\n6" in fields
    assert "*Active clinicians*\n6" in fields
    assert "*Meetings confirmed*\nfewer than 5" in fields
    (chart,) = fake.shared_files[DIGEST_CHANNEL]
    assert chart["data"].startswith(b"\x89PNG")
    assert all(m.status is OutboxStatus.SENT for m in slack.store().outbox.values())

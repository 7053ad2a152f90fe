"""Whole weeks over real HTTP: joins, the round, intros as cards, clicks, follow-ups, the digest.

First a week on Teams alone, then a mixed week where Slack clinicians meet Teams managers.
Slack's side is delivered by a small recording notifier here; the Slack adapter is not used.
"""

from __future__ import annotations

from bot.chat import handle
from bot.context import Sender
from bot.digest import send_digest
from bot.followups import send_followups
from bot.messages import message_from_payload
from bot.model import OutboxStatus, OutcomeKind
from bot.ports import Delivered
from bot.rounds import run_round
from tests.adapters.teams.conftest import ORGANISER_AAD, assert_valid_card, commands, person, texts


class RecordingSlack:
    platform = "slack"

    def __init__(self):
        self.sent = []

    async def send(self, message):
        self.sent.append(message_from_payload(message.payload))
        return Delivered(f"slack-{len(self.sent)}")


def pair_of(hospital, who):
    me = hospital.participant(who).id
    return next(p for p in hospital.store().pairs.values() if me in p.member_ids())


def card_sent_to(connector, who, kind="send"):
    [call] = [c for c in connector.accepted(kind, who.chat)]
    return call


async def test_a_week_on_teams(hospital, connector):
    amara = person("Sister Amara Okafor", email="amara.okafor@nhs.net")
    carl = person("Dr Carl Jones", email="carl.jones@nhs.net")
    cleo = person("Cleo Park", email="cleo.park@nhs.net")
    ben = person("Ben Adeyemi", email="ben.adeyemi@nhs.net")
    mo = person("Mo Rahman", email="mo.rahman@nhs.net")
    await hospital.install(amara)
    for clinician in (amara, carl, cleo):
        await hospital.join(clinician, "clinician")
    for manager in (ben, mo):
        await hospital.join(manager, "manager")

    report = run_round(hospital.ctx)
    assert len(report.pairs) == 2 and len(report.sat_out) == 1
    connector.calls.clear()
    delivered = await hospital.worker().drain()
    assert (delivered.sent, delivered.retried, delivered.failed) == (5, 0, 0)
    sends = connector.accepted("send")
    assert len(sends) == 5 and all(len(call.cards) == 1 for call in sends)
    for call in sends:
        assert_valid_card(call.cards[0])

    # Each person's intro is in their own chat and names their partner; the sit-out is told so.
    people = {p.chat: p for p in (amara, carl, cleo, ben, mo)}
    for call in sends:
        card = call.cards[0]
        who = people[call.conversation_id]
        if texts(card)[0] == "No partner for you this week":
            sat_out = who
            continue
        pair = pair_of(hospital, who)
        partner_id = pair.partner_of(hospital.participant(who).id)
        partner = hospital.store().participants[partner_id].display_name
        assert texts(card)[0].startswith("Coffee this week:")
        assert f"This week you're paired with {partner}" in texts(card)[1]
        assert commands(card) == [
            f"outcome {pair.id} met",
            f"outcome {pair.id} not_yet",
            f"outcome {pair.id} could_not_meet",
        ]
    assert sat_out in (amara, carl, cleo)

    # Someone paired clicks "We met": recorded, and the card says so. A second click changes nothing.
    clicker = next(p for p in (amara, carl, cleo) if p is not sat_out)
    pair = pair_of(hospital, clicker)
    intro = card_sent_to(connector, clicker)
    click = {"command": f"outcome {pair.id} met", "card": "intro"}
    for _ in range(2):
        status, _ = await hospital.post(hospital.submit(clicker, click, intro.new_id))
        assert status in (200, 201)
    outcomes = [o for (pair_id, _), o in hospital.store().outcomes.items() if pair_id == pair.id]
    assert len(outcomes) == 1 and outcomes[0].kind is OutcomeKind.MET
    updates = connector.accepted("update", clicker.chat)
    assert len(updates) == 2 and all(u.activity_id == intro.new_id for u in updates)
    updated = updates[-1].cards[0]
    assert_valid_card(updated)
    assert "Recorded: you met. Thank you, that's what it's all about." in texts(updated)
    assert texts(updated)[1] == texts(intro.cards[0])[1]  # still the same intro underneath

    # Three days on, only the pair without an answer is asked whether they met.
    hospital.clock.advance(days=3, hours=1)
    assert send_followups(hospital.ctx) == 1
    connector.calls.clear()
    assert (await hospital.worker().drain()).sent == 2
    followups = connector.accepted("send")
    other_pair = next(p for p in hospital.store().pairs.values() if p.id != pair.id)
    members = {hospital.store().participants[i].user_id for i in other_pair.member_ids()}
    assert {people[c.conversation_id].aad for c in followups} == members
    for call in followups:
        assert_valid_card(call.cards[0])
        assert texts(call.cards[0])[0] == "Did you manage to meet?"

    # An Action.Execute click on a follow-up is answered with the redrawn card in the invoke response.
    asked = people[followups[0].conversation_id]
    status, body = await hospital.post(
        hospital.execute(
            asked, {"command": f"outcome {other_pair.id} could_not_meet", "card": "followup"}, "9"
        )
    )
    assert status == 200 and body["statusCode"] == 200
    redrawn = body["value"]
    assert_valid_card(redrawn)
    assert "Recorded: you couldn't make it this week." in " ".join(texts(redrawn))
    assert f"outcome {other_pair.id} could_not_meet shift_clash" in commands(redrawn)

    # The organiser picks the channel; next month the digest arrives there with its chart.
    olivia = person("Olivia Organiser", aad=ORGANISER_AAD)
    await hospital.post(hospital.channel_message(olivia, "admin channel here"))
    hospital.clock.advance(days=10)
    assert send_digest(hospital.ctx, month="2026-11").channels == ["teams 19:digest@thread.tacv2"]
    connector.calls.clear()
    assert (await hospital.worker().drain()).sent == 1
    [digest] = connector.accepted("send", "19:digest@thread.tacv2")
    card = digest.cards[0]
    assert_valid_card(card)
    assert texts(card)[0] == "Corridor digest for November 2026"
    assert "Rounds: 1" in texts(card)
    [chart] = [e for e in card["body"] if e["type"] == "Image"]
    assert chart["url"].startswith("data:image/png;base64,iVBOR")


async def test_a_mixed_week_slack_clinicians_meet_teams_managers(hospital, connector):
    slack_people = [
        Sender("slack", f"U0{n}", name, "T0SLACK", email=f"{name.split()[-1].lower()}@nhs.net")
        for n, name in enumerate(("Dr Ada Obi", "Dr Bo Chen", "Dr Cy Diaz"), start=1)
    ]
    for sender in slack_people:
        assert "You're in" in handle(hospital.ctx, sender, "join clinician St Mary's").text
    managers = [
        person(name, email=f"{name.split()[0].lower()}@nhs.net")
        for name in ("Dee Fox", "Eli Gray", "Fay Hill")
    ]
    for manager in managers:
        await hospital.join(manager, "manager")
    hospital.ctx.settings.digest_channels["slack"] = "C0DIGEST"

    run_round(hospital.ctx)
    slack = RecordingSlack()
    connector.calls.clear()
    report = await hospital.worker(slack=slack).drain()
    assert (report.sent, report.failed) == (6, 0)
    assert len(slack.sent) == 3 and len(connector.accepted("send")) == 3

    slack_by_id = {s.user_id: s for s in slack_people}
    for manager in managers:
        [call] = connector.accepted("send", manager.chat)
        card = call.cards[0]
        assert_valid_card(card)
        partner_id = pair_of(hospital, manager).partner_of(hospital.participant(manager).id)
        partner = slack_by_id[hospital.store().participants[partner_id].user_id]
        words = " ".join(texts(card))
        assert f"This week you're paired with {partner.display_name}" in words
        assert f"{partner.display_name} uses Slack; reach them by email at {partner.email}." in words
    for intro in slack.sent:  # and the Slack side hears about the Teams manager and their address
        partner = intro.partner_for(intro.recipients[0])
        assert partner.platform == "teams" and partner.email.endswith("@nhs.net")

    # A Slack clinician answers on Slack; a Teams manager clicks in Teams; the rest are followed up.
    first, second, _ = (pair_of(hospital, m) for m in managers)
    ada = next(
        s for s in slack_people if hospital.store().participants[first.clinician_id].user_id == s.user_id
    )
    assert "Recorded: you met" in handle(hospital.ctx, ada, f"outcome {first.id} met").text
    intro = card_sent_to(connector, managers[1])
    await hospital.post(
        hospital.submit(
            managers[1], {"command": f"outcome {second.id} not_yet", "card": "intro"}, intro.new_id
        )
    )
    assert "Recorded: not yet. There's still time this week." in texts(
        connector.accepted("update")[-1].cards[0]
    )
    # The silent pair is followed up, and so is the pair that said "Not yet" (once, this round).
    hospital.clock.advance(days=3, hours=1)
    assert send_followups(hospital.ctx) == 2
    slack.sent.clear()
    connector.calls.clear()
    assert (await hospital.worker(slack=slack).drain()).sent == 4
    [followup] = connector.accepted("send", managers[2].chat)
    assert texts(followup.cards[0])[0] == "Did you manage to meet?"
    [not_yet] = connector.accepted("send", managers[1].chat)
    assert texts(not_yet.cards[0])[0] == "Did you manage to meet?"
    assert [m.kind for m in slack.sent] == ["followup", "followup"]
    assert send_followups(hospital.ctx) == 0

    # The digest goes to each platform's channel.
    olivia = person("Olivia Organiser", aad=ORGANISER_AAD)
    await hospital.post(hospital.channel_message(olivia, "admin channel here"))
    hospital.clock.advance(days=10)
    send_digest(hospital.ctx, month="2026-11")
    slack.sent.clear()
    assert (await hospital.worker(slack=slack).drain()).sent == 2
    assert [m.kind for m in slack.sent] == ["digest"]
    assert connector.accepted("send", "19:digest@thread.tacv2")
    assert all(m.status is OutboxStatus.SENT for m in hospital.store().outbox.values())

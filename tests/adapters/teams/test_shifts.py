"""A time that fits both shifts on Teams, over HTTP against the fake Bot Connector: a nurse on nights
and a manager on days see the handover among the times on their intro card, one picks it, the
other agrees in one tap, and both get a card with a Teams meeting link set for that time."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from bot.rounds import run_round
from tests.adapters.teams.conftest import assert_valid_card, commands, person, texts


def body_commands(card: dict) -> dict[str, str]:
    """The buttons inside the card's body (the offered times), by label."""
    return {
        a["title"]: a["data"]["command"]
        for element in card["body"]
        if element["type"] == "ActionSet"
        for a in element["actions"]
    }


async def test_nights_and_days_agree_the_handover_and_both_get_a_timed_meeting_link(hospital, connector):
    amara = person("Sister Amara Okafor", email="amara.okafor@nhs.net")
    ben = person("Ben Adeyemi", email="ben.adeyemi@nhs.net")
    await hospital.join(amara, "clinician")
    await hospital.join(ben, "manager")
    assert (await hospital.say(amara, "shifts nights"))[0]["text"].startswith("Done: your usual shifts")
    await hospital.say(ben, "shifts days")
    run_round(hospital.ctx)
    connector.calls.clear()
    assert (await hospital.worker().drain()).sent == 2

    [sent] = connector.accepted("send", amara.chat)
    intro = sent.cards[0]
    assert_valid_card(intro)
    offered = body_commands(intro)
    handover = next(label for label in offered if label.endswith("19:30"))
    assert list(offered)[-1] == "My usual shifts"
    assert any("When you're both likely on site:" in line for line in texts(intro))
    [pair] = hospital.store().pairs.values()

    await hospital.post(hospital.submit(amara, {"command": offered[handover]}, sent.new_id))
    [reply] = connector.accepted("reply", amara.chat)
    assert reply.body["text"].startswith("Sent: we've asked Ben Adeyemi whether")
    connector.calls.clear()
    assert (await hospital.worker().drain()).sent == 1
    [ask] = connector.accepted("send", ben.chat)
    asked = ask.cards[0]
    assert_valid_card(asked)
    assert commands(asked) == [offered[handover]]  # "Yes, ... works": the same time, one tap

    await hospital.post(hospital.submit(ben, {"command": commands(asked)[0]}, ask.new_id))
    assert hospital.store().pairs[pair.id].meeting_agreed_at is not None
    connector.calls.clear()
    assert (await hospital.worker().drain()).sent == 2
    local = offered[handover].split()[-1]  # "2026-05-04T19:30"
    for who in (amara, ben):
        [confirmed] = connector.accepted("send", who.chat)
        card = confirmed.cards[0]
        assert_valid_card(card)
        assert texts(card)[0].startswith("Coffee on ")
        [link] = [a["url"] for a in card["actions"] if a["title"] == "Add to Teams calendar"]
        assert urlsplit(link).geturl().startswith("https://teams.microsoft.com/l/meeting/new?")
        query = parse_qs(urlsplit(link).query)
        assert query["startTime"][0].startswith(local) and query["endTime"][0].startswith(local[:-2] + "45")
        assert query["attendees"] == ["amara.okafor@nhs.net,ben.adeyemi@nhs.net"]
        assert query["subject"] == ["Coffee: Sister Amara Okafor and Ben Adeyemi"]

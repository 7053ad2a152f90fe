"""A way to reach each other on Teams: the intro carries a chat link to the partner and a meeting link
for both, built from the user principal names the roster gave when each of them joined."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from bot.rounds import run_round
from tests.adapters.teams.conftest import assert_valid_card, person


def links(card: dict) -> dict[str, str]:
    return {a["title"]: a["url"] for a in card["actions"] if a["type"] == "Action.OpenUrl"}


async def test_a_teams_intro_links_to_a_chat_with_the_partner_and_a_meeting_for_both(hospital, connector):
    amara = person("Sister Amara Okafor", email="amara.okafor@nhs.net")
    ben = person("Ben Adeyemi", email="ben.adeyemi@nhs.net")
    await hospital.join(amara, "clinician")
    await hospital.join(ben, "manager")
    assert hospital.participant(ben).upn == "ben.adeyemi@nhs.net"  # fetched from the roster, kept

    run_round(hospital.ctx)
    connector.calls.clear()
    assert (await hospital.worker().drain()).sent == 2

    [sent] = connector.accepted("send", amara.chat)
    card = sent.cards[0]
    assert_valid_card(card)
    found = links(card)
    assert (
        found["Chat with Ben Adeyemi"] == "https://teams.microsoft.com/l/chat/0/0?users=ben.adeyemi@nhs.net"
    )
    meeting = urlsplit(found["Suggest a time"])
    assert meeting.geturl().startswith("https://teams.microsoft.com/l/meeting/new?")
    query = parse_qs(meeting.query)
    assert query["attendees"] == ["amara.okafor@nhs.net,ben.adeyemi@nhs.net"]
    assert query["subject"] == ["Coffee: Sister Amara Okafor and Ben Adeyemi"]
    assert query["content"] == ["Level 2 staff kitchen, St Mary's"]
    # The notification line names the partner and the place, not Amara herself.
    assert (
        sent.body["summary"] == "Coffee this week: you and Ben Adeyemi, at Level 2 staff kitchen, St Mary's"
    )

    [theirs] = connector.accepted("send", ben.chat)
    assert "Chat with Sister Amara Okafor" in links(theirs.cards[0])


async def test_without_a_roster_entry_there_is_no_chat_link_but_still_a_meeting_to_suggest(
    hospital, connector
):
    amara = person("Sister Amara Okafor", email="amara.okafor@nhs.net")
    ben = person("Ben Adeyemi")  # the roster call fails for him
    await hospital.join(amara, "clinician")
    await hospital.join(ben, "manager")
    run_round(hospital.ctx)
    connector.calls.clear()
    await hospital.worker().drain()

    [sent] = connector.accepted("send", amara.chat)
    card = sent.cards[0]
    assert_valid_card(card)
    assert list(links(card)) == ["Suggest a time"]
    assert parse_qs(urlsplit(links(card)["Suggest a time"]).query)["attendees"] == ["amara.okafor@nhs.net"]


def test_the_pause_notice_and_the_welcome_are_valid_cards_with_one_tap_to_resume():
    from adapters.console.render import render as console_render
    from adapters.teams import cards
    from bot.messages import PersonCard, message_from_payload
    from bot.quiet import auto_pause_notice, welcome_notice

    amara = PersonCard(1, "Sister Amara Okafor", "clinician", "St Mary's", "teams", "aad-1", "T")
    paused = message_from_payload(auto_pause_notice(amara, 3).to_payload())
    card = cards.render(paused)
    assert_valid_card(card)
    assert [(a["title"], a["data"]["command"]) for a in card["actions"]] == [("Resume", "resume")]
    assert cards.summary(paused) == "We've paused your coffee pairings"
    welcome = cards.render(welcome_notice(amara))
    assert_valid_card(welcome)
    assert "**forget-me**" in " ".join(b["text"] for b in welcome["body"])
    assert console_render(paused.to_payload())[-1] == "  buttons: [Resume]"

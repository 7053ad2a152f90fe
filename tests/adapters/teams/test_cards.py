"""Every Adaptive Card Corridor sends is valid Adaptive Cards 1.5 and says what the core says."""

from __future__ import annotations

import base64

import pytest

from adapters.charts.png import render_chart
from adapters.teams import cards
from bot.answers import Answer, AnsweredIntro
from bot.commands import HELP
from bot.context import Reply
from bot.messages import (
    FOLLOWUP,
    Button,
    DigestMessage,
    Intent,
    Intro,
    PersonCard,
    SitOutNotice,
    outcome_buttons,
)
from bot.model import OutcomeKind
from tests.adapters.teams.conftest import assert_valid_card, commands, texts

AMARA = PersonCard(
    1, "Sister Amara Okafor", "clinician", "St Mary's", "teams", "aad-1", "T", "Ward 7", "amara@nhs.net"
)
BEN = PersonCard(2, "Ben Adeyemi", "manager", "Charing Cross", "slack", "U02", "T0", "Estates", "ben@nhs.net")


def intro(kind: str = "intro") -> Intro:
    return Intro(
        pair_id=12,
        week="2026-W48",
        clinician=AMARA,
        manager=BEN,
        recipients=[AMARA],
        place_name="Level 2 staff kitchen",
        place_kind="kitchen",
        directions="Beside Ward 7",
        place_site="St Mary's",
        other_site="Charing Cross",
        starter="What's one thing about your job the other side never sees?",
        kind=kind,
        buttons=outcome_buttons(12),
    )


def digest() -> DigestMessage:
    chart = render_chart(["2026-06", "2026-07", "2026-08"], [3, 8, 12], [1, 5, 9], 5)
    return DigestMessage(
        month="2026-11",
        title="Corridor digest for November 2026",
        rows=[["Pairs made", "12"], ["Meetings confirmed", "9"], ["Confirmation rate", "75%"]],
        sites=[["St Mary's", "8", "6"], ["Charing Cross", "fewer than 5", "fewer than 5"]],
        places=["Level 2 staff kitchen"],
        reasons=[["clinical pressure", "fewer than 5"]],
        channel="19:digest@thread.tacv2",
        chart_png_base64=base64.b64encode(chart).decode(),
    )


def test_the_intro_card_uses_the_cores_words_and_offers_the_three_answers():
    card = cards.intro_card(intro(), AMARA)
    assert_valid_card(card)
    assert texts(card) == [intro().headline(), *intro().lines(AMARA)]
    assert "Ben Adeyemi uses Slack; reach them by email at ben@nhs.net." in texts(card)
    answers = [a for a in card["actions"] if a["type"] == "Action.Submit"]
    assert [a["title"] for a in answers] == ["We met", "Not yet", "Can't make it this time"]
    assert commands(card) == ["outcome 12 met", "outcome 12 not_yet", "outcome 12 could_not_meet"]
    assert {a["data"]["card"] for a in answers} == {"intro"}


def test_the_follow_up_card_asks_whether_they_met():
    card = cards.intro_card(intro(FOLLOWUP), AMARA)
    assert_valid_card(card)
    assert texts(card)[0] == "Did you manage to meet?"
    assert texts(card)[1] == "Checking in: did you and Ben Adeyemi manage a coffee at Level 2 staff kitchen?"


def test_the_recorded_card_keeps_the_intro_and_adds_the_answer():
    reply = Reply(
        "Recorded: you couldn't make it this week. If you'd like to say why, pick one:",
        [Button("Shift clash", "outcome 12 could_not_meet shift_clash")],
    )
    card = cards.recorded_card(AnsweredIntro(intro(), AMARA, []), reply)
    assert_valid_card(card)
    assert texts(card)[:-1] == [intro().headline(), *intro().lines(AMARA)]
    assert texts(card)[-1] == reply.text
    assert commands(card) == ["outcome 12 could_not_meet shift_clash"]


def test_the_recorded_card_shows_who_has_answered_so_far():
    answers = [Answer(1, "Amara Okafor", OutcomeKind.MET), Answer(2, "Ben Adeyemi", OutcomeKind.NOT_YET)]
    card = cards.recorded_card(AnsweredIntro(intro(), AMARA, answers), Reply("Recorded: you met."))
    assert_valid_card(card)
    [facts] = [e for e in card["body"] if e["type"] == "FactSet"]
    assert facts["facts"] == [
        {"title": "Amara Okafor", "value": "We met"},
        {"title": "Ben Adeyemi", "value": "Not yet"},
    ]


def test_buttons_carry_the_cores_intent_as_action_styles():
    card = cards.intro_card(intro(), AMARA)
    answers = [a for a in card["actions"] if a["type"] == "Action.Submit"]
    assert [a.get("style") for a in answers] == ["positive", None, None]
    confirm = cards.reply_card(Reply("Sure?", [Button("Yes, forget me", "forget-me confirm", Intent.DANGER)]))
    assert confirm["actions"][0]["style"] == "destructive"


def test_the_sit_out_card():
    card = cards.sit_out_card(SitOutNotice("2026-W48", AMARA))
    assert_valid_card(card)
    assert texts(card)[0] == "No partner for you this week"
    assert "There weren't enough managers free to pair everyone this week." in texts(card)
    assert "actions" not in card


def test_the_digest_card_has_the_figures_the_breakdown_and_the_chart():
    message = digest()
    card = cards.digest_card(message)
    assert_valid_card(card)
    assert texts(card)[:4] == [
        message.title,
        "Pairs made: 12",
        "Meetings confirmed: 9",
        "Confirmation rate: 75%",
    ]
    assert "St Mary's: 8 / 6" in texts(card) and "Most used places: Level 2 staff kitchen" in texts(card)
    [image] = [e for e in card["body"] if e["type"] == "Image"]
    assert image["url"] == f"data:image/png;base64,{message.chart_png_base64}" and image["altText"]


def test_replies_with_buttons_and_help_become_cards():
    help_card = cards.reply_card(Reply(HELP, columns=HELP))
    assert_valid_card(help_card)
    assert texts(help_card)[0] == HELP.splitlines()[0]
    assert "**join clinician**" not in " ".join(texts(help_card))  # no markdown inside the columns
    confirm = cards.reply_card(Reply("Are you sure?", [Button("Yes, forget me", "forget-me confirm")]))
    assert_valid_card(confirm)
    assert commands(confirm) == ["forget-me confirm"]


def test_backticks_become_bold_because_cards_have_no_inline_code():
    card = cards.reply_card(Reply("Type `pause 2w` for a break.", [Button("OK", "status")]))
    assert texts(card)[0] == "Type **pause 2w** for a break."


def test_a_long_site_list_becomes_a_picker_because_teams_shows_six_buttons_at_most():
    sites = [Button(f"Site {n}", f"join manager Site {n}") for n in range(9)]
    card = cards.reply_card(Reply("Which site are you based at?", sites))
    assert_valid_card(card)
    [picker] = [e for e in card["body"] if e["type"] == "Input.ChoiceSet"]
    assert picker["id"] == "command" and len(picker["choices"]) == 9
    assert [a["title"] for a in card["actions"]] == ["OK"]


@pytest.mark.parametrize("make", [cards.welcome_card, cards.team_welcome_card])
def test_welcome_cards(make):
    card = make()
    assert_valid_card(card)
    assert HELP.splitlines()[0] in texts(card)


def test_render_picks_the_card_for_each_outbox_message():
    assert cards.render(intro()) == cards.intro_card(intro(), AMARA)
    assert cards.summary(digest()) == "Corridor digest for November 2026"
    assert cards.summary(SitOutNotice("2026-W48", AMARA)) == "No partner for you this week"

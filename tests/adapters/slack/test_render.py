"""Block Kit from the core's messages: the core's words, Slack's limits respected."""

from __future__ import annotations

from adapters.slack import render
from bot.answers import Answer
from bot.commands import HELP
from bot.context import Reply
from bot.messages import Button, DigestMessage, Intent, Intro, PersonCard, SitOutNotice, outcome_buttons
from bot.model import OutcomeKind
from bot.status import PastPairing, PersonalStatus

AMARA = PersonCard(1, "Dr Amara Okafor", "clinician", "St Mary's", "slack", "U1", "T1", "Cardiology")
SAM = PersonCard(2, "Sam <Ops> & Co", "manager", "St Mary's", "slack", "U2", "T1")


def intro(kind: str = "intro", recipients=(AMARA, SAM)) -> Intro:
    return Intro(
        pair_id=12,
        week="2026-W19",
        clinician=AMARA,
        manager=SAM,
        recipients=list(recipients),
        place_name="Level 3 kitchen",
        place_kind="kitchen",
        directions="Past the lifts",
        place_site="St Mary's",
        other_site=None,
        starter="What made you choose your job?",
        kind=kind,
        buttons=outcome_buttons(12),
    )


def section_texts(blocks) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]


def test_a_group_intro_uses_the_cores_words_escaped_for_mrkdwn():
    item = intro()
    message = render.intro_message(item, None)
    # The notification names both and the place; in the message both are mentions, so each can tap
    # through to the other, and the rest is the core's words escaped.
    assert (
        message["text"]
        == "Coffee this week: Dr Amara Okafor and Sam <Ops> & Co, at Level 3 kitchen, St Mary's"
    )
    assert message["blocks"][0] == render.header(item.headline())
    words = section_texts(message["blocks"])
    assert words[:2] == ["Meet <@U1>, clinician, Cardiology, St Mary's.", "Meet <@U2>, manager, St Mary's."]
    assert words[2:] == [render.escape(line) for line in item.lines(None)[2:]]
    buttons = message["blocks"][-1]["elements"]
    assert [b["value"] for b in buttons] == [
        "outcome 12 met",
        "outcome 12 not_yet",
        "outcome 12 could_not_meet",
    ]
    assert [b.get("style") for b in buttons] == ["primary", None, None]
    assert len({b["action_id"] for b in buttons}) == 3


def test_a_one_to_one_intro_speaks_to_its_recipient():
    item = intro(recipients=[AMARA])
    message = render.intro_message(item, AMARA)
    assert section_texts(message["blocks"])[0].startswith("This week you're paired with Sam")
    # Her phone's preview names her partner and the place, not herself.
    assert message["text"] == "Coffee this week: you and Sam <Ops> & Co, at Level 3 kitchen, St Mary's"


def test_a_follow_up_has_its_own_headline_and_the_same_buttons():
    message = render.intro_message(intro(kind="followup"), None)
    assert message["text"] == "Did you manage to meet?"
    assert len(message["blocks"][-1]["elements"]) == 3


def test_a_sit_out_notice():
    notice = SitOutNotice(week="2026-W19", recipient=AMARA)
    message = render.sit_out_message(notice)
    assert message["text"] == notice.headline()
    assert section_texts(message["blocks"]) == notice.lines()


def test_the_digest_shows_figures_as_fields_and_the_rest_below():
    digest = DigestMessage(
        month="2026-05",
        title="Corridor digest for May 2026",
        rows=[[f"Label {i}", str(i)] for i in range(12)],
        sites=[["St Mary's", "6", "fewer than 5"]],
        places=["Level 3 kitchen"],
        reasons=[["shift clash", "fewer than 5"]],
        channel="C1",
    )
    blocks = render.digest_message(digest)["blocks"]
    field_blocks = [b for b in blocks if "fields" in b]
    assert [len(b["fields"]) for b in field_blocks] == [10, 2]  # Slack allows ten fields a section
    assert field_blocks[0]["fields"][0]["text"] == "*Label 0*\n0"
    rest = section_texts(blocks)[-1]
    assert "Why meetings didn't happen: shift clash fewer than 5" in rest
    assert "St Mary's: 6 / fewer than 5" in rest
    assert "Label 3: 3" not in rest


def test_a_reply_offering_one_choice_of_several_is_a_site_picker():
    reply = Reply(
        "Which site?",
        [Button("St Mary's", "join clinician St Mary's"), Button("Royal", "join clinician Royal")],
        pick_one="Choose your site",
    )
    (menu,) = render.reply_blocks(reply)[-1]["elements"]
    assert menu["type"] == "static_select"
    assert menu["action_id"].startswith(render.ACTION_PREFIX)
    assert [(o["text"]["text"], o["value"]) for o in menu["options"]] == [
        ("St Mary's", "join clinician St Mary's"),
        ("Royal", "join clinician Royal"),
    ]


def test_other_choices_are_buttons_styled_by_the_cores_intent():
    reply = Reply("Sure?", [Button("Yes, forget me", "forget-me confirm", Intent.DANGER)])
    (button,) = render.reply_blocks(reply)[-1]["elements"]
    assert (button["type"], button["style"], button["value"]) == ("button", "danger", "forget-me confirm")


def test_help_is_fixed_width_and_long_text_is_split_within_slacks_limit():
    blocks = render.reply_blocks(
        Reply("I don't know the word 'x'. Here is what I understand:\n" + HELP, columns=HELP)
    )
    assert section_texts(blocks)[0].startswith("I don't know the word")
    assert section_texts(blocks)[1] == f"```{HELP}```"
    long = "\n".join(f"line {i} " + "x" * 90 for i in range(100))
    sections = render.sections(long)
    assert len(sections) > 1
    assert all(len(s["text"]["text"]) <= render.SECTION_LIMIT for s in sections)
    assert "\n".join(s["text"]["text"] for s in sections) == long


def test_labels_and_headers_are_clipped_to_slacks_limits():
    reply = Reply("x", [Button("L" * 100, "leave")])
    assert len(render.reply_blocks(reply)[-1]["elements"][0]["text"]["text"]) == render.LABEL_LIMIT
    assert len(render.header("H" * 200)["text"]["text"]) == render.HEADER_LIMIT


def test_home_for_a_member_with_recent_pairings():
    status = PersonalStatus(
        joined=True,
        role="clinician",
        site="St Mary's",
        status="active",
        recent=[PastPairing("2026-W19", "Sam Patel", "Level 3 kitchen", "We met")],
    )
    view = render.home_view(status, notice=Reply("Welcome back: you're in the next round."))
    assert view["type"] == "home"
    texts = section_texts(view["blocks"])
    assert texts[0] == "Welcome back: you're in the next round."
    assert "You take part as a clinician at St Mary's." in texts[1]
    assert texts[2].startswith("Recent pairings:\n  2026-W19: Sam Patel at Level 3 kitchen (We met)")
    assert [e["value"] for e in view["blocks"][-1]["elements"]] == ["pause 2w", "leave"]


def test_answers_go_just_above_the_buttons_and_replace_earlier_ones():
    blocks = render.intro_message(intro(), None)["blocks"]
    amara, sam = Answer(1, "Dr Amara Okafor", OutcomeKind.MET), Answer(2, "Sam", OutcomeKind.NOT_YET)
    once = render.with_answers(blocks, [amara])
    twice = render.with_answers(once, [amara, sam])
    assert [b["type"] for b in twice[-2:]] == ["context", "actions"]
    assert [e["text"] for e in twice[-2]["elements"]] == ["Dr Amara Okafor: We met", "Sam: Not yet"]
    assert len(twice) == len(blocks) + 1

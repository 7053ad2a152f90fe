"""Typing as people do on a ward phone: curly apostrophes, near misses, typos, dates in words."""

from datetime import date

import pytest

from bot import commands as c
from bot.context import Reply
from bot.wording import command_spans, fold, period_phrase, plural

MONDAY = date(2026, 11, 23)


def test_a_phones_curly_apostrophe_and_odd_case_still_find_the_site(hospital):
    reply = hospital.join("amara", "clinician", "ST MARY’S")
    assert "You're in" in reply and "clinician at St Mary's" in reply
    assert fold("St Mary’s") == fold("st  mary's")


def test_a_near_miss_asks_did_you_mean_with_a_button_that_joins(hospital):
    reply = hospital.chat.ask("amara", "join clinician St Marys")
    assert reply.rejected and reply.text == "There is no site called 'St Marys'. Did you mean St Mary's?"
    [button] = reply.buttons
    assert button.command == "join clinician St Mary's"
    assert not hospital.store().participants
    assert "You're in" in hospital.chat.send("amara", button.command)


def test_a_site_nothing_like_any_other_still_lists_the_known_sites(hospital):
    reply = hospital.chat.ask("cat", "join clinician Hammersmith")
    assert "Did you mean" not in reply.text and "Known sites: St Mary's, Charing Cross" in reply.text


@pytest.mark.parametrize(("typed", "meant"), [("jion", "join"), ("stauts", "status"), ("puase", "pause")])
def test_a_mistyped_command_gets_the_closest_command_not_the_whole_help(hospital, typed, meant):
    reply = hospital.chat.ask("amara", f"{typed} clinician")
    assert reply.rejected and f"Did you mean `{meant}`?" in reply.text
    assert c.HELP not in reply.text and reply.columns is None


def test_a_word_like_no_command_still_gets_the_help(hospital):
    assert c.HELP in hospital.chat.ask("amara", "xyzzy").text


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Friday 4 December", date(2026, 12, 4)),
        ("4 December", date(2026, 12, 4)),
        ("Dec 24th", date(2026, 12, 24)),
        ("24 December 2026", date(2026, 12, 24)),
        ("2 January", date(2027, 1, 2)),  # already past this year: the next one
        ("2026-12-24", date(2026, 12, 24)),
    ],
)
def test_pause_until_reads_dates_as_people_write_them(written, meant):
    assert c.parse(f"pause until {written}", MONDAY) == c.Pause(until=meant)


def test_a_weekday_that_does_not_fit_the_date_is_pointed_out():
    with pytest.raises(c.ParseError, match="4 December 2026 is a Friday, not a Thursday"):
        c.parse("pause until Thursday 4 December", MONDAY.replace(day=1))
    with pytest.raises(c.ParseError, match="not a day in the calendar"):
        c.parse("pause until 31 February", MONDAY)


def test_replies_count_properly_and_the_period_is_said_in_one_place(hospital):
    hospital.join("amara", "clinician")
    hospital.join("ben", "manager")
    summary = hospital.chat.send("olivia", "admin round now")
    assert "paired 1 clinician-manager pair," in summary and "(s)" not in summary
    assert (plural(1, "pair"), plural(2, "site")) == ("1 pair", "2 sites")
    assert (period_phrase(), period_phrase(2), period_phrase(4)) == (
        "this week",
        "this fortnight",
        "these 4 weeks",
    )


def test_a_reply_lists_the_commands_it_quotes_so_slack_can_prefix_them():
    reply = Reply("Type `pause 2w` for a break, `leave` to stop; your `Ward 7` stays.")
    assert reply.commands == ("pause 2w", "leave")
    assert command_spans("nothing here") == ()

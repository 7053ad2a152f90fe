"""Usual shifts, days off and a personal cadence, told to the bot and kept; the times two people's
hours share; and a round that leaves out whoever asked to be paired less often."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot import commands as c
from bot.calendar_entry import ics_text
from bot.messages import CalendarEntry, Intro
from bot.rounds import run_round
from bot.shifts import Pattern, Person, WorkingPattern, offer_times, pattern_fitting

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
NEXT_MONDAY = datetime(2026, 11, 30, 0, 0, tzinfo=LONDON)
TODAY = date(2026, 11, 23)


def on(pattern: Pattern | None, role: str = "clinician", off: frozenset[int] = frozenset()) -> Person:
    return Person(role, WorkingPattern(pattern, off))


def clock(moments: list[datetime]) -> list[str]:
    return [f"{m:%a %H:%M}" for m in moments]


# --- the words ---------------------------------------------------------------------------------
def test_shifts_days_off_and_cadence_are_read_as_people_type_them():
    assert c.parse("shifts nights", TODAY) == c.SetShifts("nights")
    assert c.parse("shifts Night", TODAY) == c.SetShifts("nights")
    assert c.parse("shifts", TODAY) == c.SetShifts(None)
    assert c.parse("shifts none", TODAY) == c.ClearShifts()
    assert c.parse("off mon, Tuesday", TODAY) == c.DaysOff(frozenset({0, 1}))
    assert c.parse("off none", TODAY) == c.DaysOff(frozenset())
    assert c.parse("every 2w", TODAY) == c.Every(2)
    assert c.parse("every 4 weeks", TODAY) == c.Every(4)
    assert c.parse("every fortnight", TODAY) == c.Every(2)
    assert c.parse("/coffee every 1w", TODAY) == c.Every(1)
    assert c.parse("time 12 2026-11-24T07:30", TODAY) == c.PickTime(12, datetime(2026, 11, 24, 7, 30))


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("shifts earlies", "'earlies' is not a pattern I know"),
        ("off funday", "'funday' is not a day of the week"),
        ("off", "Say which days"),
        ("off mon tue wed thu fri sat sun", "every day of the week"),
        ("every 3w", "I can't read '3w' as how often"),
        ("time 12 tomorrow", "That time button was not understood"),
        ("time 12 2026-11-24T07:30+00:00", "That time button was not understood"),
    ],
)
def test_what_cannot_be_read_says_what_to_type(typed, said):
    with pytest.raises(c.ParseError, match=said):
        c.parse(typed, TODAY)


def test_a_typo_of_a_new_command_gets_the_closest_one():
    with pytest.raises(c.ParseError, match="Did you mean `shifts`"):
        c.parse("shfits nights", TODAY)


# --- the hours ---------------------------------------------------------------------------------
def test_days_and_nights_share_the_handovers():
    offer = offer_times(on(Pattern.NIGHTS), on(Pattern.DAYS, "manager"), MONDAY, NEXT_MONDAY, LONDON)
    assert offer.overlap and clock(offer.times) == ["Mon 19:30", "Tue 07:30", "Wed 07:30"]


def test_office_hours_and_days_meet_after_the_morning_rush():
    offer = offer_times(on(Pattern.DAYS), on(None, "manager"), MONDAY, NEXT_MONDAY, LONDON)
    assert offer.overlap and clock(offer.times) == ["Mon 10:30", "Tue 10:30", "Wed 10:30"]


def test_without_overlap_the_nearest_times_are_offered_and_said_to_be_so():
    # Nights end at 08:00 and the office opens at 09:00: the closest anyone gets is 07:45.
    offer = offer_times(on(Pattern.NIGHTS), on(Pattern.OFFICE, "manager"), MONDAY, NEXT_MONDAY, LONDON)
    assert not offer.overlap and clock(offer.times) == ["Tue 07:45", "Wed 07:45", "Thu 07:45"]


def test_days_off_and_a_place_s_opening_hours_are_respected():
    nurse = on(Pattern.NIGHTS, off=frozenset({0, 1}))  # no night starting Monday or Tuesday
    offer = offer_times(nurse, on(Pattern.DAYS, "manager"), MONDAY, NEXT_MONDAY, LONDON, (time(7), time(19)))
    # The 19:30 handovers fall after closing, and the first night she works starts Wednesday.
    assert clock(offer.times) == ["Thu 07:30", "Fri 07:30", "Sat 07:30"]


def test_pairing_counts_hours_that_fit_and_leaves_out_days_with_nights():
    fitting = pattern_fitting()
    assert ("days", "lates") in fitting and ("nights", "lates") in fitting
    assert ("days", "nights") not in fitting and ("nights", "office") not in fitting
    assert ("nights", "") not in fitting and ("", "") in fitting  # unsaid: clinician days, manager office


def test_a_calendar_entry_is_utc_and_escaped():
    entry = CalendarEntry(
        "corridor-1-2@corridor",
        "2026-11-24T07:30:00+00:00",
        "2026-11-24T07:45:00+00:00",
        "Coffee: Amara and Ben",
        "Level 2 staff kitchen, St Mary's",
    )
    text = ics_text(entry, datetime(2026, 11, 23, 9, tzinfo=ZoneInfo("UTC")))
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert (
        "DTSTART:20261124T073000Z\r\n" in text and "LOCATION:Level 2 staff kitchen\\, St Mary's\r\n" in text
    )


# --- the use cases -----------------------------------------------------------------------------
def test_a_nurse_says_her_shifts_and_status_shows_them_until_she_changes_them(hospital):
    hospital.join("amara", "clinician")
    assert "Done: your usual shifts are nights (19:30–08:00)" in hospital.chat.send("amara", "shifts nights")
    assert "no times will be suggested on Monday and Tuesday" in hospital.chat.send("amara", "off mon tue")
    status = hospital.chat.send("amara", "status")
    assert "Usual shifts: nights (19:30–08:00), off Monday and Tuesday." in status
    hospital.chat.send("amara", "shifts none")
    assert "not said, so taken as days (07:30–20:00), off Monday and Tuesday" in hospital.chat.send(
        "amara", "status"
    )


def test_the_shifts_button_offers_a_picker(hospital):
    hospital.join("ben", "manager")
    reply = hospital.chat.ask("ben", "shifts")
    assert reply.pick_one and [b.command for b in reply.buttons][-1] == "shifts office"


def test_someone_not_joined_cannot_say_shifts(hospital):
    reply = hospital.chat.ask("stranger", "shifts days")
    assert reply.rejected and "You haven't joined yet" in reply.text


def test_the_intro_offers_times_that_fit_both(hospital):
    hospital.join("amara", "clinician")
    hospital.join("ben", "manager")
    hospital.chat.send("amara", "shifts nights")
    hospital.chat.send("ben", "shifts days")
    run_round(hospital.ctx)
    message = hospital.outbox("intro")[0]
    intro = Intro.from_payload(message.payload)
    assert intro.times[:2] == ["2026-11-23T19:30", "2026-11-24T07:30"] and intro.times_overlap
    assert [b.label for b in intro.time_buttons][-1] == "My usual shifts"
    assert any("When you're both likely on site: Mon 23 Nov 19:30" in line for line in intro.lines())


def test_a_time_for_someone_else_s_pair_or_in_the_past_changes_nothing(hospital):
    hospital.join("amara", "clinician")
    hospital.join("ben", "manager")
    hospital.join("cat", "clinician", "Charing Cross")
    run_round(hospital.ctx)
    pair = next(
        p for p in hospital.pairs() if hospital.store().participants[p.clinician_id].user_id == "amara"
    )
    assert hospital.chat.ask("cat", f"time {pair.id} 2026-11-24T07:30").rejected
    assert hospital.chat.ask("amara", f"time {pair.id} 2026-11-20T07:30").rejected
    assert pair.meeting_at is None and hospital.store().pairs[pair.id].meeting_at is None


def test_every_fortnight_leaves_her_out_of_every_other_weekly_round(hospital):
    hospital.join("amara", "clinician")
    hospital.join("ben", "manager")
    reply = hospital.chat.send("amara", "every 2w")
    assert "a partner every fortnight: rounds run every week, so you'll sit out one round" in reply
    assert "every fortnight" in hospital.chat.send("amara", "status")
    paired, resting = [], []
    for _ in range(4):
        report = run_round(hospital.ctx)
        paired.append(len(report.pairs))
        resting.append(report.resting)
        hospital.clock.advance(days=7)
    assert paired == [1, 0, 1, 0] and resting == [0, 1, 0, 1]
    hospital.chat.send("amara", "every 1w")
    assert len(run_round(hospital.ctx).pairs) == 1


def test_asking_for_what_the_programme_already_does_changes_nothing_for_now(hospital):
    hospital.join("amara", "clinician")
    assert "you're in each one" in hospital.chat.send("amara", "every 1w")


def test_picking_a_time_counts_as_answering_so_nobody_is_paused_for_it(hospital):
    hospital.join("amara", "clinician")
    hospital.join("ben", "manager")
    for _ in range(3):
        run_round(hospital.ctx)
        [pair] = [p for p in hospital.pairs() if p.followup_sent_at is None and p.meeting_at is None]
        hospital.chat.send("amara", f"outcome {pair.id} met")  # Ben never answers, but picks a time
        assert "Sent:" in hospital.chat.send("ben", f"time {pair.id} {hospital.clock.now():%Y-%m-%d}T23:45")
        hospital.clock.advance(days=7)
    report = run_round(hospital.ctx)
    assert report.paused_for_silence == 0 and len(report.pairs) == 1


def test_a_place_s_opening_hours_come_from_the_places_file_and_bad_ones_are_refused(hospital):
    from bot.imports import ImportRejected, import_places, read_places

    place = {"name": "Atrium cafe", "kind": "canteen", "hours": "7:00-19:30"}
    [site] = read_places({"sites": [{"name": "St Mary's", "places": [place]}]})
    assert site.places[0].hours == "07:00-19:30"
    import_places(hospital.ctx, [site])
    assert [p.hours for p in hospital.store().places.values() if p.name == "Atrium cafe"] == ["07:00-19:30"]
    for bad in ("all day", "19:00-07:00"):
        with pytest.raises(ImportRejected, match="must be opening hours written like 07:00-19:00"):
            read_places({"sites": [{"name": "St Mary's", "places": [{**place, "hours": bad}]}]})

"""The shared grammar: what people type, and what they are told when it is wrong."""

from datetime import date

import pytest

from bot import commands as c
from bot.model import OutcomeKind, Reason, Role

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("/coffee join clinician St Mary's", c.Join(Role.CLINICIAN, "St Mary's")),
        ("JOIN Manager", c.Join(Role.MANAGER)),
        ('join clinician "Charing   Cross"', c.Join(Role.CLINICIAN, "Charing Cross")),
        ("pause 2w", c.Pause(date(2026, 12, 10))),
        ("pause 3 days", c.Pause(date(2026, 11, 29))),
        ("pause until 2026-12-24", c.Pause(date(2026, 12, 24))),
        ("capacity 3", c.Capacity(3)),
        ("", c.Help()),
        ("forget-me confirm", c.ForgetMe(confirmed=True)),
        (
            "outcome 12 could_not_meet shift_clash",
            c.RecordOutcome(12, OutcomeKind.COULD_NOT_MEET, Reason.SHIFT_CLASH),
        ),
        ("admin channel here", c.AdminChannelHere()),
    ],
)
def test_what_people_type(text, command):
    assert c.parse(text, TODAY) == command


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("pause", "pause 2w"),
        ("pause forever", "can't read 'forever'"),
        ("pause until 2026-11-01", "not in the future"),
        ("pause 80w", "up to a year"),
        ("capacity 0", "1 to 3"),
        ("leave now", "type just `leave`"),
        ("admin everything", "admin round now"),
        ("outcome x", "use the buttons"),
        ("hello", "don't know the word 'hello'"),
    ],
)
def test_what_people_are_told_when_it_is_wrong(text, advice):
    with pytest.raises(c.ParseError) as problem:
        c.parse(text, TODAY)
    assert advice in str(problem.value)


@pytest.mark.parametrize(
    "text",
    [
        "outcome 99999999999999999999 met",
        "outcome 2147483648 met",
        "outcome 0 met",
        "outcome -1 met",
        "outcome +5 met",
        "outcome 1_000 met",
        "outcome ١٢ met",
        "outcome ² met",
        "capacity ²",
        "capacity ١",
        "capacity 99999999999999999999",
        "capacity -1",
        "pause ٣w",
        "pause 999999999999w",
        "pause until 99999-12-24",
    ],
)
def test_numbers_out_of_range_or_in_another_script_get_a_clear_answer(text):
    with pytest.raises(c.ParseError):
        c.parse(text, TODAY)


def test_the_largest_stored_id_still_reads():
    assert c.parse("outcome 2147483647 met", TODAY).pair_id == 2**31 - 1

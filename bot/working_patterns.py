"""Use cases a person runs on their own working week: usual shifts, days off, how often to meet.

All three are kept until changed, shown by `status`, and cleared when someone is erased.
"""

from __future__ import annotations

from bot import commands as c
from bot.context import Context, Reply, Sender, programme_settings
from bot.errors import CorridorError
from bot.messages import Button
from bot.model import Participant
from bot.people import NOT_JOINED, find_sender
from bot.shifts import Pattern, WorkingPattern, days_phrase, store_days_off
from bot.wording import period_noun


def set_shifts(ctx: Context, sender: Sender, command: c.SetShifts | c.ClearShifts) -> Reply:
    if isinstance(command, c.SetShifts) and command.pattern is None:
        return _pattern_picker()
    with ctx.uow() as uow:
        person = _member(find_sender(uow, ctx, sender))
        person.shift_pattern = command.pattern if isinstance(command, c.SetShifts) else None
        uow.participants.save(person)
        uow.commit()
    kept = _pattern_of(person).describe(person.role.value)
    return Reply(
        f"Done: your usual shifts are {kept}. The times each intro suggests will fit them, and "
        "Corridor prefers partners whose hours overlap yours. Type `off mon tue` for days you don't work."
    )


def _pattern_picker() -> Reply:
    buttons = [Button(p.describe().capitalize(), f"shifts {p.value}") for p in Pattern]
    return Reply(
        "Which pattern do you usually work? Pick one, or type e.g. `shifts nights`.",
        buttons,
        pick_one="Choose your usual shifts",
    )


def set_days_off(ctx: Context, sender: Sender, command: c.DaysOff) -> Reply:
    with ctx.uow() as uow:
        person = _member(find_sender(uow, ctx, sender))
        person.days_off = store_days_off(command.days)
        uow.participants.save(person)
        uow.commit()
    if not command.days:
        return Reply("Done: no regular days off, so any day can be suggested.")
    return Reply(f"Done: no times will be suggested on {days_phrase(command.days)}.")


def set_every(ctx: Context, sender: Sender, command: c.Every) -> Reply:
    cadence = programme_settings(ctx).cadence_weeks
    with ctx.uow() as uow:
        person = _member(find_sender(uow, ctx, sender))
        person.every_weeks = command.weeks
        uow.participants.save(person)
        uow.commit()
    return Reply(every_words(command.weeks, cadence, done=True))


def every_words(weeks: int, cadence: int, *, done: bool = False) -> str:
    """What a personal cadence means against the programme's: "a partner every fortnight ..."."""
    rounds = f"rounds run every {period_noun(cadence)}"
    if weeks <= cadence:
        said = "you're in every round" if weeks == 1 else f"you asked for every {period_noun(weeks)}"
        text = f"{said}, and {rounds}, so you're in each one"
    else:
        skipped = weeks // cadence - 1
        gap = "one round" if skipped == 1 else f"{skipped} rounds"
        text = f"a partner every {period_noun(weeks)}: {rounds}, so you'll sit out {gap} after each pairing"
    if done:
        return f"Done: {text}. Type `every 1w` to be in every round again."
    return text[0].upper() + text[1:] + "."


def _member(person: Participant | None) -> Participant:
    if person is None or person.left_at is not None:
        raise CorridorError(NOT_JOINED)
    return person


def _pattern_of(person: Participant) -> WorkingPattern:
    return WorkingPattern.stored(person.shift_pattern, person.days_off)

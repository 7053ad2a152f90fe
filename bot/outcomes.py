"""Recording whether a pair met: one answer per person, the latest click wins."""

from __future__ import annotations

from bot import commands as c
from bot.context import Context, Reply, Sender, programme_settings_in
from bot.messages import reason_buttons
from bot.model import Outcome, OutcomeKind
from bot.people import find_sender
from bot.results import OutcomeRecorded
from bot.shadowing import offer_if_both_met
from bot.wording import period_phrase

THANKS = {
    OutcomeKind.MET: "Recorded: you met. Thank you, that's what it's all about.",
    OutcomeKind.NOT_YET: "Recorded: not yet. There's still time {period}.",
    OutcomeKind.COULD_NOT_MEET: "Recorded: you couldn't make it {period}. No harm done.",
}


def record_outcome(ctx: Context, sender: Sender, command: c.RecordOutcome) -> Reply:
    with ctx.uow() as uow:
        person = find_sender(uow, ctx, sender)
        pair = uow.pairs.get(command.pair_id)
        if person is None or pair is None or person.saved_id not in pair.member_ids():
            return Reply("That pairing isn't yours, so nothing was recorded.", rejected=True)
        previous = uow.outcomes.get(pair.saved_id, person.saved_id)
        reason = command.reason or (previous.reason if previous and previous.kind == command.kind else None)
        uow.outcomes.save(Outcome(pair.saved_id, person.saved_id, command.kind, ctx.clock.now(), reason))
        weeks = programme_settings_in(uow, ctx.settings).cadence_weeks
        if command.kind is OutcomeKind.MET:
            offer_if_both_met(uow, ctx, person.programme_id, pair)
        uow.commit()
    recorded = OutcomeRecorded(pair.saved_id, person.saved_id, command.kind, reason)
    text = THANKS[command.kind].format(period=period_phrase(weeks))
    if command.kind is OutcomeKind.COULD_NOT_MEET and command.reason is None:
        return Reply(
            text + " If you'd like to say why, pick one:", reason_buttons(pair.saved_id), result=recorded
        )
    if command.reason is not None:
        text += f" Reason noted: {command.reason.label}."
    return Reply(text, result=recorded)

"""Shadowing offers (paired learning): after a coffee both confirmed, an hour in each other's day.

When both people of a pair say "We met", each is asked whether they would like to shadow the
other for an hour. When both say yes, Corridor tells both and leaves the date to them; a month
later it asks each whether it happened. Only counts of these reach organisers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import commands as c
from bot.context import Context, Reply, Sender, default_programme
from bot.messages import Button, Intent, Notice, PersonCard
from bot.model import OutcomeKind, Pair, Participant, ShadowingAnswer, ShadowingOffer
from bot.outbox import to_one_person
from bot.people import find_sender
from bot.ports import UnitOfWork
from bot.results import ShadowingRecorded

SHADOW = "shadow"
OFFER = "offer"
HAPPENED = "happened"
CHECK_AFTER = timedelta(days=30)


def both_met(uow: UnitOfWork, pair: Pair) -> bool:
    said = {o.participant_id: o.kind for o in uow.outcomes.for_pairs([pair.saved_id])}
    return all(said.get(pid) is OutcomeKind.MET for pid in pair.member_ids())


def offer_if_both_met(uow: UnitOfWork, ctx: Context, programme_id: int, pair: Pair) -> bool:
    """Called in the transaction that records a "We met"; True when the offer was queued now."""
    if not both_met(uow, pair) or uow.shadowing.offer(pair.saved_id) is not None:
        return False
    people = uow.participants.get_many(pair.member_ids())
    if len(people) < 2 or any(p.erased or p.left_at is not None for p in people.values()):
        return False
    place = uow.places.get(pair.place_id) if pair.place_id is not None else None
    site_id = place.site_id if place is not None else people[pair.clinician_id].site_id
    now = ctx.clock.now()
    if not uow.shadowing.add_offer(ShadowingOffer(pair.saved_id, site_id, now)):
        return False
    _tell_both(uow, programme_id, pair, people, OFFER, now)
    return True


def _tell_both(
    uow: UnitOfWork, programme_id: int, pair: Pair, people: dict[int, Participant], step: str, now: datetime
) -> None:
    sites = {s.saved_id: s for s in uow.sites.list(programme_id)}
    messages = []
    for pid in pair.member_ids():
        me = PersonCard.of(people[pid], sites)
        partner = people[pair.partner_of(pid)].display_name
        notice = _NOTICES[step](me, pair.saved_id, partner)
        message = to_one_person(programme_id, notice.topic, notice.kind, me, notice.to_payload(), now)
        # It names the partner too, so it goes if either of them asks to be forgotten.
        message.mentions = list(pair.member_ids())
        messages.append(message)
    uow.outbox.add_many_if_absent(messages)


def offer_notice(me: PersonCard, pair_id: int, partner: str) -> Notice:
    return Notice(
        topic=f"{SHADOW}:{pair_id}:{OFFER}",
        recipient=me,
        title="Shadow each other for an hour?",
        body=[
            f"You and {partner} both said you met. Would you like to spend an hour shadowing "
            f"{partner}'s working day, and have them shadow yours?",
            "If you both say yes, Corridor tells you both and you agree a date between you.",
        ],
        buttons=[
            Button("Yes, I'd like that", f"shadow {pair_id} offer yes", Intent.PRIMARY),
            Button("No thanks", f"shadow {pair_id} offer no"),
        ],
    )


def agreed_notice(me: PersonCard, pair_id: int, partner: str) -> Notice:
    return Notice(
        topic=f"{SHADOW}:{pair_id}:agreed",
        recipient=me,
        title="You're both up for shadowing",
        body=[
            f"{partner} said yes too. Agree a date that suits you both; an hour is plenty.",
            "Corridor will ask in a month whether it happened.",
        ],
    )


def check_notice(me: PersonCard, pair_id: int, partner: str) -> Notice:
    return Notice(
        topic=f"{SHADOW}:{pair_id}:{HAPPENED}",
        recipient=me,
        title="Did the shadowing happen?",
        body=[f"A month ago you and {partner} agreed to shadow each other for an hour. Did it happen?"],
        buttons=[
            Button("Yes, it happened", f"shadow {pair_id} happened yes", Intent.PRIMARY),
            Button("Not yet", f"shadow {pair_id} happened no"),
        ],
    )


_NOTICES = {OFFER: offer_notice, "agreed": agreed_notice, HAPPENED: check_notice}


def record_shadowing(ctx: Context, sender: Sender, command: c.AnswerShadowing) -> Reply:
    now = ctx.clock.now()
    with ctx.uow() as uow:
        person = find_sender(uow, ctx, sender)
        pair = uow.pairs.get(command.pair_id)
        offer = uow.shadowing.offer(command.pair_id)
        asked = offer is not None and (command.question == OFFER or offer.check_sent_at is not None)
        if (
            person is None
            or pair is None
            or offer is None
            or not asked
            or person.saved_id not in pair.member_ids()
        ):
            return Reply("That question wasn't put to you, so nothing was recorded.", rejected=True)
        answer = ShadowingAnswer(pair.saved_id, person.saved_id, command.question, command.answer, now)
        uow.shadowing.save_answer(answer)
        agreed = command.question == OFFER and _both_said_yes(uow, pair)
        if agreed and offer.agreed_at is None:
            offer.agreed_at = now
            uow.shadowing.save_offer(offer)
            programme = default_programme(uow, ctx.settings)
            _tell_both(
                uow, programme.saved_id, pair, uow.participants.get_many(pair.member_ids()), "agreed", now
            )
        uow.commit()
    result = ShadowingRecorded(pair.saved_id, person.saved_id, command.question, command.answer)
    return Reply(_thanks(command, agreed), result=result)


def _both_said_yes(uow: UnitOfWork, pair: Pair) -> bool:
    said = {a.participant_id: a.answer for a in uow.shadowing.answers(pair.saved_id) if a.question == OFFER}
    return all(said.get(pid) == "yes" for pid in pair.member_ids())


def _thanks(command: c.AnswerShadowing, agreed: bool) -> str:
    if command.question == HAPPENED:
        return "Thank you: noted." if command.answer == "yes" else "Noted. There's no rush."
    if command.answer == "no":
        return "No problem: noted. Your coffees carry on as before."
    if agreed:
        return "You both said yes: agree a date between you. Corridor will check in a month."
    return "Noted: you'd like to. Corridor will tell you both if your partner says yes too."


def send_shadowing_checks(ctx: Context) -> int:
    """A month after both said yes: did it happen? Asked once per pair. Returns how many pairs."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        due = uow.shadowing.due_checks(programme.saved_id, now - CHECK_AFTER)
        asked = 0
        for offer in due:
            pair = uow.pairs.get(offer.pair_id)
            if pair is None:
                continue
            people = uow.participants.get_many(pair.member_ids())
            offer.check_sent_at = now
            uow.shadowing.save_offer(offer)
            if len(people) < 2 or any(p.erased for p in people.values()):
                continue
            _tell_both(uow, programme.saved_id, pair, people, HAPPENED, now)
            asked += 1
        uow.commit()
    return asked

"""The follow-up sweep: ask pairs who haven't answered whether they met, once; and a pair of this
round who said "Not yet", once too, before the round ends. A pair who agreed a time is asked the
day after that time instead, not before it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.context import Context, default_programme, programme_settings_in
from bot.meetups import Meetup
from bot.messages import FOLLOWUP, PersonCard
from bot.model import OutcomeKind, Pair
from bot.outbox import pair_messages
from bot.ports import UnitOfWork

# Follow-ups only chase recent rounds; a pair from two months ago is history, not news.
ROUNDS_TO_CHASE = 2


def send_followups(ctx: Context) -> int:
    """Returns how many pairs were asked."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        chosen = programme_settings_in(uow, ctx.settings)
        cutoff = now - timedelta(days=chosen.followup_after_days)
        weeks = chosen.cadence_weeks
        rounds = {r.saved_id: r for r in uow.rounds.recent(programme.saved_id, ROUNDS_TO_CHASE)}
        pairs = uow.pairs.awaiting_followup(list(rounds), cutoff)
        pairs += _said_not_yet(uow, list(rounds)[:1], cutoff, {p.saved_id for p in pairs})
        today, tz = ctx.today(), ctx.settings.timezone
        pairs = [p for p in pairs if not _meeting_to_come(p, today, tz)]
        pairs += _day_after_meeting(uow, list(rounds)[:1], today, tz, {p.saved_id for p in pairs})
        if not pairs:
            return 0
        people = uow.participants.get_many({pid for p in pairs for pid in p.member_ids()})
        sites = {s.saved_id: s for s in uow.sites.list(programme.saved_id)}
        places = {p.saved_id: p for p in uow.places.list(programme.saved_id)}
        asked = 0
        for pair in pairs:
            clinician, manager = people[pair.clinician_id], people[pair.manager_id]
            if clinician.erased or manager.erased:
                continue
            place = places.get(pair.place_id) if pair.place_id is not None else None
            meetup = Meetup(
                place_id=pair.place_id,
                place_name=place.name if place else pair.place_text,
                kind=place.kind.value if place else "other",
                directions=place.directions if place else "",
                site_name=sites[clinician.site_id].name,
            )
            uow.outbox.add_many_if_absent(
                pair_messages(
                    programme_id=programme.saved_id,
                    week=rounds[pair.round_id].week,
                    kind=FOLLOWUP,
                    pair=pair,
                    clinician=PersonCard.of(clinician, sites),
                    manager=PersonCard.of(manager, sites),
                    meetup=meetup,
                    settings=ctx.settings,
                    now=now,
                    weeks=weeks,
                )
            )
            pair.followup_sent_at = now
            uow.pairs.save(pair)
            asked += 1
        uow.commit()
    return asked


def _meeting_to_come(pair: Pair, today: date, tz: ZoneInfo) -> bool:
    """An agreed time today or later: the follow-up waits for the day after it."""
    return (
        pair.meeting_agreed_at is not None
        and pair.meeting_at is not None
        and pair.meeting_at.astimezone(tz).date() >= today
    )


def _day_after_meeting(
    uow: UnitOfWork, round_ids: list[int], today: date, tz: ZoneInfo, chosen: set[int]
) -> list[Pair]:
    """Pairs of the current round whose agreed time was yesterday or before, not yet followed up,
    and with no answer but "Not yet" so far."""
    pairs = [
        p
        for p in uow.pairs.for_rounds(round_ids)
        if p.followup_sent_at is None
        and p.saved_id not in chosen
        and p.meeting_agreed_at is not None
        and p.meeting_at is not None
        and p.meeting_at.astimezone(tz).date() < today
    ]
    answers: dict[int, set[OutcomeKind]] = {}
    for outcome in uow.outcomes.for_pairs([p.saved_id for p in pairs]):
        answers.setdefault(outcome.pair_id, set()).add(outcome.kind)
    return [p for p in pairs if answers.get(p.saved_id, set()) <= {OutcomeKind.NOT_YET}]


def _said_not_yet(uow: UnitOfWork, round_ids: list[int], cutoff: datetime, chosen: set[int]) -> list[Pair]:
    """Pairs of the current round not yet followed up whose every answer so far is "Not yet"."""
    pairs = [
        p
        for p in uow.pairs.for_rounds(round_ids)
        if p.followup_sent_at is None and p.created_at < cutoff and p.saved_id not in chosen
    ]
    answers: dict[int, set[OutcomeKind]] = {}
    for outcome in uow.outcomes.for_pairs([p.saved_id for p in pairs]):
        answers.setdefault(outcome.pair_id, set()).add(outcome.kind)
    return [p for p in pairs if answers.get(p.saved_id) == {OutcomeKind.NOT_YET}]

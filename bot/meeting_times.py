"""A time that fits both shifts: offered on the intro, proposed by one, agreed by the other in one tap.

When one person picks a time the other is asked to confirm it; when both agree, each gets the
place and a calendar entry. Everything goes through the outbox, keyed so a double tap sends once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import commands as c
from bot.context import Context, Reply, Sender, default_programme
from bot.errors import CorridorError
from bot.messages import (
    NOTICE,
    TIME_AGREED,
    TIME_ASKED,
    Button,
    CalendarEntry,
    Intent,
    Notice,
    PersonCard,
    time_label,
)
from bot.model import Pair, Participant
from bot.outbox import to_one_person
from bot.people import NOT_JOINED, find_sender
from bot.ports import UnitOfWork
from bot.shifts import MEETING, Offer, Person, WorkingPattern, offer_times, parse_opening, when

# A time picked further ahead than this is no time the intro offered.
FURTHEST = timedelta(days=35)
# The first time offered is at least this far after the intro goes out.
NOTICE_AHEAD = timedelta(hours=1)


def as_person(participant: Participant) -> Person:
    return Person(
        participant.role.value, WorkingPattern.stored(participant.shift_pattern, participant.days_off)
    )


@dataclass
class RoundTimes:
    """Offers for one round's pairs; pairs of the same two patterns and place hours share one."""

    start: datetime
    end: datetime
    tz: ZoneInfo

    def __post_init__(self) -> None:
        self._known: dict[tuple[Person, Person, str | None], tuple[list[str], bool]] = {}

    @classmethod
    def for_round(cls, now: datetime, held_on: date, weeks: int, tz: ZoneInfo) -> RoundTimes:
        end = datetime.combine(held_on + timedelta(days=7 * weeks), time(0), tz)
        return cls(now + NOTICE_AHEAD, end, tz)

    def offer(
        self, clinician: Participant, manager: Participant, hours: str | None
    ) -> tuple[list[str], bool]:
        """(times as local "2026-05-05T07:30", whether they are shared hours); a 100k round has
        only a few dozen different couples of patterns, so each is worked out once."""
        one, other = as_person(clinician), as_person(manager)
        key = (one, other, hours)
        found = self._known.get(key)
        if found is None:
            offer = offer_times(one, other, self.start, self.end, self.tz, parse_opening(hours))
            found = self._known[key] = (self._local(offer), offer.overlap)
        return list(found[0]), found[1]

    def _local(self, offer: Offer) -> list[str]:
        return [t.astimezone(self.tz).replace(tzinfo=None).isoformat(timespec="minutes") for t in offer.times]


def pick_time(ctx: Context, sender: Sender, command: c.PickTime) -> Reply:
    tz = ctx.settings.timezone
    at = command.at.replace(tzinfo=tz)
    now = ctx.clock.now()
    if at <= now:
        return Reply(
            "That time has passed, so nothing was changed; pick a later one from the intro.", rejected=True
        )
    if at - now > FURTHEST:
        return Reply("That time is too far ahead for this round; pick one from the intro.", rejected=True)
    with ctx.uow() as uow:
        me = find_sender(uow, ctx, sender)
        if me is None:
            raise CorridorError(NOT_JOINED)
        pair = uow.pairs.get(command.pair_id)
        if pair is None or me.saved_id not in pair.member_ids():
            return Reply(
                "That time belongs to an intro that isn't yours, so nothing was changed.", rejected=True
            )
        partner = uow.participants.get(pair.partner_of(me.saved_id))
        if partner is None or partner.erased or partner.left_at is not None:
            return Reply(
                "Your partner has left Corridor, so there is nobody to agree a time with.", rejected=True
            )
        meeting = _Meeting(uow, ctx, pair, me, partner, at)
        if pair.meeting_at == at and pair.meeting_agreed_at is not None:
            return Reply(f"Already agreed: {meeting.when} at {pair.place_text}, with {partner.display_name}.")
        reply = meeting.agree() if _partner_proposed(pair, partner, at) else meeting.propose()
        uow.commit()
    return reply


def _partner_proposed(pair: Pair, partner: Participant, at: datetime) -> bool:
    return pair.meeting_at == at and pair.meeting_proposed_by == partner.saved_id


class _Meeting:
    def __init__(
        self, uow: UnitOfWork, ctx: Context, pair: Pair, me: Participant, partner: Participant, at: datetime
    ):
        self.uow, self.ctx, self.pair, self.me, self.partner, self.at = uow, ctx, pair, me, partner, at
        self.programme = default_programme(uow, ctx.settings)
        self.tz = ctx.settings.timezone
        self.when = when(at, self.tz)
        self.local = at.astimezone(self.tz).replace(tzinfo=None).isoformat(timespec="minutes")
        sites = {s.saved_id: s for s in uow.sites.list(self.programme.saved_id)}
        self.cards = {p.saved_id: PersonCard.of(p, sites) for p in (me, partner)}
        [round_] = uow.rounds.by_ids([pair.round_id])
        self.week = round_.week

    def propose(self) -> Reply:
        pair, now = self.pair, self.ctx.clock.now()
        pair.meeting_at, pair.meeting_proposed_by, pair.meeting_agreed_at = self.at, self.me.saved_id, None
        self.uow.pairs.save(pair)
        name = self.me.display_name
        ask = Notice(
            topic=TIME_ASKED,
            recipient=self.cards[self.partner.saved_id],
            title=f"{name} suggests {self.when}",
            body=[
                f"{name} suggests meeting on {self.when} at {pair.place_text}.",
                "One tap below if that suits you, or pick another time on the intro.",
            ],
            buttons=[
                Button(
                    f"Yes, {time_label(self.local)} works",
                    f"time {pair.saved_id} {self.local}",
                    Intent.PRIMARY,
                )
            ],
        )
        self._queue(ask, f"{self.week}:{TIME_ASKED}:{pair.saved_id}:{self.local}:by:{self.me.saved_id}", now)
        return Reply(
            f"Sent: we've asked {self.partner.display_name} whether {self.when} at {pair.place_text} suits "
            "them. You'll both get a calendar entry when they agree."
        )

    def agree(self) -> Reply:
        pair, now = self.pair, self.ctx.clock.now()
        pair.meeting_agreed_at = now
        self.uow.pairs.save(pair)
        entry = self._entry()
        for person, other in ((self.me, self.partner), (self.partner, self.me)):
            notice = Notice(
                topic=TIME_AGREED,
                recipient=self.cards[person.saved_id],
                title=f"Coffee on {self.when}",
                body=[
                    f"Agreed: you and {other.display_name} meet on {self.when} at {pair.place_text}.",
                    "The calendar entry is with this message. If the time stops suiting you, pick "
                    "another on the intro.",
                ],
                calendar=entry,
            )
            self._queue(notice, f"{self.week}:{TIME_AGREED}:{pair.saved_id}:{self.local}", now)
        return Reply(
            f"Agreed: {self.when} at {pair.place_text} with {self.partner.display_name}. "
            "Your calendar entry is on its way, and they've been told too."
        )

    def _entry(self) -> CalendarEntry:
        clinician, manager = (self.cards[pid] for pid in self.pair.member_ids())
        return CalendarEntry(
            uid=f"corridor-{self.programme.saved_id}-{self.pair.saved_id}-{self.local}@corridor",
            start=self.at.isoformat(),
            end=(self.at + MEETING).isoformat(),
            subject=f"Coffee: {clinician.name} and {manager.name}",
            location=self.pair.place_text,
            attendees=[a for a in (clinician.upn or clinician.email, manager.upn or manager.email) if a],
        )

    def _queue(self, notice: Notice, topic: str, now: datetime) -> None:
        message = to_one_person(
            self.programme.saved_id, topic, NOTICE, notice.recipient, notice.to_payload(), now
        )
        # The other person's details are in the payload too: erasing either removes it.
        message.mentions = sorted(self.pair.member_ids())
        self.uow.outbox.add_many_if_absent([message])

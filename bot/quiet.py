"""People who have gone quiet: paused after rounds in a row without an answer, told so kindly, and
welcomed before their first round when an organiser enrolled them from a staff list.

Silence is counted only in rounds after someone last showed they are here (joined or resumed),
so tapping Resume starts the count again.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from bot.messages import AUTO_PAUSE, WELCOME, Button, Intent, Notice, PersonCard
from bot.model import OutboxMessage, Pair, Participant, Round, Site
from bot.outbox import to_one_person
from bot.ports import UnitOfWork
from bot.wording import period_noun, plural


def silent_people(
    uow: UnitOfWork, people: dict[int, Participant], previous: list[Round], rounds_in_a_row: int
) -> set[int]:
    """Those paired in each of the last `rounds_in_a_row` rounds who answered none of those intros."""
    if rounds_in_a_row <= 0 or len(previous) < rounds_in_a_row:
        return set()
    pairs = uow.pairs.for_rounds([r.saved_id for r in previous[:rounds_in_a_row]])
    answered = {(o.pair_id, o.participant_id) for o in uow.outcomes.for_pairs([p.saved_id for p in pairs])}
    paired_in: dict[int, set[int]] = defaultdict(set)
    spoke: set[int] = set()
    for pair in pairs:
        for pid in pair.member_ids():
            person = people.get(pid)
            if person is None or (person.active_since and pair.created_at < person.active_since):
                continue
            paired_in[pid].add(pair.round_id)
            if (pair.saved_id, pid) in answered or _picked_a_time(pair, pid):
                spoke.add(pid)
    return {pid for pid, held in paired_in.items() if len(held) == rounds_in_a_row and pid not in spoke}


def _picked_a_time(pair: Pair, pid: int) -> bool:
    """Proposing a time, or agreeing to one, is a click like an answer."""
    return pair.meeting_proposed_by == pid or (
        pair.meeting_agreed_at is not None and pair.meeting_at is not None
    )


def auto_pause_notice(person: PersonCard, rounds: int) -> Notice:
    return Notice(
        topic=AUTO_PAUSE,
        recipient=person,
        title="We've paused your coffee pairings",
        body=[
            f"You haven't answered the last {plural(rounds, 'intro')}, which on a busy ward is no "
            "surprise. So nobody waits on you, we've paused your pairings for now.",
            "Tap Resume whenever you'd like a partner again, or type `leave` to stop for good.",
        ],
        buttons=[Button("Resume", "resume", Intent.PRIMARY)],
    )


def welcome_notice(person: PersonCard, weeks: int = 1) -> Notice:
    return Notice(
        topic=WELCOME,
        recipient=person,
        title="Welcome to Corridor",
        body=[
            f"Your organisers have signed you up to Corridor: each {period_noun(weeks)} it pairs a "
            "clinician with a manager for ten minutes over coffee, at a staff kitchen or coffee "
            "point near you, with something to talk about.",
            "You'll get your first partner in the next round. Type `pause 2w` to skip a while, "
            "`leave` to stop, or `status` to see what Corridor knows about you.",
            "Corridor keeps your name, role, site, department and work email in your trust's own "
            "Corridor database, and only anonymous counts go to organisers. Type `forget-me` to "
            "erase your details at any time.",
        ],
    )


def welcome(
    uow: UnitOfWork,
    programme_id: int,
    person: Participant,
    sites: dict[str, Site],
    now: datetime,
    weeks: int = 1,
) -> None:
    """Queued once per person ever (the key names no round), so a second import sends nothing."""
    by_id = {site.saved_id: site for site in sites.values()}
    notice = welcome_notice(PersonCard.of(person, by_id), weeks)
    uow.outbox.add_many_if_absent([notice_message(programme_id, "once", notice, now)])


WELCOMES_AT_ONCE = 5_000


def welcome_all(
    uow: UnitOfWork,
    programme_id: int,
    people: list[Participant],
    sites: dict[str, Site],
    now: datetime,
    weeks: int = 1,
) -> None:
    """welcome for many at once (a staff list), queued in bulk inserts of a few thousand: each
    message carries its words, so 100,000 at once would hold hundreds of megabytes."""
    if not people:
        return
    by_id = {site.saved_id: site for site in sites.values()}
    # The words are everyone's same: made once, each message differs only in its recipient.
    first = welcome_notice(PersonCard.of(people[0], by_id), weeks)
    words = first.to_payload()
    for start in range(0, len(people), WELCOMES_AT_ONCE):
        messages = []
        for person in people[start : start + WELCOMES_AT_ONCE]:
            card = PersonCard.of(person, by_id)
            payload = {**words, "recipient": card.to_dict()}
            messages.append(
                to_one_person(programme_id, f"once:{first.topic}", first.kind, card, payload, now)
            )
        uow.outbox.add_many_if_absent(messages)


def notice_message(programme_id: int, key: str, notice: Notice, now: datetime) -> OutboxMessage:
    topic = f"{key}:{notice.topic}"
    return to_one_person(programme_id, topic, notice.kind, notice.recipient, notice.to_payload(), now)

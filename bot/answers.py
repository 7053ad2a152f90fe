"""Who has answered an intro, and the intro itself: what an adapter needs to redraw a clicked message.

Slack updates the group DM so both people see each other's answers; Teams redraws the
card that was clicked. Both read the answers from here, as recorded, never from the copy
of the message that was clicked.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.context import Context, Sender
from bot.messages import Intro, PersonCard
from bot.model import OutcomeKind
from bot.people import find_sender


@dataclass(frozen=True)
class Answer:
    participant_id: int
    name: str
    kind: OutcomeKind

    def line(self) -> str:
        """ "Dr Amara Okafor: We met"."""
        return f"{self.name}: {self.kind.label}"


@dataclass(frozen=True)
class AnsweredIntro:
    """The intro (or follow-up) one person was sent for a pair, with the answers so far."""

    intro: Intro
    recipient: PersonCard
    answers: list[Answer]


def recorded_answers(ctx: Context, pair_id: int) -> list[Answer]:
    """One answer per person who has answered, clinician first."""
    with ctx.uow() as uow:
        pair = uow.pairs.get(pair_id)
        if pair is None:
            return []
        answered = {o.participant_id: o for o in uow.outcomes.for_pairs([pair_id])}
        people = uow.participants.get_many(pair.member_ids())
    return [
        Answer(pid, people[pid].display_name, answered[pid].kind)
        for pid in pair.member_ids()
        if pid in answered and pid in people
    ]


def answered_intro(ctx: Context, sender: Sender, pair_id: int, kind: str) -> AnsweredIntro | None:
    """Found in the outbox, which holds exactly what was sent and forgets it when the person
    asks to be forgotten, so nothing more needs keeping to redraw a clicked message."""
    with ctx.uow() as uow:
        person = find_sender(uow, ctx, sender)
        if person is None:
            return None
        sent = [
            Intro.from_payload(message.payload)
            for message in uow.outbox.mentioning(person.saved_id)
            if message.platform == sender.platform
            and message.payload.get("kind") == kind
            and message.payload.get("pair_id") == pair_id
        ]
    mine = next((intro for intro in sent if intro.recipients[0].participant_id == person.saved_id), None)
    if mine is None:
        return None
    return AnsweredIntro(mine, mine.recipients[0], recorded_answers(ctx, pair_id))

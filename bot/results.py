"""What a command did, as typed values: adapters decide what to show from these, never from text.

A `Reply` carries at most one of these beside its words. Adapters act on them (redraw the
clicked intro, drop what they hold about someone who was forgotten, remember a channel)
without parsing the command that was typed or clicked.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.model import OutcomeKind, Reason, Role


@dataclass(frozen=True)
class Joined:
    participant_id: int
    role: Role
    site: str
    rejoined: bool


@dataclass(frozen=True)
class OutcomeRecorded:
    """One person's answer to one intro: which pair it belongs to and what they said."""

    pair_id: int
    participant_id: int
    kind: OutcomeKind
    reason: Reason | None


@dataclass(frozen=True)
class Forgotten:
    """The person confirmed `forget-me`. `erased` is False when Corridor held no record of them;
    either way the adapter should drop whatever it keeps about them."""

    platform: str
    user_id: str
    erased: bool


@dataclass(frozen=True)
class DigestChannelSet:
    platform: str
    channel_id: str


@dataclass(frozen=True)
class PulseRecorded:
    """One tap on a pulse question (answer None: skipped). The question's message has done its
    job, so an adapter replaces it with the reply rather than adding one."""

    participant_id: int
    wave: str
    question: str
    answer: str | None


@dataclass(frozen=True)
class ShadowingRecorded:
    """One tap on a shadowing offer ("offer") or on the month-later check ("happened")."""

    pair_id: int
    participant_id: int
    question: str
    answer: str


Result = Joined | OutcomeRecorded | Forgotten | DigestChannelSet | PulseRecorded | ShadowingRecorded
# Results of a one-tap question: the clicked message is replaced by the reply, buttons and all.
ONE_TAP = (PulseRecorded, ShadowingRecorded)

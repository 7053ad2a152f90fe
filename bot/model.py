"""The hospital's world as plain dataclasses: programmes, sites, places, people, rounds, pairs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    CLINICIAN = "clinician"
    MANAGER = "manager"


class PlaceKind(StrEnum):
    KITCHEN = "kitchen"
    CORRIDOR = "corridor"
    CANTEEN = "canteen"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "kitchen": "staff kitchen",
            "corridor": "corridor coffee point",
            "canteen": "canteen",
            "other": "meeting spot",
        }[self.value]


class OutcomeKind(StrEnum):
    MET = "met"
    NOT_YET = "not_yet"
    COULD_NOT_MEET = "could_not_meet"

    @property
    def label(self) -> str:
        return {
            "met": "We met",
            "not_yet": "Not yet",
            "could_not_meet": "Can't make it this time",
        }[self.value]


class Reason(StrEnum):
    CLINICAL_PRESSURE = "clinical_pressure"
    SHIFT_CLASH = "shift_clash"
    NO_REPLY = "no_reply"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Status(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    LEFT = "left"


MAX_CAPACITY = 3
# Paused with no end date: until the person taps Resume (Corridor paused them for silence).
UNTIL_RESUMED = date(9999, 12, 31)
ERASED_NAME = "(erased)"


class Stored:
    """Something storage numbers when it first writes it; until then its ``id`` is None."""

    id: int | None

    @property
    def saved_id(self) -> int:
        """The id of a record read back from storage, where None could only be a bug."""
        if self.id is None:
            raise LookupError(f"this {type(self).__name__} has not been saved yet")
        return self.id


@dataclass
class Programme(Stored):
    name: str
    repeat_window: int = 12
    id: int | None = None


@dataclass
class Site(Stored):
    programme_id: int
    name: str
    id: int | None = None
    # A retired site is gone from the join picker; its name stays for history and counts.
    retired_at: datetime | None = None

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


@dataclass
class Place(Stored):
    site_id: int
    name: str
    kind: PlaceKind = PlaceKind.OTHER
    directions: str = ""
    id: int | None = None
    # Opening hours as "07:00-19:00" (bot.shifts.parse_opening); None: open whenever the site is.
    hours: str | None = None
    # A retired place is no longer suggested; pairs sent there keep its name.
    retired_at: datetime | None = None

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


@dataclass
class Participant(Stored):
    programme_id: int
    platform: str
    user_id: str
    display_name: str
    role: Role
    site_id: int
    workspace_id: str = ""
    email: str | None = None
    department: str | None = None
    capacity: int = 1
    paused_until: date | None = None
    joined_at: datetime | None = None
    left_at: datetime | None = None
    erased: bool = False
    id: int | None = None
    # Teams' user principal name, for chat and meeting links to this person.
    upn: str | None = None
    # When they last showed they are here (joined, resumed): silence is counted only after it.
    active_since: datetime | None = None
    # Their usual working pattern (bot.shifts.Pattern value; None: not said) and days off
    # ("mon tue"), kept until they change them; personal data, cleared on erasure.
    shift_pattern: str | None = None
    days_off: str = ""
    # Paired at most once in this many weeks (1, 2 or 4), when they ask for less often.
    every_weeks: int = 1

    def status_on(self, day: date) -> Status:
        if self.left_at is not None:
            return Status.LEFT
        if self.paused_until is not None and self.paused_until > day:
            return Status.PAUSED
        return Status.ACTIVE

    def is_available_on(self, day: date) -> bool:
        return self.status_on(day) is Status.ACTIVE


@dataclass
class Round(Stored):
    programme_id: int
    week: str
    seed: int
    held_on: date
    created_at: datetime
    id: int | None = None


@dataclass
class Pair(Stored):
    round_id: int
    clinician_id: int
    manager_id: int
    place_id: int | None
    place_text: str
    starter: str
    created_at: datetime
    followup_sent_at: datetime | None = None
    id: int | None = None
    # A time one of them proposed (and who), and when the other agreed to it.
    meeting_at: datetime | None = None
    meeting_proposed_by: int | None = None
    meeting_agreed_at: datetime | None = None

    def member_ids(self) -> tuple[int, int]:
        return (self.clinician_id, self.manager_id)

    def partner_of(self, participant_id: int) -> int:
        return self.manager_id if participant_id == self.clinician_id else self.clinician_id


@dataclass
class SitOut:
    round_id: int
    participant_id: int


@dataclass
class Outcome:
    pair_id: int
    participant_id: int
    kind: OutcomeKind
    recorded_at: datetime
    reason: Reason | None = None


@dataclass
class Exclusion:
    programme_id: int
    clinician_id: int
    manager_id: int


@dataclass
class DigestRecord:
    programme_id: int
    month: str
    created_at: datetime


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass
class OutboxMessage(Stored):
    """A message waiting to leave, written in the same transaction as what caused it.

    ``key`` is unique: (round or month, kind, recipient), so re-running a job never sends twice.
    ``mentions`` lists the participants whose details the payload carries, so erasure can find them.
    """

    programme_id: int
    key: str
    kind: str
    platform: str
    payload: dict[str, Any]
    created_at: datetime
    next_attempt_at: datetime
    mentions: list[int] = field(default_factory=list)
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    last_error: str | None = None
    claimed_until: datetime | None = None
    claimed_by: str | None = None
    sent_at: datetime | None = None
    # Where the platform keeps the posted copy (bot.ports.Delivered.ref), for rewriting it later.
    delivered_ref: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Organiser:
    """Who is signed in to the dashboard, as their chat platform knows them."""

    platform: str
    user_id: str
    display_name: str


@dataclass
class SignInToken:
    """A one-time dashboard link; only the sha256 of its secret is ever stored."""

    token_hash: str
    organiser: Organiser
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


@dataclass
class OrganiserSession:
    """A signed-in dashboard visit; only the sha256 of the cookie's secret is ever stored."""

    session_hash: str
    organiser: Organiser
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None = None


@dataclass
class AuditEntry:
    """One change an organiser made, written in the same transaction as the change."""

    programme_id: int
    at: datetime
    organiser: Organiser
    action: str
    detail: str
    id: int | None = None


@dataclass
class PulseAnswer:
    """One pulse question put to one person in one wave ("baseline" or a quarter like "2026-Q4").

    Written when the question is asked; ``answer`` stays None until they tap, and is "skip" when
    they chose not to say. Kept per person so a later wave can be set beside their baseline;
    erased with them."""

    participant_id: int
    wave: str
    question: str
    asked_at: datetime
    answer: str | None = None
    answered_at: datetime | None = None


@dataclass
class ShadowingOffer:
    """A pair who both said "We met", asked whether each would shadow the other for an hour.

    ``site_id`` is the pair's site when the offer was made, so counts by site survive a move or
    an erasure. ``agreed_at`` is set when both said yes; ``check_sent_at`` when Corridor asked,
    a month later, whether it happened."""

    pair_id: int
    site_id: int | None
    offered_at: datetime
    agreed_at: datetime | None = None
    check_sent_at: datetime | None = None


@dataclass
class ShadowingAnswer:
    """One person's answer about a shadowing offer: ``question`` is "offer" or "happened"."""

    pair_id: int
    participant_id: int
    question: str
    answer: str
    answered_at: datetime


@dataclass
class RoundsTally:
    """What some rounds came to, added up where the rows are (the digest reads a year of these).

    ``by_site`` counts pairs and pairs with a "We met" under the site of the place they were sent
    to, or the clinician's site where there was none; ``reasons`` only of pairs that did not meet."""

    by_site: dict[int | None, tuple[int, int]] = field(default_factory=dict)
    answered: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    places: dict[int, int] = field(default_factory=dict)
    sit_outs_by_role: dict[str, int] = field(default_factory=dict)

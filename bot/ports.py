"""What the core needs from the outside world, declared as small protocols.

Storage implements the unit of work and repositories, each platform adapter a Notifier,
and the composition root supplies a Clock and a SeedSource. Tests use hand-written fakes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from bot.chart import ChartFigures
from bot.model import (
    AuditEntry,
    DigestRecord,
    Exclusion,
    Organiser,
    OrganiserSession,
    OutboxMessage,
    Outcome,
    Pair,
    Participant,
    Place,
    Programme,
    PulseAnswer,
    Role,
    Round,
    RoundsTally,
    ShadowingAnswer,
    ShadowingOffer,
    SignInToken,
    Site,
    SitOut,
    Status,
)

if TYPE_CHECKING:  # bot.report needs the Context, which needs these ports
    from bot.report import BoardReport


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""


class SeedSource(Protocol):
    def new_seed(self) -> int: ...


class Pseudonymiser(Protocol):
    """Keyed hashing for the erasure register (bot.pseudonyms): the key never enters the database."""

    def digest(self, kind: str, value: str) -> str:
        """A hex digest of an already-normalised value; the same kind and value always give the same."""


class ProgrammeRepository(Protocol):
    def get(self, programme_id: int) -> Programme | None: ...
    def by_name(self, name: str) -> Programme | None: ...
    def add(self, programme: Programme) -> Programme: ...
    def list(self) -> list[Programme]: ...


class SiteRepository(Protocol):
    def list(self, programme_id: int) -> list[Site]: ...
    def by_name(self, programme_id: int, name: str) -> Site | None:
        """Case-insensitive match on the site's name."""

    def add(self, site: Site) -> Site: ...
    def add_many(self, new_sites: Sequence[Site]) -> None:
        """Bulk form of add for names known to be new (an import checks first); sets each id."""

    def get(self, site_id: int) -> Site | None: ...
    def save(self, site: Site) -> None: ...


class PlaceRepository(Protocol):
    def list(self, programme_id: int) -> list[Place]: ...
    def add(self, place: Place) -> Place: ...
    def add_many(self, new_places: Sequence[Place]) -> None:
        """Bulk form of add; sets each id."""

    def get(self, place_id: int) -> Place | None: ...
    def save(self, place: Place) -> None: ...


# One page of a search and how many matched in all (a module-level name: inside the
# repository, `list` is its own method).
PeoplePage = tuple[list[Participant], int]


class ParticipantRepository(Protocol):
    def get(self, participant_id: int) -> Participant | None: ...
    def find(self, programme_id: int, platform: str, user_id: str) -> Participant | None: ...
    def list(self, programme_id: int) -> list[Participant]: ...
    def add(self, participant: Participant) -> Participant: ...
    def add_many(self, people: Sequence[Participant]) -> None:
        """Bulk form of add for people known not to be enrolled (an import checks first); sets each id."""

    def save(self, participant: Participant) -> None: ...
    def get_many(self, ids: Iterable[int]) -> dict[int, Participant]: ...
    def search(self, programme_id: int, words: str, limit: int, offset: int = 0) -> PeoplePage:
        """People not erased whose name or email contains `words` (already case-folded; empty
        matches everyone), ordered by name then id: one page of them, and how many match."""

    def comings_and_goings(self, programme_id: int) -> Sequence[tuple[str, datetime | None, datetime | None]]:
        """(role, joined at, left at) of everyone ever enrolled: all a month's head count needs."""


class ExclusionRepository(Protocol):
    def list(self, programme_id: int) -> list[Exclusion]: ...
    def add(self, exclusion: Exclusion) -> None: ...
    def remove(self, exclusion: Exclusion) -> bool:
        """False when no such rule stood (someone removed it a moment ago)."""


class RoundRepository(Protocol):
    def get(self, programme_id: int, week: str) -> Round | None: ...
    def add(self, round_: Round) -> Round:
        """Raises bot.errors.Conflict when the programme already has a round that week."""

    def recent(self, programme_id: int, limit: int, before_week: str | None = None) -> list[Round]:
        """Newest first; with before_week, only rounds of earlier weeks."""

    def by_ids(self, round_ids: Iterable[int]) -> list[Round]: ...

    def held_between(self, programme_id: int, start: date, end: date) -> list[Round]:
        """Rounds with start <= held_on < end."""


class PairRepository(Protocol):
    def add_many(self, pairs: Sequence[Pair]) -> list[Pair]: ...
    def get(self, pair_id: int) -> Pair | None: ...
    def for_rounds(self, round_ids: Sequence[int]) -> list[Pair]: ...
    def meetings(self, round_ids: Sequence[int]) -> list[tuple[int, int, int]]:
        """(clinician_id, manager_id, round_id) of each pair: history without whole rows."""

    def for_participant(self, participant_id: int, limit: int) -> list[Pair]:
        """Newest first."""

    def tally(self, round_ids: Sequence[int]) -> RoundsTally:
        """The rounds' pairs, meetings, answers, reasons, places and sit-outs, as counts."""

    def awaiting_followup(self, round_ids: Sequence[int], intro_before: datetime) -> list[Pair]:
        """Pairs made before the cutoff, not yet followed up, with no outcome from anyone."""

    def save(self, pair: Pair) -> None: ...


@dataclass(frozen=True)
class PeopleCount:
    site_id: int
    role: Role
    status: Status
    count: int


@dataclass
class MonthPeople:
    """A month's people as bot/figures.py counts them (erased people included: they took part)."""

    taking_part: Counter[Role] = field(default_factory=Counter)  # joined before its end, not left by it
    joiners: Counter[Role] = field(default_factory=Counter)
    leavers: Counter[Role] = field(default_factory=Counter)


@dataclass
class RoundsActivity:
    """Counts over the pairs, answers and sit-outs of some rounds."""

    pairs: int = 0
    confirmed: int = 0  # pairs where someone said they met
    answered: int = 0  # answers, one per person per pair
    sit_outs_by_role: Counter[Role] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)  # reason values, pairs not confirmed
    # (site id of the place, else of the clinician now; None when neither) -> [pairs, confirmed]
    by_site: dict[int | None, list[int]] = field(default_factory=dict)
    by_place: Counter[int] = field(default_factory=Counter)


@dataclass(frozen=True)
class RoundCounts:
    pairs: int = 0
    sit_outs: int = 0
    confirmed: int = 0


class FigureRepository(Protocol):
    """Counting done by the database: the dashboard's pages count thousands of rows per view."""

    def people(self, programme_id: int, on: date) -> list[PeopleCount]:
        """Everyone not erased, counted by site, role and status on that day (groups of none left out)."""

    def first_joined(self, programme_id: int) -> datetime | None: ...
    def month_people(self, programme_id: int, months: Sequence[tuple[date, date]]) -> list[MonthPeople]:
        """For each (first day, day after the last) of some months, in one reading of everyone."""

    def activity(self, round_ids: Sequence[int]) -> RoundsActivity: ...
    def per_round(self, round_ids: Sequence[int]) -> dict[int, RoundCounts]: ...


class SitOutRepository(Protocol):
    def add_many(self, sit_outs: Sequence[SitOut]) -> None: ...
    def for_rounds(self, round_ids: Sequence[int]) -> list[SitOut]: ...


class OutcomeRepository(Protocol):
    def get(self, pair_id: int, participant_id: int) -> Outcome | None: ...
    def save(self, outcome: Outcome) -> None:
        """Insert or replace the one outcome a person has for a pair."""

    def for_pairs(self, pair_ids: Sequence[int]) -> list[Outcome]: ...


class OutboxRepository(Protocol):
    def add_if_absent(self, message: OutboxMessage) -> bool:
        """False (and nothing written) when a message with the same key exists."""

    def claim(self, now: datetime, lease_until: datetime, limit: int, owner: str) -> list[OutboxMessage]:
        """Take up to `limit` due pending messages nobody holds, leasing them to `owner` until
        lease_until.

        On PostgreSQL this uses FOR UPDATE SKIP LOCKED so that workers never share a row.
        """

    def release_held_by(self, owner: str) -> int:
        """End every lease `owner` holds, however long it had to run; returns how many.

        For a worker starting up under its predecessor's identity: that process is gone, so
        its messages are due again now rather than when their leases run out.
        """

    def add_many_if_absent(self, messages: Sequence[OutboxMessage]) -> int:
        """Bulk form of add_if_absent (INSERT .. ON CONFLICT DO NOTHING); returns how many were new."""

    def mark_sent(self, message_id: int, at: datetime, ref: str | None = None) -> None:
        """`ref` is the platform's reference to the posted copy (Delivered.ref), kept for redaction."""

    def mark_retry(self, message_id: int, attempts: int, next_at: datetime, error: str) -> None: ...
    def mark_failed(self, message_id: int, attempts: int, error: str) -> None: ...
    def counts(self, programme_id: int) -> dict[str, int]: ...
    def failed(self, programme_id: int, limit: int = 20) -> list[OutboxMessage]: ...
    def failed_count(self, programme_id: int, kind: str) -> int:
        """How many messages of this kind were given up (e.g. redactions the platform refused)."""

    def mentioning(self, participant_id: int) -> list[OutboxMessage]: ...
    def erase(self, message_id: int) -> None:
        """Delete a message outright (used when the person it concerns asks to be forgotten)."""

    def purge_sent_before(self, cutoff: datetime) -> int: ...


class DigestRepository(Protocol):
    def get(self, programme_id: int, month: str) -> DigestRecord | None: ...
    def add(self, record: DigestRecord) -> DigestRecord:
        """Raises bot.errors.Conflict when that month's digest exists."""


class SettingRepository(Protocol):
    """Small per-programme values an organiser sets at run time (e.g. the digest channel)."""

    def get(self, programme_id: int, key: str) -> str | None: ...
    def put(self, programme_id: int, key: str, value: str) -> None: ...


class PlatformStateRepository(Protocol):
    """Small JSON documents adapters keep (a Teams conversation reference, a Slack group DM id).

    ``participant_id`` ties a document to a person so erasure removes it with them.
    """

    def get(self, platform: str, key: str) -> dict[str, Any] | None: ...
    def put(
        self, platform: str, key: str, value: dict[str, Any], participant_id: int | None = None
    ) -> None: ...
    def delete_for(self, participant_id: int) -> None: ...
    def delete(self, platform: str, key: str) -> None: ...


class ErasureRegisterRepository(Protocol):
    """Digests of the ids and emails of erased people, grouped in one entry per erasure."""

    def add(self, entry: str, digests: Iterable[str]) -> None:
        """Adds digests not yet on the register to `entry`; ones already there keep their entry."""

    def registered(self, digests: Iterable[str]) -> set[str]:
        """Which of these digests are on the register."""

    def remove_entries(self, digests: Iterable[str]) -> int:
        """Takes off the register every entry any of these digests belongs to; returns how many."""


class SeenRequestRepository(Protocol):
    """Signed platform requests already taken, kept while a replay could still pass the check."""

    def first_time(self, key: str, signed_at: datetime) -> bool:
        """Records the key; False (and nothing written) when it was recorded before."""

    def purge_before(self, cutoff: datetime) -> int: ...


class PulseRepository(Protocol):
    """Pulse questions asked and answered, one row per person, wave and question."""

    def add(self, asked: PulseAnswer) -> bool:
        """False (and nothing written) when that question of that wave was already put to them."""

    def get(self, participant_id: int, wave: str, question: str) -> PulseAnswer | None: ...
    def save(self, answer: PulseAnswer) -> None: ...
    def for_programme(self, programme_id: int) -> list[PulseAnswer]: ...
    def for_participant(self, participant_id: int) -> list[PulseAnswer]: ...
    def tally(self, programme_id: int, ends: Sequence[datetime]) -> list[tuple[str, str, str, str, int, int]]:
        """(wave, question, answer, role, period, how many) of answers, skips left out: period i is
        answers given before ends[i] and not before ends[i - 1] (ends ascending)."""

    def erase_for(self, participant_id: int) -> int: ...


class ShadowingRepository(Protocol):
    def add_offer(self, offer: ShadowingOffer) -> bool:
        """False (and nothing written) when the pair already had an offer."""

    def offer(self, pair_id: int) -> ShadowingOffer | None: ...
    def save_offer(self, offer: ShadowingOffer) -> None: ...
    def answers(self, pair_id: int) -> list[ShadowingAnswer]: ...
    def save_answer(self, answer: ShadowingAnswer) -> None:
        """Insert or replace the one answer a person has to one question about a pair."""

    def due_checks(self, programme_id: int, agreed_before: datetime) -> list[ShadowingOffer]:
        """Agreed before the moment and not yet asked whether it happened."""

    def tally(
        self, programme_id: int, start: datetime, end: datetime
    ) -> list[tuple[str, int | None, str, int]]:
        """(measure, site id, role, how many) of what happened in [start, end): "offered" and
        "agreed" pairs by offer and agreement time, "yes" people (by role) who accepted an offer,
        "done" pairs of which someone said it happened. Role is "" where it does not apply."""

    def erase_for(self, participant_id: int) -> int: ...


class UnitOfWork(Protocol):
    # Read-only properties, not plain attributes: an attribute in a protocol is invariant, so
    # storage's SqlProgrammeRepository (or a test's fake) could never stand in for the port.
    @property
    def programmes(self) -> ProgrammeRepository: ...
    @property
    def sites(self) -> SiteRepository: ...
    @property
    def places(self) -> PlaceRepository: ...
    @property
    def participants(self) -> ParticipantRepository: ...
    @property
    def exclusions(self) -> ExclusionRepository: ...
    @property
    def rounds(self) -> RoundRepository: ...
    @property
    def pairs(self) -> PairRepository: ...
    @property
    def sit_outs(self) -> SitOutRepository: ...
    @property
    def outcomes(self) -> OutcomeRepository: ...
    @property
    def outbox(self) -> OutboxRepository: ...
    @property
    def digests(self) -> DigestRepository: ...
    @property
    def settings(self) -> SettingRepository: ...
    @property
    def platform_state(self) -> PlatformStateRepository: ...
    @property
    def sign_ins(self) -> SignInTokenRepository: ...
    @property
    def organiser_sessions(self) -> OrganiserSessionRepository: ...
    @property
    def audit(self) -> AuditRepository: ...
    @property
    def erasure_register(self) -> ErasureRegisterRepository: ...
    @property
    def seen_requests(self) -> SeenRequestRepository: ...
    @property
    def figures(self) -> FigureRepository: ...
    @property
    def pulse(self) -> PulseRepository: ...
    @property
    def shadowing(self) -> ShadowingRepository: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc: object) -> None:
        """Rolls back anything not committed."""

    def commit(self) -> None:
        """Raises bot.errors.Conflict if a uniqueness rule was broken; nothing is written then."""

    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        """A fresh unit of work. A read_only one only reads and never commits (commit raises):
        on SQLite it begins a plain deferred transaction instead of taking the write lock up
        front, so pages that only look run beside the writer (WAL) rather than queueing for it."""


@dataclass(frozen=True)
class Delivered:
    """A notifier's receipt; ``ref`` lets a platform find the message again (e.g. to update it)."""

    ref: str | None = None


class RetryLater(Exception):
    """The platform asked us to come back later (rate limit, server error, timeout)."""

    def __init__(self, error: str, retry_after: float | None = None, *, rate_limited: bool = False):
        super().__init__(error)
        self.error = error
        self.retry_after = retry_after
        # A rate limit is the platform pacing us, not the message failing: it costs no attempt.
        self.rate_limited = rate_limited


class PermanentFailure(Exception):
    """The platform refused the message in a way retrying will not fix (e.g. user_not_found)."""

    def __init__(self, error: str):
        super().__init__(error)
        self.error = error


class Notifier(Protocol):
    """Sends one outbox message on one platform. Raises RetryLater or PermanentFailure."""

    platform: str

    async def send(self, message: OutboxMessage) -> Delivered: ...


class ChartRenderer(Protocol):
    """Draws figures the core has computed (and already suppressed) as an image."""

    def render(self, figures: ChartFigures) -> bytes: ...


class ReportRenderer(Protocol):
    """Draws a quarterly board report the core has computed (and already suppressed) as a PDF."""

    def render(self, report: BoardReport) -> bytes: ...


class SignInTokenRepository(Protocol):
    def add(self, token: SignInToken) -> None: ...
    def get(self, token_hash: str) -> SignInToken | None: ...
    def use(self, token_hash: str, at: datetime) -> bool:
        """Marks the token used; False when it already was (so two clicks never both sign in)."""

    def forget(self, platform: str, user_id: str) -> int:
        """Deletes every link issued to this organiser (ids compared without case); returns how many."""


class OrganiserSessionRepository(Protocol):
    def add(self, session: OrganiserSession) -> None: ...
    def get(self, session_hash: str) -> OrganiserSession | None: ...
    def end(self, session_hash: str, at: datetime) -> None: ...
    def forget(self, platform: str, user_id: str) -> int:
        """Deletes this organiser's sessions, signing them out everywhere; returns how many."""


class AuditRepository(Protocol):
    def add(self, entry: AuditEntry) -> None: ...
    def add_many(self, entries: Sequence[AuditEntry]) -> None:
        """One statement for a file's thousands of changes (ids are not handed back)."""
        ...

    def recent(self, programme_id: int, limit: int) -> list[AuditEntry]:
        """Newest first."""

    def redact(self, programme_id: int, words: str, replacement: str) -> int:
        """Replace `words` wherever an entry's detail names them as a whole (an erased person's
        name: "Sam" inside "Samira" stays); returns how many entries changed."""

    def forget_organiser(self, platform: str, user_id: str, replacement: Organiser) -> int:
        """Entries this organiser made now say `replacement` made them; returns how many."""

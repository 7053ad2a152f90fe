"""Hand-written fakes of the core's ports: an in-memory unit of work, a clock you move, seeds.

The fake unit of work keeps committed state in a shared `Store` and works on a deep copy,
so a use case that forgets to commit, or fails half-way, leaves nothing behind, as a
real transaction would.
"""

from __future__ import annotations

import copy
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from bot.errors import Conflict
from bot.model import (
    AuditEntry,
    DigestRecord,
    Exclusion,
    OrganiserSession,
    OutboxMessage,
    OutboxStatus,
    Outcome,
    OutcomeKind,
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
)
from bot.ports import MonthPeople, PeopleCount, RoundCounts, RoundsActivity
from bot.redaction import whole_name


class FakeClock:
    def __init__(self, start: datetime):
        self.current = start if start.tzinfo else start.replace(tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        self.current = moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class FixedSeeds:
    def __init__(self, start: int = 1):
        self._next = itertools.count(start)

    def new_seed(self) -> int:
        return next(self._next)


@dataclass
class Store:
    programmes: dict[int, Programme] = field(default_factory=dict)
    sites: dict[int, Site] = field(default_factory=dict)
    places: dict[int, Place] = field(default_factory=dict)
    participants: dict[int, Participant] = field(default_factory=dict)
    exclusions: list[Exclusion] = field(default_factory=list)
    rounds: dict[int, Round] = field(default_factory=dict)
    pairs: dict[int, Pair] = field(default_factory=dict)
    sit_outs: list[SitOut] = field(default_factory=list)
    outcomes: dict[tuple[int, int], Outcome] = field(default_factory=dict)
    outbox: dict[int, OutboxMessage] = field(default_factory=dict)
    digests: dict[tuple[int, str], DigestRecord] = field(default_factory=dict)
    settings: dict[tuple[int, str], str] = field(default_factory=dict)
    platform_state: dict[tuple[str, str], tuple[dict, int | None]] = field(default_factory=dict)
    sign_ins: dict[str, SignInToken] = field(default_factory=dict)
    organiser_sessions: dict[str, OrganiserSession] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    erasure_register: dict[str, str] = field(default_factory=dict)  # digest -> entry
    seen_requests: dict[str, datetime] = field(default_factory=dict)
    pulse: dict[tuple[int, str, str], PulseAnswer] = field(default_factory=dict)
    shadowing_offers: dict[int, ShadowingOffer] = field(default_factory=dict)
    shadowing_answers: dict[tuple[int, int, str], ShadowingAnswer] = field(default_factory=dict)
    next_id: int = 1

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id


class _Repo:
    def __init__(self, store: Store):
        self.s = store


class FakeProgrammes(_Repo):
    def get(self, programme_id):
        return self.s.programmes.get(programme_id)

    def by_name(self, name):
        return next((p for p in self.s.programmes.values() if p.name == name), None)

    def add(self, programme):
        programme.id = self.s.new_id()
        self.s.programmes[programme.id] = programme
        return programme

    def list(self):
        return list(self.s.programmes.values())


class FakeSites(_Repo):
    def list(self, programme_id):
        return sorted(
            (s for s in self.s.sites.values() if s.programme_id == programme_id), key=lambda s: s.id
        )

    def by_name(self, programme_id, name):
        wanted = name.strip().casefold()
        return next((s for s in self.list(programme_id) if s.name.casefold() == wanted), None)

    def add(self, site):
        if self.by_name(site.programme_id, site.name):
            raise Conflict(f"site {site.name} exists")
        site.id = self.s.new_id()
        self.s.sites[site.id] = site
        return site

    def add_many(self, new_sites):
        for site in new_sites:
            self.add(site)

    def get(self, site_id):
        return self.s.sites.get(site_id)

    def save(self, site):
        other = self.by_name(site.programme_id, site.name)
        if other is not None and other.id != site.id:
            raise Conflict(f"site {site.name} exists")
        self.s.sites[site.id] = site


class FakePlaces(_Repo):
    def list(self, programme_id):
        sites = {s.id for s in self.s.sites.values() if s.programme_id == programme_id}
        return sorted((p for p in self.s.places.values() if p.site_id in sites), key=lambda p: p.id)

    def add(self, place):
        place.id = self.s.new_id()
        self.s.places[place.id] = place
        return place

    def add_many(self, new_places):
        for place in new_places:
            self.add(place)

    def get(self, place_id):
        return self.s.places.get(place_id)

    def save(self, place):
        self.s.places[place.id] = place


class FakeParticipants(_Repo):
    def get(self, participant_id):
        return self.s.participants.get(participant_id)

    def find(self, programme_id, platform, user_id):
        return next(
            (
                p
                for p in self.s.participants.values()
                if (p.programme_id, p.platform, p.user_id) == (programme_id, platform, user_id)
            ),
            None,
        )

    def list(self, programme_id):
        return sorted(
            (p for p in self.s.participants.values() if p.programme_id == programme_id), key=lambda p: p.id
        )

    def add(self, participant):
        if self.find(participant.programme_id, participant.platform, participant.user_id):
            raise Conflict("participant exists")
        participant.id = self.s.new_id()
        self.s.participants[participant.id] = participant
        return participant

    def add_many(self, people):
        for participant in people:
            self.add(participant)

    def save(self, participant):
        self.s.participants[participant.id] = participant

    def comings_and_goings(self, programme_id):
        return [(p.role.value, p.joined_at, p.left_at) for p in self.list(programme_id)]

    def get_many(self, ids: Iterable[int]):
        return {i: self.s.participants[i] for i in ids if i in self.s.participants}

    def search(self, programme_id, words, limit, offset=0):
        found = [
            p
            for p in self.list(programme_id)
            if not p.erased and (words in p.display_name.casefold() or words in (p.email or "").casefold())
        ]
        found.sort(key=lambda p: (p.display_name.casefold(), p.id))
        return found[offset : offset + limit], len(found)


class FakeExclusions(_Repo):
    def list(self, programme_id):
        return [e for e in self.s.exclusions if e.programme_id == programme_id]

    def add(self, exclusion):
        if exclusion not in self.s.exclusions:
            self.s.exclusions.append(exclusion)

    def remove(self, exclusion):
        if exclusion not in self.s.exclusions:
            return False
        self.s.exclusions.remove(exclusion)
        return True


class FakeRounds(_Repo):
    def get(self, programme_id, week):
        return next(
            (r for r in self.s.rounds.values() if (r.programme_id, r.week) == (programme_id, week)), None
        )

    def add(self, round_):
        if self.get(round_.programme_id, round_.week):
            raise Conflict(f"round {round_.week} exists")
        round_.id = self.s.new_id()
        self.s.rounds[round_.id] = round_
        return round_

    def recent(self, programme_id, limit, before_week=None):
        rounds = [
            r
            for r in self.s.rounds.values()
            if r.programme_id == programme_id and (before_week is None or r.week < before_week)
        ]
        return sorted(rounds, key=lambda r: r.week, reverse=True)[:limit]

    def by_ids(self, round_ids):
        return [self.s.rounds[i] for i in round_ids if i in self.s.rounds]

    def held_between(self, programme_id, start: date, end: date):
        return sorted(
            (
                r
                for r in self.s.rounds.values()
                if r.programme_id == programme_id and start <= r.held_on < end
            ),
            key=lambda r: r.week,
        )


class FakePairs(_Repo):
    def add_many(self, pairs: Sequence[Pair]):
        for pair in pairs:
            pair.id = self.s.new_id()
            self.s.pairs[pair.id] = pair
        return list(pairs)

    def get(self, pair_id):
        return self.s.pairs.get(pair_id)

    def for_rounds(self, round_ids):
        wanted = set(round_ids)
        return [p for p in self.s.pairs.values() if p.round_id in wanted]

    def meetings(self, round_ids):
        return [(p.clinician_id, p.manager_id, p.round_id) for p in self.for_rounds(round_ids)]

    def for_participant(self, participant_id, limit):
        weeks = {r.id: r.week for r in self.s.rounds.values()}
        mine = [p for p in self.s.pairs.values() if participant_id in p.member_ids()]
        return sorted(mine, key=lambda p: (weeks[p.round_id], p.id), reverse=True)[:limit]

    def tally(self, round_ids):
        found = RoundsTally()
        chosen = [p for p in self.s.pairs.values() if p.round_id in set(round_ids)]
        said = [o for o in self.s.outcomes.values() if o.pair_id in {p.id for p in chosen}]
        met = {o.pair_id for o in said if o.kind is OutcomeKind.MET}
        for pair in chosen:
            place = self.s.places.get(pair.place_id) if pair.place_id is not None else None
            site = place.site_id if place is not None else self.s.participants[pair.clinician_id].site_id
            pairs_there, confirmed = found.by_site.get(site, (0, 0))
            found.by_site[site] = (pairs_there + 1, confirmed + (pair.id in met))
            if pair.place_id is not None:
                found.places[pair.place_id] = found.places.get(pair.place_id, 0) + 1
        found.answered = len(said)
        for o in said:
            if o.reason is not None and o.pair_id not in met:
                found.reasons[o.reason.value] = found.reasons.get(o.reason.value, 0) + 1
        for sit_out in self.s.sit_outs:
            if sit_out.round_id in set(round_ids):
                role = self.s.participants[sit_out.participant_id].role.value
                found.sit_outs_by_role[role] = found.sit_outs_by_role.get(role, 0) + 1
        return found

    def awaiting_followup(self, round_ids, intro_before):
        answered = {pair_id for pair_id, _ in self.s.outcomes}
        return [
            p
            for p in self.for_rounds(round_ids)
            if p.created_at <= intro_before and p.followup_sent_at is None and p.id not in answered
        ]

    def save(self, pair):
        self.s.pairs[pair.id] = pair


class FakeSitOuts(_Repo):
    def add_many(self, sit_outs):
        self.s.sit_outs.extend(sit_outs)

    def for_rounds(self, round_ids):
        wanted = set(round_ids)
        return [s for s in self.s.sit_outs if s.round_id in wanted]


class FakeOutcomes(_Repo):
    def get(self, pair_id, participant_id):
        return self.s.outcomes.get((pair_id, participant_id))

    def save(self, outcome):
        self.s.outcomes[(outcome.pair_id, outcome.participant_id)] = outcome

    def for_pairs(self, pair_ids):
        wanted = set(pair_ids)
        return [o for (pair_id, _), o in self.s.outcomes.items() if pair_id in wanted]


class FakeOutbox(_Repo):
    def add_if_absent(self, message):
        if any(m.key == message.key for m in self.s.outbox.values()):
            return False
        message.id = self.s.new_id()
        self.s.outbox[message.id] = message
        return True

    def add_many_if_absent(self, messages):
        return sum(self.add_if_absent(m) for m in messages)

    def claim(self, now, lease_until, limit, owner):
        due = [
            m
            for m in sorted(self.s.outbox.values(), key=lambda m: m.id)
            if m.status is OutboxStatus.PENDING
            and m.next_attempt_at <= now
            and (m.claimed_until is None or m.claimed_until <= now)
        ][:limit]
        for message in due:
            message.claimed_until, message.claimed_by = lease_until, owner
        return [replace(m) for m in due]

    def release_held_by(self, owner):
        held = [m for m in self.s.outbox.values() if m.claimed_by == owner and m.claimed_until]
        for message in held:
            message.claimed_until = message.claimed_by = None
        return len(held)

    def mark_sent(self, message_id, at, ref=None):
        message = self.s.outbox[message_id]
        message.status, message.sent_at, message.claimed_until = OutboxStatus.SENT, at, None
        message.claimed_by = None
        message.delivered_ref = ref

    def mark_retry(self, message_id, attempts, next_at, error):
        message = self.s.outbox[message_id]
        message.attempts, message.next_attempt_at, message.last_error = attempts, next_at, error
        message.claimed_until = message.claimed_by = None

    def mark_failed(self, message_id, attempts, error):
        message = self.s.outbox[message_id]
        message.status, message.attempts, message.last_error = OutboxStatus.FAILED, attempts, error
        message.claimed_until = message.claimed_by = None

    def counts(self, programme_id):
        counts = {status.value: 0 for status in OutboxStatus}
        for message in self.s.outbox.values():
            if message.programme_id == programme_id:
                counts[message.status.value] += 1
        return counts

    def failed_count(self, programme_id, kind):
        return sum(
            m.programme_id == programme_id and m.kind == kind and m.status is OutboxStatus.FAILED
            for m in self.s.outbox.values()
        )

    def failed(self, programme_id, limit=20):
        return [
            m
            for m in self.s.outbox.values()
            if m.programme_id == programme_id and m.status is OutboxStatus.FAILED
        ][:limit]

    def mentioning(self, participant_id):
        return [m for m in self.s.outbox.values() if participant_id in m.mentions]

    def erase(self, message_id):
        self.s.outbox.pop(message_id, None)

    def purge_sent_before(self, cutoff):
        old = [
            i
            for i, m in self.s.outbox.items()
            if m.status is OutboxStatus.SENT and m.sent_at is not None and m.sent_at < cutoff
        ]
        for i in old:
            del self.s.outbox[i]
        return len(old)


class FakeDigests(_Repo):
    def get(self, programme_id, month):
        return self.s.digests.get((programme_id, month))

    def add(self, record):
        if (record.programme_id, record.month) in self.s.digests:
            raise Conflict(f"digest {record.month} exists")
        self.s.digests[(record.programme_id, record.month)] = record
        return record


class FakeSettings(_Repo):
    def get(self, programme_id, key):
        return self.s.settings.get((programme_id, key))

    def put(self, programme_id, key, value):
        self.s.settings[(programme_id, key)] = value


class FakePlatformState(_Repo):
    def get(self, platform, key):
        found = self.s.platform_state.get((platform, key))
        return copy.deepcopy(found[0]) if found else None

    def put(self, platform, key, value, participant_id=None):
        self.s.platform_state[(platform, key)] = (copy.deepcopy(value), participant_id)

    def delete_for(self, participant_id):
        for key in [k for k, (_, owner) in self.s.platform_state.items() if owner == participant_id]:
            del self.s.platform_state[key]

    def delete(self, platform, key):
        self.s.platform_state.pop((platform, key), None)


class FakeSignIns(_Repo):
    def add(self, token):
        self.s.sign_ins[token.token_hash] = token

    def get(self, token_hash):
        return self.s.sign_ins.get(token_hash)

    def use(self, token_hash, at):
        token = self.s.sign_ins.get(token_hash)
        if token is None or token.used_at is not None:
            return False
        token.used_at = at
        return True

    def forget(self, platform, user_id):
        theirs = [h for h, t in self.s.sign_ins.items() if _same_organiser(t.organiser, platform, user_id)]
        for token_hash in theirs:
            del self.s.sign_ins[token_hash]
        return len(theirs)


class FakeOrganiserSessions(_Repo):
    def add(self, session):
        self.s.organiser_sessions[session.session_hash] = session

    def get(self, session_hash):
        return self.s.organiser_sessions.get(session_hash)

    def end(self, session_hash, at):
        session = self.s.organiser_sessions.get(session_hash)
        if session is not None and session.ended_at is None:
            session.ended_at = at

    def forget(self, platform, user_id):
        sessions = self.s.organiser_sessions
        theirs = [h for h, found in sessions.items() if _same_organiser(found.organiser, platform, user_id)]
        for session_hash in theirs:
            del sessions[session_hash]
        return len(theirs)


def _same_organiser(organiser, platform, user_id):
    return organiser.platform == platform and organiser.user_id.lower() == user_id.lower()


class FakeAudit(_Repo):
    def add(self, entry):
        entry.id = self.s.new_id()
        self.s.audit.append(entry)

    def add_many(self, entries):
        for entry in entries:
            self.add(entry)

    def recent(self, programme_id, limit):
        mine = [e for e in self.s.audit if e.programme_id == programme_id]
        return sorted(mine, key=lambda e: (e.at, e.id), reverse=True)[:limit]

    def redact(self, programme_id, words, replacement):
        pattern = whole_name(words)
        named = [e for e in self.s.audit if e.programme_id == programme_id and pattern.search(e.detail)]
        for entry in named:
            entry.detail = pattern.sub(lambda _: replacement, entry.detail)
        return len(named)

    def forget_organiser(self, platform, user_id, replacement):
        theirs = [e for e in self.s.audit if _same_organiser(e.organiser, platform, user_id)]
        for entry in theirs:
            entry.organiser = replacement
        return len(theirs)


class FakeErasureRegister(_Repo):
    def add(self, entry, digests):
        for found in digests:
            self.s.erasure_register.setdefault(found, entry)

    def registered(self, digests):
        return {found for found in digests if found in self.s.erasure_register}

    def remove_entries(self, digests):
        entries = {self.s.erasure_register[d] for d in digests if d in self.s.erasure_register}
        for found in [d for d, entry in self.s.erasure_register.items() if entry in entries]:
            del self.s.erasure_register[found]
        return len(entries)


class FakeSeenRequests(_Repo):
    def first_time(self, key, signed_at):
        if key in self.s.seen_requests:
            return False
        self.s.seen_requests[key] = signed_at
        return True

    def purge_before(self, cutoff):
        old = [key for key, at in self.s.seen_requests.items() if at < cutoff]
        for key in old:
            del self.s.seen_requests[key]
        return len(old)


class FakeFigures(_Repo):
    """The counts the database makes in storage/repositories/figures.py, made the obvious way."""

    def people(self, programme_id, on):
        counted = Counter(
            (p.site_id, p.role, p.status_on(on))
            for p in self.s.participants.values()
            if p.programme_id == programme_id and not p.erased
        )
        return [PeopleCount(site, role, status, n) for (site, role, status), n in counted.items()]

    def first_joined(self, programme_id):
        joined = [p.joined_at for p in self.s.participants.values() if p.programme_id == programme_id]
        return min((j for j in joined if j is not None), default=None)

    def month_people(self, programme_id, months):
        return [self._month_people(programme_id, start, end) for start, end in months]

    def _month_people(self, programme_id, start, end):
        figures = MonthPeople()
        for p in self.s.participants.values():
            if p.programme_id != programme_id:
                continue
            joined = p.joined_at.date() if p.joined_at else None
            left = p.left_at.date() if p.left_at else None
            if joined is not None and joined < end and (left is None or left >= end):
                figures.taking_part[p.role] += 1
            if joined is not None and start <= joined < end:
                figures.joiners[p.role] += 1
            if left is not None and start <= left < end:
                figures.leavers[p.role] += 1
        return figures

    def activity(self, round_ids):
        wanted = set(round_ids)
        figures = RoundsActivity()
        mine = [p for p in self.s.pairs.values() if p.round_id in wanted]
        answers = [o for o in self.s.outcomes.values() if o.pair_id in {p.id for p in mine}]
        met = {o.pair_id for o in answers if o.kind is OutcomeKind.MET}
        for pair in mine:
            place = self.s.places.get(pair.place_id) if pair.place_id is not None else None
            clinician = self.s.participants.get(pair.clinician_id)
            site = place.site_id if place else (clinician.site_id if clinician else None)
            tally = figures.by_site.setdefault(site, [0, 0])
            tally[0] += 1
            tally[1] += pair.id in met
            if pair.place_id is not None:
                figures.by_place[pair.place_id] += 1
        figures.pairs, figures.confirmed, figures.answered = len(mine), len(met), len(answers)
        figures.reasons = Counter(o.reason.value for o in answers if o.reason and o.pair_id not in met)
        for sat in self.s.sit_outs:
            if sat.round_id in wanted:
                person = self.s.participants.get(sat.participant_id)
                figures.sit_outs_by_role[person.role if person else Role.CLINICIAN] += 1
        return figures

    def per_round(self, round_ids):
        met = {o.pair_id for o in self.s.outcomes.values() if o.kind is OutcomeKind.MET}
        counted = {}
        for round_id in round_ids:
            mine = [p for p in self.s.pairs.values() if p.round_id == round_id]
            sat = sum(s.round_id == round_id for s in self.s.sit_outs)
            counted[round_id] = RoundCounts(len(mine), sat, sum(p.id in met for p in mine))
        return counted


class FakePulse(_Repo):
    def add(self, asked):
        key = (asked.participant_id, asked.wave, asked.question)
        if key in self.s.pulse:
            return False
        self.s.pulse[key] = replace(asked)
        return True

    def get(self, participant_id, wave, question):
        found = self.s.pulse.get((participant_id, wave, question))
        return replace(found) if found else None

    def save(self, answer):
        self.s.pulse[(answer.participant_id, answer.wave, answer.question)] = replace(answer)

    def for_programme(self, programme_id):
        return [
            replace(a)
            for a in self.s.pulse.values()
            if self.s.participants[a.participant_id].programme_id == programme_id
        ]

    def for_participant(self, participant_id):
        return [replace(a) for a in self.s.pulse.values() if a.participant_id == participant_id]

    def tally(self, programme_id, ends):
        counted: dict[tuple[str, str, str, str, int], int] = {}
        for a in self.for_programme(programme_id):
            if a.answer in (None, "skip") or a.answered_at is None:
                continue
            period = next((i for i, end in enumerate(ends) if a.answered_at < end), None)
            if period is None:
                continue
            key = (a.wave, a.question, a.answer, self.s.participants[a.participant_id].role.value, period)
            counted[key] = counted.get(key, 0) + 1
        return [(*key, n) for key, n in counted.items()]

    def erase_for(self, participant_id):
        gone = [k for k in self.s.pulse if k[0] == participant_id]
        for key in gone:
            del self.s.pulse[key]
        return len(gone)


class FakeShadowing(_Repo):
    def add_offer(self, offer):
        if offer.pair_id in self.s.shadowing_offers:
            return False
        self.s.shadowing_offers[offer.pair_id] = replace(offer)
        return True

    def offer(self, pair_id):
        found = self.s.shadowing_offers.get(pair_id)
        return replace(found) if found else None

    def save_offer(self, offer):
        self.s.shadowing_offers[offer.pair_id] = replace(offer)

    def answers(self, pair_id):
        return [replace(a) for a in self.s.shadowing_answers.values() if a.pair_id == pair_id]

    def save_answer(self, answer):
        self.s.shadowing_answers[(answer.pair_id, answer.participant_id, answer.question)] = replace(answer)

    def _programme_of(self, pair_id):
        return self.s.rounds[self.s.pairs[pair_id].round_id].programme_id

    def due_checks(self, programme_id, agreed_before):
        return [
            replace(o)
            for o in sorted(self.s.shadowing_offers.values(), key=lambda o: o.pair_id)
            if self._programme_of(o.pair_id) == programme_id
            and o.agreed_at is not None
            and o.agreed_at <= agreed_before
            and o.check_sent_at is None
        ]

    def tally(self, programme_id, start, end):
        counted: dict[tuple[str, int | None, str], int] = {}

        def count(measure, site, role=""):
            counted[(measure, site, role)] = counted.get((measure, site, role), 0) + 1

        offers = [
            o for o in self.s.shadowing_offers.values() if self._programme_of(o.pair_id) == programme_id
        ]
        for o in offers:
            if start <= o.offered_at < end:
                count("offered", o.site_id)
            if o.agreed_at is not None and start <= o.agreed_at < end:
                count("agreed", o.site_id)
            happened = [
                a.answered_at
                for a in self.s.shadowing_answers.values()
                if a.pair_id == o.pair_id and a.question == "happened" and a.answer == "yes"
            ]
            if happened and start <= min(happened) < end:
                count("done", o.site_id)
        for a in self.s.shadowing_answers.values():
            person = self.s.participants[a.participant_id]
            mine = person.programme_id == programme_id and a.question == "offer" and a.answer == "yes"
            if mine and start <= a.answered_at < end:
                count("yes", None, person.role.value)
        return [(*key, n) for key, n in counted.items()]

    def erase_for(self, participant_id):
        gone = [k for k in self.s.shadowing_answers if k[1] == participant_id]
        for key in gone:
            del self.s.shadowing_answers[key]
        return len(gone)


class FakeUnitOfWork:
    def __init__(self, committed: Store, read_only: bool = False):
        self.committed_store = committed
        self.commits = 0
        self.read_only = read_only

    def __enter__(self):
        self._work = copy.deepcopy(self.committed_store)
        self.programmes = FakeProgrammes(self._work)
        self.sites = FakeSites(self._work)
        self.places = FakePlaces(self._work)
        self.participants = FakeParticipants(self._work)
        self.exclusions = FakeExclusions(self._work)
        self.rounds = FakeRounds(self._work)
        self.pairs = FakePairs(self._work)
        self.sit_outs = FakeSitOuts(self._work)
        self.outcomes = FakeOutcomes(self._work)
        self.outbox = FakeOutbox(self._work)
        self.digests = FakeDigests(self._work)
        self.settings = FakeSettings(self._work)
        self.platform_state = FakePlatformState(self._work)
        self.sign_ins = FakeSignIns(self._work)
        self.organiser_sessions = FakeOrganiserSessions(self._work)
        self.audit = FakeAudit(self._work)
        self.erasure_register = FakeErasureRegister(self._work)
        self.seen_requests = FakeSeenRequests(self._work)
        self.figures = FakeFigures(self._work)
        self.pulse = FakePulse(self._work)
        self.shadowing = FakeShadowing(self._work)
        return self

    def __exit__(self, *exc):
        self._work = None

    def commit(self):
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        self.committed_store.__dict__.update(copy.deepcopy(self._work).__dict__)
        self.commits += 1

    def rollback(self):
        self.__enter__()


class FakeUnitOfWorkFactory:
    def __init__(self):
        self.store = Store()

    def __call__(self, *, read_only: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store, read_only)

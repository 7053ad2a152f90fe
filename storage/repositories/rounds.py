"""Weekly rounds, the pairs they make, who sat out, and what people said happened."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, case, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from bot.model import DigestRecord, Outcome, OutcomeKind, Pair, Reason, Round, RoundsTally, SitOut
from storage import tables
from storage.repositories._sql import chunks, conflicts_as, dialect_insert
from storage.repositories.bulk import driver_connection, insert_pairs
from storage.tables import digests, outcomes, pairs, participants, places, rounds, sit_outs


def _round(row: Row[Any]) -> Round:
    return Round(
        programme_id=row.programme_id,
        week=row.week,
        seed=row.seed,
        held_on=row.held_on,
        created_at=row.created_at,
        id=row.id,
    )


def _positional(compiled: Any) -> tuple | dict:
    params = compiled.construct_params()
    if compiled.positional:
        return tuple(params[name] for name in compiled.positiontup)
    return params


class SqlRoundRepository:
    def __init__(self, session: Session):
        self._session = session

    def get(self, programme_id: int, week: str) -> Round | None:
        query = select(rounds).where(rounds.c.programme_id == programme_id, rounds.c.week == week)
        row = self._session.execute(query).first()
        return _round(row) if row else None

    def add(self, round_: Round) -> Round:
        statement = (
            insert(rounds)
            .values(
                programme_id=round_.programme_id,
                week=round_.week,
                seed=round_.seed,
                held_on=round_.held_on,
                created_at=round_.created_at,
            )
            .returning(rounds.c.id)
        )
        conflict = f"programme {round_.programme_id} already has a round for {round_.week}"
        with conflicts_as(self._session, conflict):
            round_.id = self._session.execute(statement).scalar_one()
        return round_

    def recent(self, programme_id: int, limit: int, before_week: str | None = None) -> list[Round]:
        # ISO week strings ("2026-W07") sort in calendar order.
        query = select(rounds).where(rounds.c.programme_id == programme_id)
        if before_week is not None:
            query = query.where(rounds.c.week < before_week)
        query = query.order_by(rounds.c.week.desc()).limit(limit)
        return [_round(row) for row in self._session.execute(query)]

    def by_ids(self, round_ids: Iterable[int]) -> list[Round]:
        found: list[Round] = []
        for chunk in chunks(sorted(set(round_ids))):
            query = select(rounds).where(rounds.c.id.in_(chunk))
            found += [_round(row) for row in self._session.execute(query)]
        return found

    def held_between(self, programme_id: int, start: date, end: date) -> list[Round]:
        query = (
            select(rounds)
            .where(rounds.c.programme_id == programme_id, rounds.c.held_on >= start, rounds.c.held_on < end)
            .order_by(rounds.c.held_on, rounds.c.week)
        )
        return [_round(row) for row in self._session.execute(query)]


def _pair(row: Row[Any]) -> Pair:
    return Pair(
        round_id=row.round_id,
        clinician_id=row.clinician_id,
        manager_id=row.manager_id,
        place_id=row.place_id,
        place_text=row.place_text,
        starter=row.starter,
        created_at=row.created_at,
        followup_sent_at=row.followup_sent_at,
        id=row.id,
        meeting_at=row.meeting_at,
        meeting_proposed_by=row.meeting_proposed_by,
        meeting_agreed_at=row.meeting_agreed_at,
    )


def _pair_values(pair: Pair) -> dict[str, Any]:
    return {
        "round_id": pair.round_id,
        "clinician_id": pair.clinician_id,
        "manager_id": pair.manager_id,
        "place_id": pair.place_id,
        "place_text": pair.place_text,
        "starter": pair.starter,
        "created_at": pair.created_at,
        "followup_sent_at": pair.followup_sent_at,
        "meeting_at": pair.meeting_at,
        "meeting_proposed_by": pair.meeting_proposed_by,
        "meeting_agreed_at": pair.meeting_agreed_at,
    }


class SqlPairRepository:
    def __init__(self, session: Session):
        self._session = session

    # Named as in the port, so a keyword call works here too; the `pairs` table is not needed inside.
    def add_many(self, pairs: Sequence[Pair]) -> list[Pair]:
        """Sets each pair's new id (in input order) and returns the same pairs."""
        if not pairs:
            return []
        new_ids = insert_pairs(self._session, [_pair_values(pair) for pair in pairs])
        for pair, new_id in zip(pairs, new_ids, strict=True):
            pair.id = new_id
        return list(pairs)

    def get(self, pair_id: int) -> Pair | None:
        row = self._session.execute(select(pairs).where(pairs.c.id == pair_id)).first()
        return _pair(row) if row else None

    def for_rounds(self, round_ids: Sequence[int]) -> list[Pair]:
        found: list[Pair] = []
        for batch in chunks(round_ids):
            query = select(pairs).where(pairs.c.round_id.in_(batch))
            found.extend(_pair(row) for row in self._session.execute(query))
        return sorted(found, key=lambda pair: pair.saved_id)

    def tally(self, round_ids: Sequence[int]) -> RoundsTally:
        found = RoundsTally()
        if not round_ids:
            return found
        ids = list(round_ids)
        # Per pair, an index lookup on outcomes' primary key (pair_id first): no DISTINCT over them all.
        said = outcomes.alias("said")
        met = exists().where(said.c.pair_id == pairs.c.id, said.c.kind == OutcomeKind.MET.value)
        site = func.coalesce(places.c.site_id, participants.c.site_id)
        by_site = (
            select(site, func.count(), func.sum(case((met, 1), else_=0)))
            .select_from(
                pairs.outerjoin(places, places.c.id == pairs.c.place_id).join(
                    participants, participants.c.id == pairs.c.clinician_id
                )
            )
            .where(pairs.c.round_id.in_(ids))
            .group_by(site)
        )
        found.by_site = {
            where: (n, int(confirmed or 0)) for where, n, confirmed in self._session.execute(by_site)
        }
        answers = select(func.count()).select_from(outcomes.join(pairs, pairs.c.id == outcomes.c.pair_id))
        found.answered = self._session.execute(answers.where(pairs.c.round_id.in_(ids))).scalar_one()
        reasons = (
            select(outcomes.c.reason, func.count())
            .select_from(outcomes.join(pairs, pairs.c.id == outcomes.c.pair_id))
            .where(pairs.c.round_id.in_(ids), outcomes.c.reason.is_not(None), ~met)
            .group_by(outcomes.c.reason)
        )
        found.reasons = {key: count for key, count in self._session.execute(reasons)}
        used = (
            select(pairs.c.place_id, func.count())
            .where(pairs.c.round_id.in_(ids), pairs.c.place_id.is_not(None))
            .group_by(pairs.c.place_id)
        )
        found.places = {key: count for key, count in self._session.execute(used)}
        sat = (
            select(participants.c.role, func.count())
            .select_from(sit_outs.join(participants, participants.c.id == sit_outs.c.participant_id))
            .where(sit_outs.c.round_id.in_(ids))
            .group_by(participants.c.role)
        )
        found.sit_outs_by_role = {key: count for key, count in self._session.execute(sat)}
        return found

    def meetings(self, round_ids: Sequence[int]) -> list[tuple[int, int, int]]:
        # A round reads twelve weeks of these, 600k rows at 100k people: straight from the
        # driver as plain tuples, skipping SQLAlchemy's row objects (three integer columns
        # need no type processing).
        found: list[tuple[int, int, int]] = []
        columns = (pairs.c.clinician_id, pairs.c.manager_id, pairs.c.round_id)
        dialect = self._session.get_bind().dialect
        for batch in chunks(round_ids):
            query = select(*columns).where(pairs.c.round_id.in_(batch))
            compiled = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
            cursor = driver_connection(self._session).cursor()
            try:
                cursor.execute(str(compiled), _positional(compiled))
                found.extend(cursor.fetchall())
            finally:
                cursor.close()
        return found

    def for_participant(self, participant_id: int, limit: int) -> list[Pair]:
        query = (
            select(pairs)
            .join(rounds, rounds.c.id == pairs.c.round_id)
            .where(or_(pairs.c.clinician_id == participant_id, pairs.c.manager_id == participant_id))
            .order_by(rounds.c.week.desc(), pairs.c.id.desc())
            .limit(limit)
        )
        return [_pair(row) for row in self._session.execute(query)]

    def awaiting_followup(self, round_ids: Sequence[int], intro_before: datetime) -> list[Pair]:
        anyone_answered = exists().where(outcomes.c.pair_id == pairs.c.id)
        found: list[Pair] = []
        for batch in chunks(round_ids):
            query = select(pairs).where(
                pairs.c.round_id.in_(batch),
                pairs.c.created_at <= intro_before,
                pairs.c.followup_sent_at.is_(None),
                ~anyone_answered,
            )
            found.extend(_pair(row) for row in self._session.execute(query))
        return sorted(found, key=lambda pair: pair.saved_id)

    def save(self, pair: Pair) -> None:
        statement = update(pairs).where(pairs.c.id == pair.id).values(_pair_values(pair))
        self._session.execute(statement)


class SqlSitOutRepository:
    def __init__(self, session: Session):
        self._session = session

    def add_many(self, sit_outs: Sequence[SitOut]) -> None:
        if not sit_outs:
            return
        rows = [{"round_id": s.round_id, "participant_id": s.participant_id} for s in sit_outs]
        with conflicts_as(self._session, "someone already sat out that round"):
            self._session.execute(insert(tables.sit_outs), rows)

    def for_rounds(self, round_ids: Sequence[int]) -> list[SitOut]:
        found: list[SitOut] = []
        for batch in chunks(round_ids):
            query = select(sit_outs).where(sit_outs.c.round_id.in_(batch))
            found.extend(
                SitOut(round_id=row.round_id, participant_id=row.participant_id)
                for row in self._session.execute(query)
            )
        return found


def _outcome(row: Row[Any]) -> Outcome:
    return Outcome(
        pair_id=row.pair_id,
        participant_id=row.participant_id,
        kind=OutcomeKind(row.kind),
        recorded_at=row.recorded_at,
        reason=Reason(row.reason) if row.reason is not None else None,
    )


class SqlOutcomeRepository:
    def __init__(self, session: Session):
        self._session = session

    def get(self, pair_id: int, participant_id: int) -> Outcome | None:
        query = select(outcomes).where(
            outcomes.c.pair_id == pair_id, outcomes.c.participant_id == participant_id
        )
        row = self._session.execute(query).first()
        return _outcome(row) if row else None

    def save(self, outcome: Outcome) -> None:
        # A person may change their answer ("not yet" then "we met"); the latest one stands.
        statement = dialect_insert(self._session, outcomes).values(
            pair_id=outcome.pair_id,
            participant_id=outcome.participant_id,
            kind=outcome.kind.value,
            reason=outcome.reason.value if outcome.reason is not None else None,
            recorded_at=outcome.recorded_at,
        )
        statement = statement.on_conflict_do_update(
            index_elements=["pair_id", "participant_id"],
            set_={
                "kind": statement.excluded.kind,
                "reason": statement.excluded.reason,
                "recorded_at": statement.excluded.recorded_at,
            },
        )
        self._session.execute(statement)

    def for_pairs(self, pair_ids: Sequence[int]) -> list[Outcome]:
        found: list[Outcome] = []
        for batch in chunks(pair_ids):
            query = select(outcomes).where(outcomes.c.pair_id.in_(batch))
            found.extend(_outcome(row) for row in self._session.execute(query))
        return found


class SqlDigestRepository:
    def __init__(self, session: Session):
        self._session = session

    def get(self, programme_id: int, month: str) -> DigestRecord | None:
        query = select(digests).where(digests.c.programme_id == programme_id, digests.c.month == month)
        row = self._session.execute(query).first()
        if row is None:
            return None
        return DigestRecord(programme_id=row.programme_id, month=row.month, created_at=row.created_at)

    def add(self, record: DigestRecord) -> DigestRecord:
        statement = insert(digests).values(
            programme_id=record.programme_id, month=record.month, created_at=record.created_at
        )
        conflict = f"programme {record.programme_id} already has a digest for {record.month}"
        with conflicts_as(self._session, conflict):
            self._session.execute(statement)
        return record

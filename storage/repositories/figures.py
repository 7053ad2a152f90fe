"""Counting in the database: the dashboard's figures without loading thousands of rows.

Each method answers with a few grouped rows; bot/figures.py turns them into the same counts
its row-by-row reading makes (tests/integration/test_storage_figures.py compares the two).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from bot.model import OutcomeKind, Role, Status
from bot.ports import MonthPeople, PeopleCount, RoundCounts, RoundsActivity
from storage.repositories._sql import chunks
from storage.tables import outcomes, pairs, participants, places, sit_outs


def _midnight(day: date) -> datetime:
    # Times are kept in UTC, and a person's day of joining is its UTC date (bot/figures.py).
    return datetime.combine(day, time(), tzinfo=UTC)


class SqlFigureRepository:
    def __init__(self, session: Session):
        self._session = session

    def people(self, programme_id: int, on: date) -> list[PeopleCount]:
        status = case(
            (participants.c.left_at.is_not(None), literal(Status.LEFT.value)),
            (participants.c.paused_until > on, literal(Status.PAUSED.value)),
            else_=literal(Status.ACTIVE.value),
        ).label("status")
        query = (
            select(participants.c.site_id, participants.c.role, status, func.count().label("n"))
            .where(participants.c.programme_id == programme_id, participants.c.erased.is_(False))
            .group_by(participants.c.site_id, participants.c.role, status)
        )
        return [
            PeopleCount(row.site_id, Role(row.role), Status(row.status), row.n)
            for row in self._session.execute(query)
        ]

    def first_joined(self, programme_id: int) -> datetime | None:
        query = select(func.min(participants.c.joined_at)).where(participants.c.programme_id == programme_id)
        return self._session.execute(query).scalar_one_or_none()

    def month_people(self, programme_id: int, months: Sequence[tuple[date, date]]) -> list[MonthPeople]:
        joined, left = participants.c.joined_at, participants.c.left_at
        columns = []
        for start, end in months:
            begins, ends = _midnight(start), _midnight(end)
            taking_part = and_(joined.is_not(None), joined < ends, or_(left.is_(None), left >= ends))
            columns += [
                func.sum(case((taking_part, 1), else_=0)),
                func.sum(case((and_(joined >= begins, joined < ends), 1), else_=0)),
                func.sum(case((and_(left >= begins, left < ends), 1), else_=0)),
            ]
        figures = [MonthPeople() for _ in months]
        if not months:
            return figures
        query = (
            select(participants.c.role, *columns)
            .where(participants.c.programme_id == programme_id)
            .group_by(participants.c.role)
        )
        for row in self._session.execute(query):
            role, counts = Role(row[0]), row[1:]
            for index, month in enumerate(figures):
                month.taking_part[role] += counts[3 * index] or 0
                month.joiners[role] += counts[3 * index + 1] or 0
                month.leavers[role] += counts[3 * index + 2] or 0
        return figures

    def activity(self, round_ids: Sequence[int]) -> RoundsActivity:
        figures = RoundsActivity()
        for some in chunks(list(round_ids)):
            self._add_activity(figures, some)
        return figures

    def _add_activity(self, figures: RoundsActivity, round_ids: list[int]) -> None:
        mine = pairs.c.round_id.in_(round_ids)
        met = _met(round_ids).subquery()
        site = func.coalesce(places.c.site_id, participants.c.site_id).label("site_id")
        by_site = (
            select(site, func.count().label("pairs"), func.count(met.c.pair_id).label("confirmed"))
            .select_from(
                pairs.outerjoin(places, places.c.id == pairs.c.place_id)
                .outerjoin(participants, participants.c.id == pairs.c.clinician_id)
                .outerjoin(met, met.c.pair_id == pairs.c.id)
            )
            .where(mine)
            .group_by(site)
        )
        for row in self._session.execute(by_site):
            tally = figures.by_site.setdefault(row.site_id, [0, 0])
            tally[0] += row.pairs
            tally[1] += row.confirmed
            figures.pairs += row.pairs
            figures.confirmed += row.confirmed
        by_place = select(pairs.c.place_id, func.count().label("n")).where(
            mine, pairs.c.place_id.is_not(None)
        )
        for row in self._session.execute(by_place.group_by(pairs.c.place_id)):
            figures.by_place[row.place_id] += row.n
        answers = select(outcomes.c.reason, func.count().label("n"), func.count(met.c.pair_id).label("met"))
        answers = answers.select_from(
            outcomes.join(pairs, pairs.c.id == outcomes.c.pair_id).outerjoin(met, met.c.pair_id == pairs.c.id)
        )
        for row in self._session.execute(answers.where(mine).group_by(outcomes.c.reason)):
            figures.answered += row.n
            if row.reason is not None and row.n > row.met:
                figures.reasons[row.reason] += row.n - row.met
        role = func.coalesce(participants.c.role, Role.CLINICIAN.value).label("role")
        sat = (
            select(role, func.count().label("n"))
            .select_from(sit_outs.outerjoin(participants, participants.c.id == sit_outs.c.participant_id))
            .where(sit_outs.c.round_id.in_(round_ids))
            .group_by(role)
        )
        for row in self._session.execute(sat):
            figures.sit_outs_by_role[Role(row.role)] += row.n

    def per_round(self, round_ids: Sequence[int]) -> dict[int, RoundCounts]:
        counted: dict[int, Counter[str]] = {round_id: Counter() for round_id in round_ids}
        for some in chunks(list(round_ids)):
            met = _met(some).subquery()
            made = (
                select(pairs.c.round_id, func.count().label("pairs"), func.count(met.c.pair_id).label("met"))
                .select_from(pairs.outerjoin(met, met.c.pair_id == pairs.c.id))
                .where(pairs.c.round_id.in_(some))
                .group_by(pairs.c.round_id)
            )
            for row in self._session.execute(made):
                counted[row.round_id].update(pairs=row.pairs, confirmed=row.met)
            sat = select(sit_outs.c.round_id, func.count().label("n")).where(sit_outs.c.round_id.in_(some))
            for row in self._session.execute(sat.group_by(sit_outs.c.round_id)):
                counted[row.round_id].update(sit_outs=row.n)
        return {
            round_id: RoundCounts(c["pairs"], c["sit_outs"], c["confirmed"])
            for round_id, c in counted.items()
        }


def _met(round_ids: list[int]) -> Select:
    """The pairs of these rounds someone said they met (each once)."""
    return (
        select(outcomes.c.pair_id)
        .join(pairs, pairs.c.id == outcomes.c.pair_id)
        .where(pairs.c.round_id.in_(round_ids), outcomes.c.kind == OutcomeKind.MET.value)
        .group_by(outcomes.c.pair_id)
    )

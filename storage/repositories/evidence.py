"""The relationship pulse and shadowing offers: asked, answered, erased, and counted in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, case, delete, func, select, update
from sqlalchemy.orm import Session

from bot.model import PulseAnswer, ShadowingAnswer, ShadowingOffer
from storage.repositories._sql import dialect_insert, rows_touched
from storage.repositories.erasure import ERASED_IN_SESSION
from storage.tables import pairs, participants, pulse_answers, rounds, shadowing_answers, shadowing_offers


def _pulse(row: Row[Any]) -> PulseAnswer:
    return PulseAnswer(
        participant_id=row.participant_id,
        wave=row.wave,
        question=row.question,
        asked_at=row.asked_at,
        answer=row.answer,
        answered_at=row.answered_at,
    )


class SqlPulseRepository:
    def __init__(self, session: Session):
        self._session = session

    def add(self, asked: PulseAnswer) -> bool:
        statement = (
            dialect_insert(self._session, pulse_answers)
            .values(
                participant_id=asked.participant_id,
                wave=asked.wave,
                question=asked.question,
                asked_at=asked.asked_at,
                answer=asked.answer,
                answered_at=asked.answered_at,
            )
            .on_conflict_do_nothing()
        )
        return rows_touched(self._session.execute(statement)) == 1

    def get(self, participant_id: int, wave: str, question: str) -> PulseAnswer | None:
        query = select(pulse_answers).where(
            pulse_answers.c.participant_id == participant_id,
            pulse_answers.c.wave == wave,
            pulse_answers.c.question == question,
        )
        row = self._session.execute(query).first()
        return _pulse(row) if row else None

    def save(self, answer: PulseAnswer) -> None:
        statement = (
            update(pulse_answers)
            .where(
                pulse_answers.c.participant_id == answer.participant_id,
                pulse_answers.c.wave == answer.wave,
                pulse_answers.c.question == answer.question,
            )
            .values(answer=answer.answer, answered_at=answer.answered_at)
        )
        self._session.execute(statement)

    def for_programme(self, programme_id: int) -> list[PulseAnswer]:
        query = (
            select(pulse_answers)
            .join(participants, participants.c.id == pulse_answers.c.participant_id)
            .where(participants.c.programme_id == programme_id)
        )
        return [_pulse(row) for row in self._session.execute(query)]

    def for_participant(self, participant_id: int) -> list[PulseAnswer]:
        query = select(pulse_answers).where(pulse_answers.c.participant_id == participant_id)
        return [_pulse(row) for row in self._session.execute(query)]

    def tally(self, programme_id: int, ends: Sequence[datetime]) -> list[tuple[str, str, str, str, int, int]]:
        p = pulse_answers.c
        if not ends:
            return []
        # One pass over the answers for every period: period i is [ends[i-1], ends[i]).
        period = case(*((p.answered_at < end, index) for index, end in enumerate(ends)))
        query = (
            select(p.wave, p.question, p.answer, participants.c.role, period, func.count())
            .join(participants, participants.c.id == p.participant_id)
            .where(
                participants.c.programme_id == programme_id,
                p.answered_at < max(ends),
                p.answer.is_not(None),
                p.answer != "skip",
            )
            .group_by(p.wave, p.question, p.answer, participants.c.role, period)
        )
        return [(w, q, a, r, i, n) for w, q, a, r, i, n in self._session.execute(query)]

    def erase_for(self, participant_id: int) -> int:
        result = self._session.execute(
            delete(pulse_answers).where(pulse_answers.c.participant_id == participant_id)
        )
        self._session.info[ERASED_IN_SESSION] = True
        return rows_touched(result)


def _offer(row: Row[Any]) -> ShadowingOffer:
    return ShadowingOffer(
        pair_id=row.pair_id,
        site_id=row.site_id,
        offered_at=row.offered_at,
        agreed_at=row.agreed_at,
        check_sent_at=row.check_sent_at,
    )


class SqlShadowingRepository:
    def __init__(self, session: Session):
        self._session = session

    def add_offer(self, offer: ShadowingOffer) -> bool:
        statement = (
            dialect_insert(self._session, shadowing_offers)
            .values(
                pair_id=offer.pair_id,
                site_id=offer.site_id,
                offered_at=offer.offered_at,
                agreed_at=offer.agreed_at,
                check_sent_at=offer.check_sent_at,
            )
            .on_conflict_do_nothing()
        )
        return rows_touched(self._session.execute(statement)) == 1

    def offer(self, pair_id: int) -> ShadowingOffer | None:
        row = self._session.execute(
            select(shadowing_offers).where(shadowing_offers.c.pair_id == pair_id)
        ).first()
        return _offer(row) if row else None

    def save_offer(self, offer: ShadowingOffer) -> None:
        statement = (
            update(shadowing_offers)
            .where(shadowing_offers.c.pair_id == offer.pair_id)
            .values(agreed_at=offer.agreed_at, check_sent_at=offer.check_sent_at)
        )
        self._session.execute(statement)

    def answers(self, pair_id: int) -> list[ShadowingAnswer]:
        query = select(shadowing_answers).where(shadowing_answers.c.pair_id == pair_id)
        return [
            ShadowingAnswer(r.pair_id, r.participant_id, r.question, r.answer, r.answered_at)
            for r in self._session.execute(query)
        ]

    def save_answer(self, answer: ShadowingAnswer) -> None:
        statement = dialect_insert(self._session, shadowing_answers).values(
            pair_id=answer.pair_id,
            participant_id=answer.participant_id,
            question=answer.question,
            answer=answer.answer,
            answered_at=answer.answered_at,
        )
        statement = statement.on_conflict_do_update(
            index_elements=["pair_id", "participant_id", "question"],
            set_={"answer": statement.excluded.answer, "answered_at": statement.excluded.answered_at},
        )
        self._session.execute(statement)

    def due_checks(self, programme_id: int, agreed_before: datetime) -> list[ShadowingOffer]:
        o = shadowing_offers.c
        query = (
            select(shadowing_offers)
            .select_from(
                shadowing_offers.join(pairs, pairs.c.id == o.pair_id).join(
                    rounds, rounds.c.id == pairs.c.round_id
                )
            )
            .where(
                rounds.c.programme_id == programme_id, o.agreed_at <= agreed_before, o.check_sent_at.is_(None)
            )
            .order_by(o.pair_id)
        )
        return [_offer(row) for row in self._session.execute(query)]

    def tally(
        self, programme_id: int, start: datetime, end: datetime
    ) -> list[tuple[str, int | None, str, int]]:
        o, a = shadowing_offers.c, shadowing_answers.c
        offers = shadowing_offers.join(pairs, pairs.c.id == o.pair_id).join(
            rounds, rounds.c.id == pairs.c.round_id
        )
        found: list[tuple[str, int | None, str, int]] = []
        for measure, moment in (("offered", o.offered_at), ("agreed", o.agreed_at)):
            query = (
                select(o.site_id, func.count())
                .select_from(offers)
                .where(rounds.c.programme_id == programme_id, moment >= start, moment < end)
                .group_by(o.site_id)
            )
            found += [(measure, site, "", n) for site, n in self._session.execute(query)]
        said_yes = (
            select(participants.c.role, func.count())
            .select_from(shadowing_answers.join(participants, participants.c.id == a.participant_id))
            .where(
                participants.c.programme_id == programme_id,
                a.question == "offer",
                a.answer == "yes",
                a.answered_at >= start,
                a.answered_at < end,
            )
            .group_by(participants.c.role)
        )
        found += [("yes", None, role, n) for role, n in self._session.execute(said_yes)]
        # A pair did it once, in the quarter its first "it happened" came.
        first = (
            select(a.pair_id, func.min(a.answered_at).label("at"))
            .where(a.question == "happened", a.answer == "yes")
            .group_by(a.pair_id)
            .subquery()
        )
        done = (
            select(o.site_id, func.count())
            .select_from(offers.join(first, first.c.pair_id == o.pair_id))
            .where(rounds.c.programme_id == programme_id, first.c.at >= start, first.c.at < end)
            .group_by(o.site_id)
        )
        found += [("done", site, "", n) for site, n in self._session.execute(done)]
        return found

    def erase_for(self, participant_id: int) -> int:
        statement = delete(shadowing_answers).where(shadowing_answers.c.participant_id == participant_id)
        result = self._session.execute(statement)
        self._session.info[ERASED_IN_SESSION] = True
        return rows_touched(result)

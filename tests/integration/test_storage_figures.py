"""The dashboard's counts, made by the database, match the same counts made row by row in Python.

Four months of a hospital's programme: people joining, pausing, leaving and being erased, a
site retired, rounds with pairs at places and with no place, sit-outs, and answers of every
kind. Whatever SQL counts must equal what bot/figures.py's reading of every row gives.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.figures import CountedHistory, ProgrammeHistory
from bot.model import (
    Outcome,
    OutcomeKind,
    Pair,
    Participant,
    Reason,
    Role,
    Round,
    Site,
    SitOut,
)
from tests.hospital import CHARING_CROSS, ST_MARYS, seed_hospital

START = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
NAMES = ["Élodie Durand", "ÉLODIE BRUN", "Sam O'Neil", "Amara 100%", "amara_okafor", "Ben Hughes"]


@pytest.fixture
def history(uow_factory):
    """Returns (programme, people by id, round ids) after four months of made-up history."""
    chance = random.Random(8)
    seeded = seed_hospital(uow_factory)
    programme = seeded.programme
    with uow_factory() as uow:
        closed = uow.sites.add(Site(programme.id, "Western Eye", retired_at=START + timedelta(days=40)))
        sites = [seeded.sites[ST_MARYS].id, seeded.sites[CHARING_CROSS].id, closed.id]
        places = [p.id for p in seeded.places.values()]
        people = []
        for index in range(60):
            role = Role.MANAGER if index % 3 == 0 else Role.CLINICIAN
            joined = START + timedelta(days=chance.randrange(0, 100), hours=chance.randrange(0, 24))
            left = joined + timedelta(days=chance.randrange(1, 60)) if index % 7 == 0 else None
            person = Participant(
                programme_id=programme.id,
                platform="slack",
                user_id=f"U{index:04d}",
                display_name=f"{NAMES[index % len(NAMES)]} {index}",
                role=role,
                site_id=sites[index % 3],
                email=f"person{index}@nhs.net" if index % 2 else None,
                paused_until=date(2026, 10, 20) if index % 5 == 0 else None,
                joined_at=joined,
                left_at=left,
                erased=index % 11 == 0,
            )
            people.append(uow.participants.add(person))
        clinicians = [p for p in people if p.role is Role.CLINICIAN]
        managers = [p for p in people if p.role is Role.MANAGER]
        round_ids = []
        for week in range(16):
            held = (START + timedelta(weeks=week)).date()
            round_ = uow.rounds.add(Round(programme.id, f"2026-W{27 + week}", week, held, START))
            round_ids.append(round_.id)
            chance.shuffle(clinicians)
            made = [
                Pair(round_.id, c.id, m.id, chance.choice([*places, None]), "somewhere", "hello", START)
                for c, m in zip(clinicians, managers, strict=False)
            ]
            uow.pairs.add_many(made)
            uow.sit_outs.add_many([SitOut(round_.id, p.id) for p in clinicians[len(managers) :][:3]])
            for pair in made:
                for person in chance.sample(pair.member_ids(), chance.randrange(0, 3)):
                    kind = chance.choice(list(OutcomeKind))
                    reason = chance.choice([None, *Reason]) if kind is not OutcomeKind.MET else None
                    uow.outcomes.save(Outcome(pair.id, person, kind, START, reason))
        uow.commit()
    return programme, {p.id: p for p in people}, round_ids


def test_each_month_counted_in_sql_is_the_month_counted_row_by_row(uow_factory, history):
    programme, _, _ = history
    with uow_factory(read_only=True) as uow:
        by_rows, in_sql = ProgrammeHistory(uow, programme), CountedHistory(uow, programme)
        assert in_sql.launch_month() == by_rows.launch_month() == "2026-07"
        months = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
        assert in_sql.months(months) == [by_rows.month(month) for month in months]
        for month in months:
            assert in_sql.month(month) == by_rows.month(month), month
        assert by_rows.month("2026-08").pairs > 0 and by_rows.month("2026-08").reasons


def test_people_are_counted_by_site_role_and_status(uow_factory, history):
    programme, people, _ = history
    for day in (date(2026, 10, 1), date(2026, 11, 1)):
        with uow_factory(read_only=True) as uow:
            counted = {(c.site_id, c.role, c.status): c.count for c in uow.figures.people(programme.id, day)}
        expected = Counter((p.site_id, p.role, p.status_on(day)) for p in people.values() if not p.erased)
        assert counted == dict(expected)


def test_each_round_is_counted(uow_factory, history):
    _, _, round_ids = history
    with uow_factory(read_only=True) as uow:
        counted = uow.figures.per_round(round_ids[:5])
        pairs = uow.pairs.for_rounds(round_ids[:5])
        met = {o.pair_id for o in uow.outcomes.for_pairs([p.id for p in pairs]) if o.kind is OutcomeKind.MET}
        sat = Counter(s.round_id for s in uow.sit_outs.for_rounds(round_ids[:5]))
    for round_id in round_ids[:5]:
        mine = [p for p in pairs if p.round_id == round_id]
        assert counted[round_id].pairs == len(mine)
        assert counted[round_id].confirmed == sum(p.id in met for p in mine)
        assert counted[round_id].sit_outs == sat[round_id]


@pytest.mark.parametrize("typed", ["", "élodie", "ÉLODIE".casefold(), "100%", "_okafor", "nhs.net", "nobody"])
def test_searching_people_finds_what_python_would_and_pages_them(uow_factory, history, typed):
    programme, people, _ = history
    expected = sorted(
        (
            p
            for p in people.values()
            if not p.erased and (typed in p.display_name.casefold() or typed in (p.email or "").casefold())
        ),
        key=lambda p: (p.display_name.casefold(), p.id),
    )
    with uow_factory(read_only=True) as uow:
        first, total = uow.participants.search(programme.id, typed, limit=7)
        second, again = uow.participants.search(programme.id, typed, limit=7, offset=7)
    assert total == again == len(expected)
    assert [p.id for p in first + second] == [p.id for p in expected[:14]]

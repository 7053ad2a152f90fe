"""How long the monthly digest and the quarterly board report take to build, with a year of history.

    python -m bench.evidence [--sizes 10000 100000] [--postgres URL]

`size` participants (one manager in four, sites of ~500) joined on 5 January 2026. A year of
weekly rounds follows, written straight into the tables (the real `run_round` would take an hour
at 100k): each manager meets one clinician a week, one person in each pair answers (four in
five "We met", the rest split between the other answers with reasons), one pair in ten both
confirm and are offered shadowing, half of those say yes and a third of those say it happened.
Everyone answered the baseline pulse in January and half of them each later quarter's.

Then, timed, on SQLite in a temporary file (and PostgreSQL with --postgres or
CORRIDOR_BENCH_DATABASE_URL; its public schema is dropped first, so give it a database of its
own): the digest for December 2026 (`digest_message`, as `admin digest now` and the scheduler
build it, without the chart) and the board report for 2026-Q4 (`board_report`, without the PDF).
Targets at 100k: digest under 2 s, report under 10 s.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from bench.persist import enrol, fresh_postgres
from bench.slack_common import machine
from bot.config import EngineSettings
from bot.context import default_programme
from bot.digest import digest_message
from bot.report import board_report
from bot.weeks import week_of
from corridor_cli.wiring import build_context
from storage.tables import (
    outcomes,
    pairs,
    participants,
    places,
    pulse_answers,
    rounds,
    shadowing_answers,
    shadowing_offers,
)

LAUNCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
WEEKS = 52
TARGETS = {"digest": 2.0, "report": 10.0}
CHUNK = 20_000
QUARTER_STARTS = {"2026-Q2": datetime(2026, 4, 6, tzinfo=UTC), "2026-Q3": datetime(2026, 7, 6, tzinfo=UTC)}
QUARTER_STARTS["2026-Q4"] = datetime(2026, 10, 5, tzinfo=UTC)
ANSWERS = {"relationship": "tension", "outlook": "same", "understanding": "3", "leadership": "maybe"}


class Clock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


class Seeds:
    def new_seed(self) -> int:
        return 1


@dataclass
class Figures:
    backend: str
    size: int
    rows: int
    digest: float
    report: float


def _write(connection: Any, table: Any, rows: Iterator[dict[str, Any]]) -> int:
    batch, written = [], 0
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            connection.execute(insert(table), batch)
            written += len(batch)
            batch = []
    if batch:
        connection.execute(insert(table), batch)
        written += len(batch)
    return written


def history(ctx: Any) -> int:
    """A year of rounds, pairs, answers, shadowing and pulse, in bulk; returns how many rows."""
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings).saved_id
        uow.commit()
    engine = ctx.uow.engine
    with engine.begin() as connection:
        people = connection.execute(
            select(participants.c.id, participants.c.role, participants.c.site_id)
        ).all()
        kitchen = {row.site_id: row.id for row in connection.execute(select(places.c.id, places.c.site_id))}
        clinicians = [p for p in people if p.role == "clinician"]
        managers = [p for p in people if p.role == "manager"]
        written = 0
        round_rows = [
            {
                "programme_id": programme,
                "week": week_of((LAUNCH + timedelta(weeks=w)).date()),
                "seed": w,
                "held_on": (LAUNCH + timedelta(weeks=w)).date(),
                "created_at": LAUNCH + timedelta(weeks=w),
            }
            for w in range(WEEKS)
        ]
        connection.execute(insert(rounds), round_rows)
        round_ids = connection.execute(select(rounds.c.id).order_by(rounds.c.held_on)).scalars().all()
        next_pair = (
            connection.execute(select(pairs.c.id).order_by(pairs.c.id.desc()).limit(1)).scalar() or 0
        ) + 1
        pair_rows, outcome_rows, offer_rows, answer_rows = [], [], [], []
        for w, round_id in enumerate(round_ids):
            made = LAUNCH + timedelta(weeks=w)
            for m, manager in enumerate(managers):
                clinician = clinicians[(m + w * 7) % len(clinicians)]
                pair_id = next_pair
                next_pair += 1
                pair_rows.append(_pair(pair_id, round_id, clinician, manager, kitchen, made))
                said = pair_id % 10
                kind = "met" if said < 8 else ("not_yet" if said == 8 else "could_not_meet")
                outcome_rows.append(
                    {
                        "pair_id": pair_id,
                        "participant_id": clinician.id,
                        "kind": kind,
                        "reason": "shift_clash" if kind == "could_not_meet" else None,
                        "recorded_at": made + timedelta(days=2),
                    }
                )
                if said == 0:  # both confirmed: offered shadowing
                    outcome_rows.append({**outcome_rows[-1], "participant_id": manager.id})
                    offer_rows.append(_offer(pair_id, clinician.site_id, made, pair_id % 20 == 0))
                    if pair_id % 20 == 0:
                        for who in (clinician.id, manager.id):
                            answer_rows.append(_shadow(pair_id, who, "offer", made + timedelta(days=3)))
                        if pair_id % 60 == 0:
                            answer_rows.append(
                                _shadow(pair_id, clinician.id, "happened", made + timedelta(days=34))
                            )
        written += _write(connection, pairs, iter(pair_rows))
        written += _write(connection, outcomes, iter(outcome_rows))
        written += _write(connection, shadowing_offers, iter(offer_rows))
        written += _write(connection, shadowing_answers, iter(answer_rows))
        written += _write(connection, pulse_answers, _pulse(people))
    if engine.dialect.name == "postgresql":
        # A live database has planner statistics (autovacuum analyses tables as they grow); a
        # table filled a second ago has none, and PostgreSQL then plans nested loops over millions.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    return written + len(round_rows)


def _pair(pair_id: int, round_id: int, clinician: Any, manager: Any, kitchen: dict, made: datetime) -> dict:
    return {
        "id": pair_id,
        "round_id": round_id,
        "clinician_id": clinician.id,
        "manager_id": manager.id,
        "place_id": kitchen.get(clinician.site_id),
        "place_text": "Kitchen",
        "starter": "What made you smile at work this week?",
        "created_at": made,
        "followup_sent_at": None,
    }


def _offer(pair_id: int, site_id: int, made: datetime, agreed: bool) -> dict:
    return {
        "pair_id": pair_id,
        "site_id": site_id,
        "offered_at": made + timedelta(days=2),
        "agreed_at": made + timedelta(days=3) if agreed else None,
        "check_sent_at": made + timedelta(days=33) if agreed else None,
    }


def _shadow(pair_id: int, who: int, question: str, at: datetime) -> dict:
    return {
        "pair_id": pair_id,
        "participant_id": who,
        "question": question,
        "answer": "yes",
        "answered_at": at,
    }


def _pulse(people: list[Any]) -> Iterator[dict[str, Any]]:
    for person in people:
        questions = [q for q in ANSWERS if q != "leadership" or person.role == "clinician"]
        waves = [("baseline", LAUNCH)]
        waves += [(q, start) for q, start in QUARTER_STARTS.items() if person.id % 2 == 0]
        for wave, start in waves:
            for week, question in enumerate(questions):
                asked = start + timedelta(weeks=week)
                yield {
                    "participant_id": person.id,
                    "wave": wave,
                    "question": question,
                    "asked_at": asked,
                    "answer": ANSWERS[question] if (person.id + week) % 5 else "skip",
                    "answered_at": asked + timedelta(hours=3),
                }


def measure(backend: str, url: str, size: int) -> Figures:
    clock = Clock(LAUNCH - timedelta(hours=1))
    ctx = build_context(url, EngineSettings(), clock=clock, seeds=Seeds())
    try:
        enrol(ctx, size)
        rows = history(ctx)
        clock.moment = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
        started = time.perf_counter()
        with ctx.uow() as uow:
            message = digest_message(uow, default_programme(uow, ctx.settings), "2026-12", "")
        digest = time.perf_counter() - started
        assert message.pulse, "December's digest carries the quarter's pulse"
        started = time.perf_counter()
        report = board_report(ctx, "2026-Q4")
        took = time.perf_counter() - started
        assert report.pulse and report.shadowing
        return Figures(backend, size, rows, digest, took)
    finally:
        ctx.uow.engine.dispose()


def show(f: Figures) -> None:
    verdicts = []
    for name, seconds in (("digest", f.digest), ("report", f.report)):
        missed = f.size >= 100_000 and seconds >= TARGETS[name]
        verdicts.append(f"{name} {seconds:6.2f}s" + (" (TARGET MISSED)" if missed else ""))
    print(
        f"{f.backend:<10} {f.size:>7,} participants, {f.rows:,} rows of history: {', '.join(verdicts)}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--postgres", default=os.environ.get("CORRIDOR_BENCH_DATABASE_URL"))
    args = parser.parse_args()
    print(machine())
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="corridor-bench-") as scratch:
            show(measure("SQLite", f"sqlite:///{Path(scratch) / 'bench.db'}", size))
        if args.postgres:
            fresh_postgres(args.postgres)
            show(measure("PostgreSQL", args.postgres, size))


if __name__ == "__main__":
    main()

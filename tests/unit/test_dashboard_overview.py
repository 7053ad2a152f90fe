"""The Overview: who takes part now by site and role, this month so far and the six before it,
each told exactly as the digest would tell it (small numbers and what would reveal them hidden)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.context import default_programme
from bot.dashboard import Dashboard
from bot.digest import digest_message
from bot.published import GUARD_TEXT, SMALL_TEXT
from bot.rounds import run_round


@pytest.fixture
def desk(hospital) -> Dashboard:
    hospital.ctx.settings = replace(hospital.ctx.settings, organisers={"console": frozenset({"olivia"})})
    return Dashboard(hospital.ctx)


def weeks_of_rounds(hospital, weeks: int) -> None:
    for _ in range(weeks):
        report = run_round(hospital.ctx)
        for pair in [p for p in hospital.pairs() if hospital.store().rounds[p.round_id].week == report.week]:
            for member in pair.member_ids():  # both answer, so nobody is paused for silence
                user = hospital.store().participants[member].user_id
                hospital.chat.send(user, f"outcome {pair.id} met")
        hospital.clock.advance(days=7)


def digest_rows(hospital, month: str) -> dict[str, str]:
    with hospital.ctx.uow() as uow:
        programme = default_programme(uow, hospital.ctx.settings)
        return dict(digest_message(uow, programme, month, "").rows)


def test_the_month_so_far_and_the_months_before_say_what_their_digests_say(hospital, desk):
    hospital.clock.current = hospital.clock.current.replace(month=9, day=7)  # Monday 7 September
    for n in range(8):
        hospital.join(f"c{n}", "clinician", name=f"Clinician {n}")
        hospital.join(f"m{n}", "manager", name=f"Manager {n}")
    weeks_of_rounds(hospital, 10)  # September, October, into November
    hospital.join("late", "clinician", "Charing Cross")
    figures = desk.overview()

    assert figures.month == f"{hospital.clock.now():%B %Y}"
    month = f"{hospital.clock.now():%Y-%m}"
    now = digest_rows(hospital, month)
    assert figures.this_month.pairs == now["Pairs made"]
    assert figures.this_month.confirmed == now["Meetings confirmed"]
    assert figures.this_month.answer_rate == now["Answer rate"]
    assert figures.this_month.sit_outs == now["Sit-outs (a week without a partner)"]
    assert [line.month for line in figures.earlier] == [
        "October 2026", "September 2026", "August 2026", "July 2026", "June 2026", "May 2026"
    ]  # fmt: skip
    october = digest_rows(hospital, "2026-10")
    assert figures.earlier[0].pairs == october["Pairs made"] == "32"
    assert figures.earlier[0].confirmed == october["Meetings confirmed"]
    assert figures.earlier[0].clinicians == october["Active clinicians"] == "8"
    assert figures.earlier[1].running and not figures.earlier[2].running
    # Nine clinicians, one at Charing Cross: hiding the 1 alone would let 9 - 8 give it away.
    by_site = {line.site: (line.clinicians, line.managers) for line in figures.by_site}
    assert figures.clinicians == "9"
    assert by_site["Charing Cross"] == (SMALL_TEXT, "none")
    assert by_site["St Mary's"] == (GUARD_TEXT, "8")


def test_before_anyone_joins_the_overview_says_the_programme_has_not_started(hospital, desk):
    figures = desk.overview()
    assert not figures.this_month.running and not any(line.running for line in figures.earlier)
    assert (figures.clinicians, figures.managers, figures.paused) == ("none", "none", "none")

"""Exports for organisers' own analysis: pairs and outcomes as rows, platform ids not names."""

from __future__ import annotations

from datetime import date

from bot.context import Context, default_programme
from bot.model import Pair, Participant, Round

PAIR_COLUMNS = (
    "week",
    "clinician_platform",
    "clinician_user_id",
    "manager_platform",
    "manager_user_id",
    "clinician_site",
    "manager_site",
    "place",
)
OUTCOME_COLUMNS = ("week", "reporter_platform", "reporter_user_id", "outcome", "reason")
FAR_PAST = date(2000, 1, 1)
FAR_FUTURE = date(9999, 1, 1)


def export_rows(
    ctx: Context, what: str, since: date | None = None
) -> tuple[tuple[str, ...], list[list[str]]]:
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        rounds = {
            r.saved_id: r for r in uow.rounds.held_between(programme.saved_id, since or FAR_PAST, FAR_FUTURE)
        }
        pairs = sorted(
            uow.pairs.for_rounds(list(rounds)), key=lambda p: (rounds[p.round_id].week, p.saved_id)
        )
        people = uow.participants.get_many({i for p in pairs for i in p.member_ids()})
        sites = {s.saved_id: s.name for s in uow.sites.list(programme.saved_id)}
        if what == "pairs":
            return PAIR_COLUMNS, [_pair_row(p, rounds, people, sites) for p in pairs]
        week_of_pair = {p.saved_id: rounds[p.round_id].week for p in pairs}
        outcomes = sorted(
            uow.outcomes.for_pairs(list(week_of_pair)), key=lambda o: (week_of_pair[o.pair_id], o.pair_id)
        )
        rows = []
        for outcome in outcomes:
            reporter = people[outcome.participant_id]
            reason = outcome.reason.value if outcome.reason else ""
            rows.append(
                [
                    week_of_pair[outcome.pair_id],
                    reporter.platform,
                    reporter.user_id,
                    outcome.kind.value,
                    reason,
                ]
            )
        return OUTCOME_COLUMNS, rows


def _pair_row(
    pair: Pair, rounds: dict[int, Round], people: dict[int, Participant], sites: dict[int, str]
) -> list[str]:
    clinician, manager = people[pair.clinician_id], people[pair.manager_id]
    return [
        rounds[pair.round_id].week,
        clinician.platform,
        clinician.user_id,
        manager.platform,
        manager.user_id,
        sites.get(clinician.site_id, ""),
        sites.get(manager.site_id, ""),
        pair.place_text,
    ]

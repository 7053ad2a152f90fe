"""A programme's raw monthly counts, read once: the material digests and board reports are made of.

Nothing here is suppressed; bot/published.py decides what of it may be shown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.model import ERASED_NAME, OutcomeKind, Participant, Programme, Reason, Role, Site
from bot.ports import MonthPeople, UnitOfWork
from bot.weeks import month_bounds, month_of

SMALL = 5
UNKNOWN_SITE = "(site not recorded)"


@dataclass
class MonthFigures:
    month: str
    clinicians: int = 0
    managers: int = 0
    joiners: int = 0
    leavers: int = 0
    rounds: int = 0
    pairs: int = 0
    confirmed: int = 0
    answered: int = 0  # people in this month's pairs who said anything at all about meeting
    sit_outs: int = 0  # a person left without a partner in one round counts once per round
    reasons: Counter[str] = field(default_factory=Counter)
    sites: dict[str, list[int]] = field(default_factory=dict)  # site -> [pairs, confirmed]
    places: Counter[str] = field(default_factory=Counter)
    joiners_by_role: Counter[Role] = field(default_factory=Counter)
    leavers_by_role: Counter[Role] = field(default_factory=Counter)
    sit_outs_by_role: Counter[Role] = field(default_factory=Counter)

    def rate(self) -> str:
        if self.pairs < SMALL or self.confirmed < SMALL:
            return "not shown (small numbers)"
        return f"{100 * self.confirmed / self.pairs:.0f}%"


class ProgrammeHistory:
    """People, sites and places read once; each month's rounds, pairs and answers read on demand."""

    def __init__(self, uow: UnitOfWork, programme: Programme):
        self.uow = uow
        self.programme = programme
        self.people = uow.participants.list(programme.saved_id)
        self.sites = uow.sites.list(programme.saved_id)
        listed = uow.places.list(programme.saved_id)
        self.places = {p.saved_id: p.name for p in listed}
        self._place_site = {p.saved_id: p.site_id for p in listed}
        self._role = {p.saved_id: p.role for p in self.people}
        self._site_of = {p.saved_id: p.site_id for p in self.people}
        self._site_name = {s.saved_id: s.name for s in self.sites}

    def launch_month(self) -> str | None:
        """The month the first person joined: the programme was not running before it."""
        joined = [p.joined_at for p in self.people if p.joined_at is not None]
        return month_of(min(joined).date()) if joined else None

    def site_names(self, month: str) -> list[str]:
        return open_sites(self.sites, month)

    def month(self, month: str) -> MonthFigures:
        figures = MonthFigures(month)
        start, end = month_bounds(month)
        for person in self.people:
            self._count_person(figures, person, start, end)
        for site in self.site_names(month):
            figures.sites[site] = [0, 0]
        rounds = self.uow.rounds.held_between(self.programme.saved_id, start, end)
        figures.rounds = len(rounds)
        round_ids = [r.saved_id for r in rounds]
        for sit_out in self.uow.sit_outs.for_rounds(round_ids):
            figures.sit_outs += 1
            figures.sit_outs_by_role[self._role.get(sit_out.participant_id, Role.CLINICIAN)] += 1
        pairs = self.uow.pairs.for_rounds(round_ids)
        figures.pairs = len(pairs)
        outcomes = self.uow.outcomes.for_pairs([p.saved_id for p in pairs])
        met = {o.pair_id for o in outcomes if o.kind is OutcomeKind.MET}
        figures.confirmed = len(met)
        figures.answered = len({(o.pair_id, o.participant_id) for o in outcomes})
        figures.reasons = Counter(
            o.reason.label for o in outcomes if o.reason is not None and o.pair_id not in met
        )
        for pair in pairs:
            # The place a pair was sent to is at the clinician's site as it was that week, which
            # stays true after they move or are erased (erasure moves them to a placeholder site).
            site_id = self._place_site.get(pair.place_id) if pair.place_id is not None else None
            site_id = site_id if site_id is not None else self._site_of.get(pair.clinician_id)
            site = self._site_name.get(site_id, UNKNOWN_SITE) if site_id is not None else UNKNOWN_SITE
            tally = figures.sites.setdefault(site, [0, 0])
            tally[0] += 1
            tally[1] += pair.saved_id in met
            if pair.place_id in self.places:
                figures.places[self.places[pair.place_id]] += 1
        return figures

    @staticmethod
    def _count_person(figures: MonthFigures, person: Participant, start: date, end: date) -> None:
        joined = _day(person.joined_at)
        left = _day(person.left_at)
        if joined is not None and joined < end and (left is None or left >= end):
            figures.clinicians += person.role is Role.CLINICIAN
            figures.managers += person.role is Role.MANAGER
        if joined is not None and start <= joined < end:
            figures.joiners += 1
            figures.joiners_by_role[person.role] += 1
        if left is not None and start <= left < end:
            figures.leavers += 1
            figures.leavers_by_role[person.role] += 1


def open_sites(sites: list[Site], month: str) -> list[str]:
    """Sites open that month: a site retired since still counts for the months it ran."""
    start, _ = month_bounds(month)
    return sorted(
        s.name
        for s in sites
        if (s.retired_at is None or s.retired_at.date() >= start) and s.name != ERASED_NAME
    )


def month_figures(uow: UnitOfWork, programme: Programme, month: str) -> MonthFigures:
    return ProgrammeHistory(uow, programme).month(month)


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None


class CountedHistory:
    """The same months as ProgrammeHistory, counted by the database (uow.figures) rather than
    from every person, pair and answer: what the dashboard's Overview needs each time it opens."""

    def __init__(self, uow: UnitOfWork, programme: Programme):
        self.uow = uow
        self.programme = programme
        self.sites = uow.sites.list(programme.saved_id)
        self.places = {p.saved_id: p.name for p in uow.places.list(programme.saved_id)}
        self._site_name = {s.saved_id: s.name for s in self.sites}

    def launch_month(self) -> str | None:
        first = self.uow.figures.first_joined(self.programme.saved_id)
        return month_of(first.date()) if first is not None else None

    def months(self, months: list[str]) -> list[MonthFigures]:
        everyone = self.uow.figures.month_people(self.programme.saved_id, [month_bounds(m) for m in months])
        return [self._month(month, people) for month, people in zip(months, everyone, strict=True)]

    def month(self, month: str) -> MonthFigures:
        return self.months([month])[0]

    def _month(self, month: str, people: MonthPeople) -> MonthFigures:
        start, end = month_bounds(month)
        rounds = self.uow.rounds.held_between(self.programme.saved_id, start, end)
        done = self.uow.figures.activity([r.saved_id for r in rounds])
        figures = MonthFigures(
            month,
            clinicians=people.taking_part[Role.CLINICIAN],
            managers=people.taking_part[Role.MANAGER],
            joiners=sum(people.joiners.values()),
            leavers=sum(people.leavers.values()),
            rounds=len(rounds),
            pairs=done.pairs,
            confirmed=done.confirmed,
            answered=done.answered,
            sit_outs=sum(done.sit_outs_by_role.values()),
            reasons=Counter({Reason(value).label: n for value, n in done.reasons.items()}),
            joiners_by_role=+people.joiners,
            leavers_by_role=+people.leavers,
            sit_outs_by_role=+done.sit_outs_by_role,
        )
        figures.sites = {site: [0, 0] for site in open_sites(self.sites, month)}
        for site_id, (pairs, confirmed) in done.by_site.items():
            site = self._site_name.get(site_id, UNKNOWN_SITE) if site_id is not None else UNKNOWN_SITE
            tally = figures.sites.setdefault(site, [0, 0])
            tally[0] += pairs
            tally[1] += confirmed
        for place_id, count in done.by_place.items():
            if place_id in self.places:
                figures.places[self.places[place_id]] += count
        return figures

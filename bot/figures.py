"""A programme's raw monthly counts, read once: the material digests and board reports are made of.

Nothing here is suppressed; bot/published.py decides what of it may be shown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.model import ERASED_NAME, Programme, Reason, Role, Site
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
        self.sites = uow.sites.list(programme.saved_id)
        listed = uow.places.list(programme.saved_id)
        self.places = {p.saved_id: p.name for p in listed}
        self._site_name = {s.saved_id: s.name for s in self.sites}
        # (role, month joined) and (role, month joined or None, month left): all the months need,
        # read as three columns rather than everyone's whole row.
        self._joined: Counter[tuple[Role, str]] = Counter()
        self._left: Counter[tuple[Role, str | None, str]] = Counter()
        self._first: str | None = None
        for role_name, joined_at, left_at in uow.participants.comings_and_goings(programme.saved_id):
            role = Role(role_name)
            joined = month_of(joined_at.date()) if joined_at is not None else None
            if joined is not None:
                self._joined[(role, joined)] += 1
                self._first = joined if self._first is None else min(self._first, joined)
            if left_at is not None:
                self._left[(role, joined, month_of(left_at.date()))] += 1

    def launch_month(self) -> str | None:
        """The month the first person joined: the programme was not running before it."""
        return self._first

    def site_names(self, month: str) -> list[str]:
        return open_sites(self.sites, month)

    def month(self, month: str) -> MonthFigures:
        figures = MonthFigures(month)
        start, end = month_bounds(month)
        self._count_people(figures, month)
        for site in self.site_names(month):
            figures.sites[site] = [0, 0]
        rounds = self.uow.rounds.held_between(self.programme.saved_id, start, end)
        figures.rounds = len(rounds)
        # Added up by the database: a year of rounds at 100k people is millions of rows.
        tally = self.uow.pairs.tally([r.saved_id for r in rounds])
        for role, count in tally.sit_outs_by_role.items():
            figures.sit_outs += count
            figures.sit_outs_by_role[Role(role)] += count
        figures.answered = tally.answered
        figures.reasons = Counter({Reason(reason).label: n for reason, n in tally.reasons.items()})
        # A pair counts at the site of the place it was sent to, else the clinician's site as it is
        # now: true after they move or are erased (erasure moves them to a placeholder site).
        for site_id, (pairs, confirmed) in tally.by_site.items():
            site = self._site_name.get(site_id, UNKNOWN_SITE) if site_id is not None else UNKNOWN_SITE
            counted = figures.sites.setdefault(site, [0, 0])
            counted[0] += pairs
            counted[1] += confirmed
            figures.pairs += pairs
            figures.confirmed += confirmed
        for place_id, count in tally.places.items():
            if place_id in self.places:
                figures.places[self.places[place_id]] += count
        return figures

    def _count_people(self, figures: MonthFigures, month: str) -> None:
        """From counts of joining and leaving by month, made once: not a pass over everyone a month."""
        for (role, joined), count in self._joined.items():
            if joined <= month:
                figures.clinicians += count if role is Role.CLINICIAN else 0
                figures.managers += count if role is Role.MANAGER else 0
            if joined == month:
                figures.joiners += count
                figures.joiners_by_role[role] += count
        for (role, came, left), count in self._left.items():
            if came is not None and came <= month and left <= month:
                figures.clinicians -= count if role is Role.CLINICIAN else 0
                figures.managers -= count if role is Role.MANAGER else 0
            if left == month:
                figures.leavers += count
                figures.leavers_by_role[role] += count


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

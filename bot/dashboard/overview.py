"""The Overview page's figures: who takes part now, this month so far and the six before it,
and the next round.

Every count follows the digest's rules: the months are published exactly as the digests are
(bot/published.py: a count of 1 to 4 shows as "fewer than 5", and enough others are hidden
that it cannot be worked out from the sums), and the people taking part now, by site and
role, are one more small table decided the same way (bot/suppression.py). The database does
the counting (uow.figures), so opening the page reads a few grouped rows, not every person.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.context import Context, default_programme, programme_settings
from bot.digest import NOT_RUNNING, month_name, share
from bot.figures import CountedHistory, MonthFigures
from bot.model import Role, Status
from bot.ports import PeopleCount
from bot.published import GUARD_TEXT, SMALL_TEXT, WITHHELD_TEXT, Publication, cell, publish
from bot.suppression import Table, Visibility, decide
from bot.weeks import month_of, months_back, months_between

EARLIER_MONTHS = 6
FRESH = timedelta(seconds=30)


@dataclass(frozen=True)
class MonthLine:
    month: str  # e.g. "May 2026"
    running: bool
    clinicians: str = NOT_RUNNING
    managers: str = NOT_RUNNING
    pairs: str = NOT_RUNNING
    confirmed: str = NOT_RUNNING
    confirmation_rate: str = NOT_RUNNING
    answer_rate: str = NOT_RUNNING
    sit_outs: str = NOT_RUNNING


@dataclass(frozen=True)
class SiteLine:
    site: str
    clinicians: str
    managers: str


@dataclass(frozen=True)
class Overview:
    programme: str
    month: str  # e.g. "May 2026"
    clinicians: str  # active now
    managers: str
    paused: str
    this_month: MonthLine
    next_round: datetime  # in the programme's timezone
    by_site: list[SiteLine] = field(default_factory=list)  # active now, by site and role
    # This month's pairs and confirmed meetings by site: (site, pairs, confirmed).
    month_by_site: list[tuple[str, str, str]] = field(default_factory=list)
    earlier: list[MonthLine] = field(default_factory=list)  # the six months before, newest first

    @property
    def pairs(self) -> str:
        return self.this_month.pairs

    @property
    def confirmed(self) -> str:
        return self.this_month.confirmed

    @property
    def rate(self) -> str:
        return self.this_month.confirmation_rate


class OverviewCache:
    """One Overview shared for FRESH, like the Rounds page's preview: ten organisers opening it
    together count once. The dashboard forgets it whenever an organiser changes anything; a
    change made in chat (someone joining) shows within FRESH."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: tuple[datetime, Overview] | None = None

    def get(self, ctx: Context) -> Overview:
        with self._lock:
            now = ctx.clock.now()
            if self._kept is None or not timedelta(0) <= now - self._kept[0] <= FRESH:
                self._kept = (now, overview(ctx))
            return self._kept[1]

    def forget(self) -> None:
        with self._lock:
            self._kept = None


def overview(ctx: Context) -> Overview:
    today = ctx.today()
    month = month_of(today)
    with ctx.uow(read_only=True) as uow:
        programme = default_programme(uow, ctx.settings)
        history = CountedHistory(uow, programme)
        launch = history.launch_month()
        months = [] if launch is None or launch > month else months_between(launch, month)
        figures = history.months(months)
        counts = uow.figures.people(programme.saved_id, today)
        site_names = {s.saved_id: s.name for s in history.sites}
        open_sites = {s.saved_id for s in history.sites if not s.retired}
    published = publish(figures)
    now = _people_now(counts, site_names, open_sites)
    this_month = _month_line(published, month)
    return Overview(
        programme=programme.name,
        month=month_name(month),
        clinicians=now.text("clinicians"),
        managers=now.text("managers"),
        paused=now.text("paused"),
        this_month=this_month,
        next_round=next_round_at(ctx),
        by_site=now.sites,
        month_by_site=_month_sites(published, figures[-1]) if this_month.running else [],
        earlier=[_month_line(published, m) for m in reversed(months_back(month, EARLIER_MONTHS + 1)[:-1])],
    )


def next_round_at(ctx: Context) -> datetime:
    """The next scheduled round after now, in the programme's timezone, on the chosen cadence."""
    chosen = programme_settings(ctx)
    return chosen.next_round_after(ctx.clock.now()).astimezone(chosen.timezone)


def _month_line(published: Publication, month: str) -> MonthLine:
    if month not in published.months:
        return MonthLine(month_name(month), running=False)

    def text(name: str) -> str:
        return published.text(cell(month, name))

    return MonthLine(
        month_name(month),
        running=True,
        clinicians=text("clinicians"),
        managers=text("managers"),
        pairs=text("pairs"),
        confirmed=text("confirmed"),
        confirmation_rate=share(published, cell(month, "confirmed"), cell(month, "pairs")),
        answer_rate=share(published, cell(month, "answered"), cell(month, "pairs"), per_pair=2),
        sit_outs=text("sit_outs"),
    )


def _month_sites(published: Publication, figures: MonthFigures) -> list[tuple[str, str, str]]:
    m = figures.month
    return [
        (
            site,
            published.text(cell(m, f"site:{site}:pairs")),
            published.text(cell(m, f"site:{site}:confirmed")),
        )
        for site in sorted(figures.sites, key=str.casefold)
    ]


@dataclass(frozen=True)
class _PeopleNow:
    values: dict[str, int]
    state: dict[str, Visibility]
    sites: list[SiteLine]

    def text(self, key: str) -> str:
        return _text(self.values[key], self.state[key])


def _people_now(counts: list[PeopleCount], names: dict[int, str], open_sites: set[int]) -> _PeopleNow:
    """Active people by site and role, and the totals, with the digest's suppression: a site's
    small count cannot be worked out from the total and the other sites."""
    active: Counter[tuple[int, Role]] = Counter()
    for c in counts:
        if c.status is Status.ACTIVE:
            active[c.site_id, c.role] += c.count
    shown = sorted(open_sites | {site for site, _ in active}, key=lambda s: names.get(s, "").casefold())
    values = {"paused": sum(c.count for c in counts if c.status is Status.PAUSED)}
    relations: list[dict[str, int]] = []
    for role, total in ((Role.CLINICIAN, "clinicians"), (Role.MANAGER, "managers")):
        values[total] = sum(n for (_, r), n in active.items() if r is role)
        values |= {f"{site}:{role.value}": active[site, role] for site in shown}
        relations.append({total: 1, **{f"{site}:{role.value}": -1 for site in shown}})
    state = decide(Table(values, relations))
    lines = [
        SiteLine(
            names.get(site, "(site not recorded)"),
            _text(values[f"{site}:clinician"], state[f"{site}:clinician"]),
            _text(values[f"{site}:manager"], state[f"{site}:manager"]),
        )
        for site in shown
    ]
    return _PeopleNow(values, state, lines)


def _text(value: int, seen: Visibility) -> str:
    if seen is Visibility.SMALL:
        return SMALL_TEXT
    if seen is Visibility.GUARD:
        return GUARD_TEXT
    if seen is Visibility.WITHHELD:
        return WITHHELD_TEXT
    return "none" if value == 0 else str(value)

"""The Rounds page: when the next round goes out, what it would do, running it now, and history.

The preview is the round's own planning run without writing anything (a dry run), kept for
half a minute so organisers opening the page together share one. The real
round draws a fresh random seed and counts whoever is available on the day, so its pairs can
differ from the preview; the page says so. Past rounds' counts hide small numbers, as the
digest does.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.context import Context, default_programme, programme_settings
from bot.dashboard.audit import record
from bot.dashboard.sites import Change
from bot.digest import shown
from bot.model import Organiser
from bot.rounds import run_round
from bot.weeks import week_of

SHOWN_ROUNDS = 12
# Planning a round of thousands takes a second or two and, on SQLite, holds the database
# while it runs; organisers opening the page together share one plan for this long.
PREVIEW_FRESH = timedelta(seconds=30)
# A preview of thousands of pairs is a list nobody reads; the counts say the rest.
SHOWN_PAIRS = 200


@dataclass(frozen=True)
class PreviewPair:
    clinician: str
    clinician_site: str
    manager: str
    manager_site: str
    place: str


@dataclass(frozen=True)
class Preview:
    week: str
    pairs: int
    sit_outs: int
    same_site: int
    repeats: int
    top_up: bool
    shown_pairs: list[PreviewPair] = field(default_factory=list)
    shown_sit_outs: list[tuple[str, str, str]] = field(default_factory=list)  # name, role, site

    @property
    def more_pairs(self) -> int:
        return self.pairs - len(self.shown_pairs)

    @property
    def more_sit_outs(self) -> int:
        return self.sit_outs - len(self.shown_sit_outs)


@dataclass(frozen=True)
class PastRound:
    week: str
    held_on: date
    pairs: str
    sit_outs: str
    confirmed: str


@dataclass(frozen=True)
class RoundsView:
    next_round: datetime  # in the programme's timezone
    cadence: str
    this_week: str
    this_week_ran: bool
    preview: Preview
    past: list[PastRound] = field(default_factory=list)


class PreviewCache:
    """One preview per week, shared for PREVIEW_FRESH; one organiser plans while others wait."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, tuple[datetime, Preview]] = {}

    def get(self, ctx: Context, week: str) -> Preview:
        with self._lock:
            kept = self._kept.get(week)
            now = ctx.clock.now()
            if kept is None or now - kept[0] > PREVIEW_FRESH:
                kept = self._kept[week] = (now, preview(ctx, week))
            return kept[1]

    def forget(self) -> None:
        with self._lock:
            self._kept.clear()


def rounds_view(ctx: Context, cache: PreviewCache | None = None) -> RoundsView:
    chosen = programme_settings(ctx)
    next_round = chosen.next_round_after(ctx.clock.now()).astimezone(chosen.timezone)
    this_week = week_of(ctx.today())
    past = past_rounds(ctx)
    return RoundsView(
        next_round=next_round,
        cadence={1: "every week", 2: "every 2 weeks", 4: "every 4 weeks"}[chosen.cadence_weeks],
        this_week=this_week,
        this_week_ran=any(r.week == this_week for r in past),
        preview=(cache or PreviewCache()).get(ctx, week_of(next_round.date())),
        past=past,
    )


def preview(ctx: Context, week: str) -> Preview:
    report = run_round(ctx, week, dry_run=True)
    return Preview(
        week=week,
        pairs=len(report.pairs),
        sit_outs=len(report.sat_out),
        same_site=report.same_site,
        repeats=report.repeats,
        top_up=report.top_up,
        shown_pairs=[
            PreviewPair(
                p.clinician.name, p.clinician.site, p.manager.name, p.manager.site, p.meetup.summary()
            )
            for p in report.pairs[:SHOWN_PAIRS]
        ],
        shown_sit_outs=[(c.name, c.role, c.site) for c in report.sat_out[:SHOWN_PAIRS]],
    )


def past_rounds(ctx: Context, limit: int = SHOWN_ROUNDS) -> list[PastRound]:
    with ctx.uow(read_only=True) as uow:
        programme = default_programme(uow, ctx.settings)
        rounds = uow.rounds.recent(programme.saved_id, limit)
        counted = uow.figures.per_round([r.saved_id for r in rounds])
    return [
        PastRound(
            r.week,
            r.held_on,
            shown(counted[r.saved_id].pairs),
            shown(counted[r.saved_id].sit_outs),
            shown(counted[r.saved_id].confirmed),
        )
        for r in rounds
    ]


def run_now(ctx: Context, who: Organiser, cache: PreviewCache | None = None) -> Change:
    """As `admin round now`: this week's round, or a top-up pairing only people not yet paired."""
    report = run_round(ctx)
    if cache is not None:
        cache.forget()
    summary = report.summary()
    if report.recorded:
        with ctx.uow() as uow:
            programme = default_programme(uow, ctx.settings)
            record(uow, ctx, programme, who, "Ran a round", summary)
            uow.commit()
    return Change(done=summary)

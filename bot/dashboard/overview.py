"""The Overview page's figures: who takes part, this month's pairs and meetings, the next round.

Counts under five are shown as "fewer than 5", exactly as in the monthly digest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.context import Context, default_programme, programme_settings
from bot.digest import month_figures, shown
from bot.model import Role, Status
from bot.weeks import month_bounds, month_of


@dataclass(frozen=True)
class Overview:
    programme: str
    month: str  # e.g. "May 2026"
    clinicians: str
    managers: str
    paused: str
    pairs: str
    confirmed: str
    rate: str
    next_round: datetime  # in the programme's timezone
    by_site: list[tuple[str, str, str]] = field(default_factory=list)  # site, clinicians, managers


def overview(ctx: Context) -> Overview:
    today = ctx.today()
    month = month_of(today)
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        figures = month_figures(uow, programme, month)
        people = [p for p in uow.participants.list(programme.saved_id) if not p.erased]
        sites = [s for s in uow.sites.list(programme.saved_id) if not s.retired]
    active = [p for p in people if p.status_on(today) is Status.ACTIVE]
    by_site = [
        (
            site.name,
            shown(sum(p.site_id == site.id and p.role is Role.CLINICIAN for p in active)),
            shown(sum(p.site_id == site.id and p.role is Role.MANAGER for p in active)),
        )
        for site in sites
    ]
    return Overview(
        programme=programme.name,
        month=month_bounds(month)[0].strftime("%B %Y"),
        clinicians=shown(sum(p.role is Role.CLINICIAN for p in active)),
        managers=shown(sum(p.role is Role.MANAGER for p in active)),
        paused=shown(sum(p.status_on(today) is Status.PAUSED for p in people)),
        pairs=shown(figures.pairs),
        confirmed=shown(figures.confirmed),
        rate=figures.rate(),
        next_round=next_round_at(ctx),
        by_site=by_site,
    )


def next_round_at(ctx: Context) -> datetime:
    """The next scheduled round after now, in the programme's timezone, on the chosen cadence."""
    chosen = programme_settings(ctx)
    return chosen.next_round_after(ctx.clock.now()).astimezone(chosen.timezone)

"""The Digest and reports page: this month so far, as `Send now` would post it, and where to.

The figures are the digest's own (bot.digest.digest_message), so small numbers are hidden
exactly as in the posted message and nobody is named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.context import Context, default_programme, programme_settings_in
from bot.dashboard.audit import record
from bot.dashboard.sites import Change
from bot.digest import digest_channels, digest_message, send_digest
from bot.messages import DigestMessage
from bot.model import Organiser
from bot.weeks import month_bounds, month_of, previous_month

PLATFORM_LABELS = {"slack": "Slack", "teams": "Microsoft Teams", "console": "Console"}


@dataclass(frozen=True)
class DigestView:
    message: DigestMessage
    channels: list[tuple[str, str]] = field(default_factory=list)  # platform label, channel id
    next_scheduled: datetime | None = None  # in the programme's timezone
    next_covers: str = ""  # e.g. "June 2026"


def digest_view(ctx: Context) -> DigestView:
    month = month_of(ctx.today())
    now = ctx.clock.now()
    with ctx.uow(read_only=True) as uow:
        programme = default_programme(uow, ctx.settings)
        chosen = programme_settings_in(uow, ctx.settings)
        message = digest_message(uow, programme, month, "")
        channels = digest_channels(uow, ctx, programme)
    due = chosen.digest_moment(month)
    covers = previous_month(month)
    if due <= now:
        following = _next_month(month)
        due, covers = chosen.digest_moment(following), month
    return DigestView(
        message=message,
        channels=[(PLATFORM_LABELS.get(p, p), c) for p, c in sorted(channels.items())],
        next_scheduled=due.astimezone(chosen.timezone),
        next_covers=month_bounds(covers)[0].strftime("%B %Y"),
    )


def send_now(ctx: Context, who: Organiser) -> Change:
    """As `admin digest now`: this month so far, to every digest channel."""
    report = send_digest(ctx, adhoc=True)
    summary = report.summary()
    if not report.channels:
        return Change(problems={"send": summary})
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        record(uow, ctx, programme, who, "Sent the digest", summary)
        uow.commit()
    return Change(done=summary)


def _next_month(month: str) -> str:
    return month_of(month_bounds(month)[1])

"""The Digest and reports page: this month so far, as `Send now` would post it, and where to;
and the quarterly board report for a chosen quarter, as a PDF to download.

The figures are the digest's own (bot.digest.digest_message), so small numbers are hidden
exactly as in the posted message and nobody is named. The board report is bot.report's,
drawn by the same renderer as `corridor report --quarter Q --out FILE` (the ReportRenderer port).
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
from bot.published import quarter_of
from bot.report import board_report
from bot.weeks import month_bounds, month_of, months_between, previous_month

PLATFORM_LABELS = {"slack": "Slack", "teams": "Microsoft Teams", "console": "Console"}


@dataclass(frozen=True)
class DigestView:
    message: DigestMessage
    channels: list[tuple[str, str]] = field(default_factory=list)  # platform label, channel id
    next_scheduled: datetime | None = None  # in the programme's timezone
    next_covers: str = ""  # e.g. "June 2026"
    # Quarters a board report can be downloaded for, newest first (none without a renderer).
    quarters: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BoardReportFile:
    filename: str
    pdf: bytes


def digest_view(ctx: Context) -> DigestView:
    month = month_of(ctx.today())
    now = ctx.clock.now()
    with ctx.uow(read_only=True) as uow:
        programme = default_programme(uow, ctx.settings)
        chosen = programme_settings_in(uow, ctx.settings)
        message = digest_message(uow, programme, month, "")
        channels = digest_channels(uow, ctx, programme)
        first = uow.figures.first_joined(programme.saved_id)
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
        quarters=_quarters(month_of(first.date()), month) if first and ctx.reports else [],
    )


def board_report_file(ctx: Context, quarter: str) -> BoardReportFile | None:
    """The quarter's board report as a PDF; None for a quarter the page does not offer."""
    if ctx.reports is None or quarter not in digest_view(ctx).quarters:
        return None
    pdf = ctx.reports.render(board_report(ctx, quarter))
    return BoardReportFile(f"board-report-{quarter}.pdf", pdf)


def _quarters(first: str, last: str) -> list[str]:
    return list(reversed(dict.fromkeys(quarter_of(m) for m in months_between(first, last))))


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

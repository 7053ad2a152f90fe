"""The monthly participation digest for organisers: counts only, small numbers hidden.

Any count from 1 to 4 is shown as "fewer than 5", and so are enough others that it cannot be
worked out by adding or subtracting (bot/published.py). Nobody is ever named, so the digest
can go to a board paper without identifying a ward sister who never turned up.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime

from bot.chart import Bar, ChartFigures
from bot.context import Context, default_programme
from bot.errors import Conflict
from bot.evidence_rows import evidence_by_quarter, pulse_rows, shadowing_rows
from bot.figures import SMALL, MonthFigures, ProgrammeHistory
from bot.figures import month_figures as month_figures
from bot.messages import DIGEST, DigestMessage
from bot.model import DigestRecord, OutboxMessage, Programme, Reason
from bot.ports import ChartRenderer, UnitOfWork
from bot.published import HIDDEN_RATE, Publication, cell, publish, quarter_of
from bot.suppression import Visibility
from bot.weeks import month_bounds, month_of, months_back, months_between, previous_month

OTHER = Reason.OTHER.label

CHART_MONTHS = 6
DIGEST_CHANNEL_KEY = "digest_channel:"
NOT_RUNNING = "not running"
FIRST_MONTH = "first month"


def shown(count: int) -> str:
    """One count on its own (the dashboard's figures): none, fewer than 5, or the number."""
    if count == 0:
        return "none"
    return f"fewer than {SMALL}" if count < SMALL else str(count)


def programme_history(
    uow: UnitOfWork, programme: Programme, month: str
) -> tuple[ProgrammeHistory, list[str]]:
    """The history and the months from launch up to `month` (empty when it began later)."""
    history = ProgrammeHistory(uow, programme)
    launch = history.launch_month()
    months = [] if launch is None or launch > month else months_between(launch, month)
    return history, months


def digest_message(
    uow: UnitOfWork, programme: Programme, month: str, channel: str, charts: ChartRenderer | None = None
) -> DigestMessage:
    history, months = programme_history(uow, programme, month)
    figures = [history.month(m) for m in months]
    published = publish(figures, evidence_by_quarter(uow, programme, history, months))
    running = bool(months)
    now = figures[-1] if running else MonthFigures(month)
    chart = charts.render(digest_chart(programme, published, month)) if charts is not None else None
    return DigestMessage(
        month=month,
        title=f"{programme.name} digest for {month_name(month)}",
        rows=_rows(published, now) if running else [["Programme", NOT_RUNNING]],
        sites=_sites(published, now) if running else [],
        places=[name for name, count in now.places.most_common(3) if count >= SMALL],
        reasons=_reasons(published, now) if running else [],
        channel=channel,
        chart_png_base64=base64.b64encode(chart).decode("ascii") if chart is not None else None,
        pulse=quarter_lines(published, quarter_of(month)),
    )


def quarter_lines(published: Publication, quarter: str) -> list[str]:
    """The pulse and shadowing once a quarter's answers are in: in its last month's digest."""
    pulse = pulse_rows(published, quarter)
    if not pulse:
        return []
    lines = [f"Relationship pulse, {quarter} (this quarter / at baseline / national survey of managers):"]
    lines += [
        f"  {label}: {now} / {then}" + (f" / {national}" if national else "")
        for label, now, then, national in pulse
    ]
    lines.append(f"Shadowing, {quarter}:")
    lines += [f"  {label}: {value}" for label, value in shadowing_rows(published, quarter)]
    return lines


def _rows(published: Publication, now: MonthFigures) -> list[list[str]]:
    m = now.month
    before = published.months[-2] if len(published.months) > 1 else None
    launch = month_name(published.months[0])
    return [
        ["Active clinicians", published.text(cell(m, "clinicians"))],
        ["Active managers", published.text(cell(m, "managers"))],
        ["Joined this month", published.text(cell(m, "joiners"))],
        ["Left this month", published.text(cell(m, "leavers"))],
        ["Rounds", str(now.rounds) if now.rounds else "none"],
        ["Pairs made", published.text(cell(m, "pairs"))],
        ["Meetings confirmed", published.text(cell(m, "confirmed"))],
        ["Confirmation rate", share(published, cell(m, "confirmed"), cell(m, "pairs"))],
        ["Answer rate", share(published, cell(m, "answered"), cell(m, "pairs"), per_pair=2)],
        ["Sit-outs (a week without a partner)", published.text(cell(m, "sit_outs"))],
        ["Pairs vs last month", change(published, m, before, "pairs")],
        ["Meetings vs last month", change(published, m, before, "confirmed")],
        [f"Joined since launch ({launch})", published.text(cell(m, "total_joined"))],
        ["Pairs made since launch", published.text(cell(m, "total_pairs"))],
        ["Meetings confirmed since launch", published.text(cell(m, "total_confirmed"))],
    ]


def share(published: Publication, part: str, whole: str, per_pair: int = 1) -> str:
    """A percentage, shown only when both of its counts are: otherwise it would reveal them."""
    if published.values[whole] == 0:
        return "no pairs"
    if not (published.shows(part) and published.shows(whole)):
        return HIDDEN_RATE
    return f"{100 * published.values[part] / (per_pair * published.values[whole]):.0f}%"


def change(published: Publication, month: str, before: str | None, name: str) -> str:
    if before is None:
        return FIRST_MONTH
    now, then = cell(month, name), cell(before, name)
    if not (published.shows(now) and published.shows(then)):
        return HIDDEN_RATE
    if published.values[then] == 0:
        return "none last month"
    return f"{100 * (published.values[now] - published.values[then]) / published.values[then]:+.0f}%"


def _sites(published: Publication, now: MonthFigures) -> list[list[str]]:
    m = now.month
    return [
        [
            site,
            published.text(cell(m, f"site:{site}:pairs")),
            published.text(cell(m, f"site:{site}:confirmed")),
        ]
        for site in sorted(now.sites)
    ]


def _reasons(published: Publication, now: MonthFigures) -> list[list[str]]:
    """Largest first, but "other" last: it says nothing a board can act on."""
    ordered = sorted(now.reasons.items(), key=lambda item: (item[0] == OTHER, -item[1], item[0]))
    return [[reason, published.text(cell(now.month, f"reason:{reason}"))] for reason, _ in ordered]


def digest_chart(programme: Programme, published: Publication, month: str) -> ChartFigures:
    months = months_back(month, CHART_MONTHS)
    return ChartFigures.of(
        f"{programme.name}: pairs made and meetings confirmed",
        months,
        [_bar(published, m, "pairs") for m in months],
        [_bar(published, m, "confirmed") for m in months],
    )


def _bar(published: Publication, month: str, name: str) -> Bar:
    key = cell(month, name)
    if key not in published.state:
        return Bar(None, NOT_RUNNING)
    if published.shows(key):
        return Bar(published.values[key], "")
    return Bar(None, "<5" if published.state[key] is Visibility.SMALL else "hidden")


def month_name(month: str) -> str:
    return month_bounds(month)[0].strftime("%B %Y")


def digest_channels(uow: UnitOfWork, ctx: Context, programme: Programme) -> dict[str, str]:
    channels = dict(ctx.settings.digest_channels)
    for platform in ("slack", "teams", "console"):
        chosen = uow.settings.get(programme.saved_id, DIGEST_CHANNEL_KEY + platform)
        if chosen:
            channels[platform] = chosen
    return channels


@dataclass
class DigestReport:
    month: str
    message: DigestMessage | None = None
    channels: list[str] = field(default_factory=list)
    already_sent: bool = False
    dry_run: bool = False

    def summary(self) -> str:
        if self.already_sent:
            return f"The digest for {self.month} was already sent; nothing new to do."
        if not self.channels:
            return (
                f"The digest for {self.month} has nowhere to go: no digest channel is set. An organiser "
                "types `admin channel here` in the channel that should receive it."
            )
        verb = "would go" if self.dry_run else "queued"
        return f"Digest for {self.month} {verb} to {', '.join(self.channels)}."


def send_digest(
    ctx: Context,
    month: str | None = None,
    *,
    dry_run: bool = False,
    scheduled: bool = False,
    adhoc: bool = False,
) -> DigestReport:
    """The monthly digest (default: last month), or with adhoc=True this month so far, on demand."""
    now = ctx.clock.now()
    month = month or (month_of(ctx.today()) if adhoc else previous_month(month_of(ctx.today())))
    report = DigestReport(month=month, dry_run=dry_run)
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        if not adhoc and uow.digests.get(programme.saved_id, month) is not None:
            report.already_sent = True
            return report
        channels = digest_channels(uow, ctx, programme)
        message = report.message = digest_message(uow, programme, month, "", ctx.charts)
        report.channels = [f"{platform} {channel}" for platform, channel in sorted(channels.items())]
        if dry_run or not channels:
            # With nowhere to send it, the month is not marked done: it goes once a channel is set.
            return report
        tag = f"adhoc-{now:%Y%m%dT%H%M%S}" if adhoc else "monthly"
        try:
            if not adhoc:
                # First, so a second process loses here before queuing anything.
                uow.digests.add(DigestRecord(programme.saved_id, month, now))
            for platform, channel in sorted(channels.items()):
                uow.outbox.add_if_absent(
                    _digest_outbox(programme, month, platform, channel, tag, message, now)
                )
            uow.commit()
        except Conflict:
            uow.rollback()
            report.already_sent = True
    return report


def _digest_outbox(
    programme: Programme,
    month: str,
    platform: str,
    channel: str,
    tag: str,
    message: DigestMessage,
    now: datetime,
) -> OutboxMessage:
    addressed = DigestMessage(**{**message.to_payload(), "channel": channel})
    return OutboxMessage(
        programme_id=programme.saved_id,
        key=f"{programme.saved_id}:{month}:{DIGEST}:{tag}:{platform}:{channel}",
        kind=DIGEST,
        platform=platform,
        payload=addressed.to_payload(),
        created_at=now,
        next_attempt_at=now,
    )

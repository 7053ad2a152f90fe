"""The monthly participation digest for organisers: counts only, small numbers hidden.

Any count under SMALL is shown as "fewer than 5" and nobody is ever named, so the
digest can go to a board paper without identifying a ward sister who never turned up.
"""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.chart import ChartFigures
from bot.context import Context, default_programme
from bot.errors import Conflict
from bot.messages import DIGEST, DigestMessage
from bot.model import DigestRecord, OutboxMessage, OutcomeKind, Programme, Role
from bot.ports import ChartRenderer, UnitOfWork
from bot.weeks import month_bounds, month_of, months_back, previous_month

SMALL = 5
CHART_MONTHS = 6
DIGEST_CHANNEL_KEY = "digest_channel:"


def shown(count: int) -> str:
    return f"fewer than {SMALL}" if count < SMALL else str(count)


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
    reasons: Counter[str] = field(default_factory=Counter)
    sites: dict[str, list[int]] = field(default_factory=dict)  # site -> [pairs, confirmed]
    places: Counter[str] = field(default_factory=Counter)

    def rate(self) -> str:
        if self.pairs < SMALL or self.confirmed < SMALL:
            return "not shown (small numbers)"
        return f"{100 * self.confirmed / self.pairs:.0f}%"


def month_figures(uow: UnitOfWork, programme: Programme, month: str) -> MonthFigures:
    start, end = month_bounds(month)
    figures = MonthFigures(month)
    people = uow.participants.list(programme.saved_id)
    for person in people:
        joined = _day(person.joined_at)
        left = _day(person.left_at)
        if joined is not None and joined < end and (left is None or left >= end):
            figures.clinicians += person.role is Role.CLINICIAN
            figures.managers += person.role is Role.MANAGER
        figures.joiners += joined is not None and start <= joined < end
        figures.leavers += left is not None and start <= left < end
    rounds = uow.rounds.held_between(programme.saved_id, start, end)
    figures.rounds = len(rounds)
    pairs = uow.pairs.for_rounds([r.saved_id for r in rounds])
    figures.pairs = len(pairs)
    outcomes = uow.outcomes.for_pairs([p.saved_id for p in pairs])
    met = {o.pair_id for o in outcomes if o.kind is OutcomeKind.MET}
    figures.confirmed = len(met)
    figures.reasons = Counter(
        o.reason.label for o in outcomes if o.reason is not None and o.pair_id not in met
    )
    sites = {s.saved_id: s.name for s in uow.sites.list(programme.saved_id)}
    site_of = {p.saved_id: p.site_id for p in people}
    listed = uow.places.list(programme.saved_id)
    places = {p.saved_id: p.name for p in listed}
    place_site = {p.saved_id: p.site_id for p in listed}
    for pair in pairs:
        # The place a pair was sent to is at the clinician's site as it was that week, which
        # stays true after they move or are erased (erasure moves them to a placeholder site).
        site_id = place_site.get(pair.place_id) if pair.place_id is not None else None
        site_id = site_id if site_id is not None else site_of.get(pair.clinician_id)
        site = sites.get(site_id, "?") if site_id is not None else "?"
        tally = figures.sites.setdefault(site, [0, 0])
        tally[0] += 1
        tally[1] += pair.saved_id in met
        if pair.place_id in places:
            figures.places[places[pair.place_id]] += 1
    return figures


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None


def digest_message(
    uow: UnitOfWork, programme: Programme, month: str, channel: str, charts: ChartRenderer | None = None
) -> DigestMessage:
    now = month_figures(uow, programme, month)
    before = month_figures(uow, programme, previous_month(month))
    history = [month_figures(uow, programme, m) for m in months_back(month, CHART_MONTHS)[:-1]]
    series = [*history, now]
    figures = ChartFigures(
        "Corridor: pairs made and meetings confirmed",
        [f.month for f in series],
        [f.pairs for f in series],
        [f.confirmed for f in series],
        SMALL,
    )
    chart = charts.render(figures) if charts is not None else None
    rows = [
        ["Active clinicians", shown(now.clinicians)],
        ["Active managers", shown(now.managers)],
        ["Joined this month", shown(now.joiners)],
        ["Left this month", shown(now.leavers)],
        ["Rounds", str(now.rounds)],
        ["Pairs made", shown(now.pairs)],
        ["Meetings confirmed", shown(now.confirmed)],
        ["Confirmation rate", now.rate()],
        ["Pairs vs last month", _change(now.pairs, before.pairs)],
        ["Meetings vs last month", _change(now.confirmed, before.confirmed)],
    ]
    return DigestMessage(
        month=month,
        title=f"Corridor digest for {_month_name(month)}",
        rows=rows,
        sites=[[site, shown(p), shown(c)] for site, (p, c) in sorted(now.sites.items())],
        places=[name for name, count in now.places.most_common(3) if count >= SMALL],
        reasons=[[reason, shown(n)] for reason, n in now.reasons.most_common()],
        channel=channel,
        chart_png_base64=base64.b64encode(chart).decode("ascii") if chart is not None else None,
    )


def _change(now: int, before: int) -> str:
    if now < SMALL or before < SMALL:
        return "not shown (small numbers)"
    change = 100 * (now - before) / before
    return f"{change:+.0f}%"


def _month_name(month: str) -> str:
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

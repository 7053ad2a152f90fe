"""Job bodies: each asks whether its moment has come and calls one core use case.

Every body is idempotent (the database refuses a second round for a week or a second
digest for a month), so running one late, twice, or in two processes at once is safe;
that is also how catch-up after downtime works: on start-up each body is simply run.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.context import Context, ensure_default_programme, programme_settings
from bot.delivery import DeliveryReport, DeliveryWorker
from bot.digest import DigestReport, send_digest
from bot.followups import send_followups
from bot.housekeeping import tidy
from bot.programme import ProgrammeSettings
from bot.rounds import RoundReport, run_round
from bot.weeks import month_of, previous_month, week_of

log = logging.getLogger("corridor.scheduler")


class Jobs:
    def __init__(self, ctx: Context, worker: DeliveryWorker):
        self.ctx = ctx
        self.worker = worker

    def _local_now(self) -> datetime:
        return self.ctx.clock.now().astimezone(self.ctx.settings.timezone)

    def schedule(self) -> ProgrammeSettings:
        """The settings as organisers last saved them; read afresh, so changes need no restart."""
        return programme_settings(self.ctx)

    def round_due_at(self, now: datetime) -> datetime:
        """This ISO week's round moment, in local time."""
        return self.schedule().round_moment(week_of(now.date()))

    def digest_due_at(self, now: datetime) -> datetime:
        return self.schedule().digest_moment(month_of(now.date()))

    def round_if_due(self) -> RoundReport | None:
        now = self._local_now()
        week = week_of(now.date())
        chosen = self.schedule()
        if not chosen.round_week(week) or now < chosen.round_moment(week):
            return None
        report = run_round(self.ctx, week, scheduled=True)
        if not report.already_done:
            log.info("%s", report.summary())
        return report

    def digest_if_due(self) -> DigestReport | None:
        now = self._local_now()
        if now < self.digest_due_at(now):
            return None
        report = send_digest(self.ctx, previous_month(month_of(now.date())), scheduled=True)
        if not report.already_sent:
            log.info("%s", report.summary())
        return report

    def followups(self) -> int:
        asked = send_followups(self.ctx)
        if asked:
            log.info("asked %d pair(s) whether they met", asked)
        return asked

    def housekeeping(self) -> tuple[int, int]:
        purged, erased = tidy(self.ctx)
        if purged or erased:
            log.info("retention: deleted %d old message(s), erased %d leaver(s)", purged, erased)
        return purged, erased

    async def deliver(self) -> DeliveryReport:
        return await self.worker.drain(max_batches=20)

    def catch_up(self) -> None:
        """Whatever came due while the process was down runs now."""
        ensure_default_programme(self.ctx)
        self.round_if_due()
        self.digest_if_due()
        self.followups()

"""Job bodies: each asks whether its moment has come and calls one core use case.

Every body is idempotent (the database refuses a second round for a week or a second
digest for a month), so running one late, twice, or in two processes at once is safe;
that is also how catch-up after downtime works: on start-up each body is run, looking back
over the whole time the process was down: one round now if any was missed since the last
(not one per missed week: people would get a pile of intros at once), and the digest of
each month that has none yet.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.context import Context, default_programme, ensure_default_programme, programme_settings
from bot.delivery import DeliveryReport, DeliveryWorker
from bot.digest import DigestReport, send_digest
from bot.followups import send_followups
from bot.housekeeping import tidy
from bot.programme import ProgrammeSettings
from bot.pulse import send_pulse
from bot.rounds import RoundReport, run_round
from bot.shadowing import send_shadowing_checks
from bot.weeks import month_of, months_back, previous_month, week_of

log = logging.getLogger("corridor.scheduler")

# How far back catch-up looks for months without a digest: a year of downtime is a new start.
DIGEST_CATCH_UP_MONTHS = 12


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

    def evidence(self) -> tuple[int, int]:
        """Pulse questions due and shadowing checks due; both are asked at most once each."""
        asked, checked = send_pulse(self.ctx), send_shadowing_checks(self.ctx)
        if asked or checked:
            log.info("asked %d pulse question(s) and %d shadowing check(s)", asked, checked)
        return asked, checked

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
        self.missed_round()
        self.missed_digests()
        self.followups()

    def missed_round(self) -> RoundReport | None:
        """This round week's round if its moment has come; else, if an earlier round week went by
        with no round since the last one, one round now in its place (not one per missed week)."""
        now = self._local_now()
        chosen = self.schedule()
        this_week = week_of(now.date())
        if chosen.round_week(this_week) and now >= chosen.round_moment(this_week):
            return self.round_if_due()
        missed = self._previous_round_week(chosen, now)
        latest = self._latest_round_week()
        if missed is None or latest is None or latest >= missed:
            return None
        report = run_round(self.ctx, this_week, scheduled=True)
        if not report.already_done:
            log.info("catching up on the round missed in %s: %s", missed, report.summary())
        return report

    @staticmethod
    def _previous_round_week(chosen: ProgrammeSettings, now: datetime) -> str | None:
        """The latest round week before this one (cadence is at most every four weeks)."""
        for weeks_ago in range(1, 5):
            week = week_of((now - timedelta(days=7 * weeks_ago)).date())
            if chosen.round_week(week):
                return week
        return None

    def missed_digests(self) -> list[DigestReport]:
        """Every month since the last digest (and since the first round) whose digest is due."""
        now = self._local_now()
        newest = previous_month(month_of(now.date()))
        if now < self.digest_due_at(now):
            newest = previous_month(newest)
        reports = []
        for month in self._months_without_digest(newest):
            report = send_digest(self.ctx, month, scheduled=True)
            if not report.already_sent:
                log.info("%s", report.summary())
            reports.append(report)
        return reports

    def _latest_round_week(self) -> str | None:
        with self.ctx.uow() as uow:
            latest = uow.rounds.recent(default_programme(uow, self.ctx.settings).saved_id, 1)
        return latest[0].week if latest else None

    def _months_without_digest(self, newest: str) -> list[str]:
        """Oldest first; from after the latest month with a digest, none before the first round."""
        with self.ctx.uow() as uow:
            programme_id = default_programme(uow, self.ctx.settings).saved_id
            rounds = uow.rounds.recent(programme_id, DIGEST_CATCH_UP_MONTHS * 6)
            if not rounds:
                return []
            first = month_of(min(r.held_on for r in rounds))
            missed = []
            for month in reversed(months_back(newest, DIGEST_CATCH_UP_MONTHS)):
                if month < first or uow.digests.get(programme_id, month) is not None:
                    break
                missed.append(month)
        return list(reversed(missed))

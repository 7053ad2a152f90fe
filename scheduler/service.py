"""APScheduler wiring inside `corridor serve`: when each job body runs.

The round and digest times are the organisers' to change on the dashboard. A cheap job reads
them every minute and moves the two triggers when they differ, so no restart is needed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.programme import ProgrammeSettings
from scheduler.jobs import Jobs

log = logging.getLogger("corridor.scheduler")

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A missed run (process busy or asleep) still runs when it can; the bodies are idempotent.
_JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600}
WATCH_SECONDS = 60


def round_trigger(chosen: ProgrammeSettings) -> CronTrigger:
    # Weekly: the body asks the core whether this week falls on the cadence.
    return CronTrigger(
        day_of_week=_DAYS[chosen.round_weekday],
        hour=chosen.round_time.hour,
        minute=chosen.round_time.minute,
        timezone=chosen.timezone,
    )


def digest_trigger(chosen: ProgrammeSettings) -> CronTrigger:
    # The body checks for the first weekday on or after the digest day; the trigger only needs
    # to cover that day and the two after it (a weekend).
    first = chosen.digest_day
    return CronTrigger(
        day=f"{first}-{first + 2}",
        day_of_week="mon-fri",
        hour=chosen.digest_time.hour,
        minute=chosen.digest_time.minute,
        timezone=chosen.timezone,
    )


def build_scheduler(jobs: Jobs, delivery_interval: float = 2.0) -> AsyncIOScheduler:
    """The bodies that touch the database are plain functions, which AsyncIOScheduler runs in
    its thread pool; the one coroutine, delivery, keeps its database work in threads itself.
    A database call in a coroutine job would stall the loop that answers Slack and /healthz."""
    zone = jobs.ctx.settings.timezone
    chosen = jobs.schedule()
    scheduler = AsyncIOScheduler(timezone=zone, job_defaults=_JOB_DEFAULTS)
    scheduler.add_job(jobs.round_if_due, round_trigger(chosen), id="weekly-round")
    scheduler.add_job(jobs.followups, IntervalTrigger(hours=1, timezone=zone), id="follow-up-sweep")
    scheduler.add_job(jobs.digest_if_due, digest_trigger(chosen), id="monthly-digest")
    scheduler.add_job(jobs.deliver, IntervalTrigger(seconds=delivery_interval, timezone=zone), id="delivery")
    # Hourly in the working day, so a newcomer's baseline question comes soon after they join,
    # and nobody gets a question in the night.
    scheduler.add_job(jobs.evidence, CronTrigger(hour="9-17", minute=15, timezone=zone), id="evidence-sweep")
    scheduler.add_job(jobs.housekeeping, CronTrigger(hour=3, minute=30, timezone=zone), id="housekeeping")
    scheduler.add_job(
        keep_schedule(scheduler, jobs, chosen),
        IntervalTrigger(seconds=WATCH_SECONDS, timezone=zone),
        id="settings-watch",
    )
    return scheduler


def keep_schedule(scheduler: AsyncIOScheduler, jobs: Jobs, applied: ProgrammeSettings) -> Callable[[], bool]:
    """A job body: moves the round and digest triggers to the settings organisers last saved.
    Returns True when it moved either."""
    now_applied = {"round": _round_key(applied), "digest": _digest_key(applied)}

    def watch() -> bool:
        chosen = jobs.schedule()
        moved = False
        if _round_key(chosen) != now_applied["round"]:
            scheduler.reschedule_job("weekly-round", trigger=round_trigger(chosen))
            now_applied["round"] = _round_key(chosen)
            moved = True
        if _digest_key(chosen) != now_applied["digest"]:
            scheduler.reschedule_job("monthly-digest", trigger=digest_trigger(chosen))
            now_applied["digest"] = _digest_key(chosen)
            moved = True
        if moved:
            log.info("the round or digest time changed on the dashboard; the schedule now follows it")
        return moved

    return watch


def _round_key(chosen: ProgrammeSettings) -> tuple[object, ...]:
    return (chosen.round_weekday, chosen.round_time)


def _digest_key(chosen: ProgrammeSettings) -> tuple[object, ...]:
    return (chosen.digest_day, chosen.digest_time)

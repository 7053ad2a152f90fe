"""APScheduler wiring inside `corridor serve`: when each job body runs."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.jobs import Jobs

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A missed run (process busy or asleep) still runs when it can; the bodies are idempotent.
_JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600}


def build_scheduler(jobs: Jobs, delivery_interval: float = 2.0) -> AsyncIOScheduler:
    """The bodies that touch the database are plain functions, which AsyncIOScheduler runs in
    its thread pool; the one coroutine, delivery, keeps its database work in threads itself.
    A database call in a coroutine job would stall the loop that answers Slack and /healthz."""
    settings = jobs.ctx.settings
    zone = settings.timezone
    scheduler = AsyncIOScheduler(timezone=zone, job_defaults=_JOB_DEFAULTS)
    scheduler.add_job(
        jobs.round_if_due,
        CronTrigger(
            day_of_week=_DAYS[settings.round_weekday],
            hour=settings.round_time.hour,
            minute=settings.round_time.minute,
            timezone=zone,
        ),
        id="weekly-round",
    )
    scheduler.add_job(jobs.followups, IntervalTrigger(hours=1, timezone=zone), id="follow-up-sweep")
    scheduler.add_job(
        jobs.digest_if_due,
        # The body checks for the first weekday; the trigger only needs to cover days 1 to 3.
        CronTrigger(
            day="1-3",
            day_of_week="mon-fri",
            hour=settings.digest_time.hour,
            minute=settings.digest_time.minute,
            timezone=zone,
        ),
        id="monthly-digest",
    )
    scheduler.add_job(jobs.deliver, IntervalTrigger(seconds=delivery_interval, timezone=zone), id="delivery")
    scheduler.add_job(jobs.housekeeping, CronTrigger(hour=3, minute=30, timezone=zone), id="housekeeping")
    return scheduler

"""The real APScheduler follows the Settings page without a restart: nothing here sleeps.

APScheduler reads the wall clock itself, so these check where a trigger lands (weekday and
time of day), which holds whatever the date the test runs on.
"""

import asyncio
from dataclasses import replace

from bot.dashboard import Dashboard
from scheduler.jobs import Jobs
from scheduler.service import build_scheduler
from tests.unit.test_programme_settings import OLIVIA, form


async def _running(hospital, check):
    hospital.ctx.settings = replace(hospital.ctx.settings, organisers={"console": frozenset({"olivia"})})
    scheduler = build_scheduler(Jobs(hospital.ctx, hospital.worker))
    scheduler.start(paused=True)  # jobs are scheduled, none runs
    try:
        await check(scheduler, Dashboard(hospital.ctx))
    finally:
        scheduler.shutdown(wait=False)


def _watch(scheduler) -> bool:
    # The job body exactly as the scheduler would run it each minute.
    return scheduler.get_job("settings-watch").func()


def test_changing_the_round_day_moves_the_next_run_without_a_restart(hospital):
    async def check(scheduler, desk: Dashboard):
        before = scheduler.get_job("weekly-round").next_run_time
        assert (before.weekday(), before.hour, before.minute) == (0, 9, 0)
        assert not _watch(scheduler)  # nothing changed yet
        assert desk.save_settings(OLIVIA, form(round_day="thursday", round_time="13:45")).ok
        assert _watch(scheduler)
        after = scheduler.get_job("weekly-round").next_run_time
        assert (after.weekday(), after.hour, after.minute) == (3, 13, 45)
        assert not _watch(scheduler)  # moved once, then left alone

    asyncio.run(_running(hospital, check))


def test_changing_the_digest_day_moves_the_digest_trigger(hospital):
    async def check(scheduler, desk: Dashboard):
        assert desk.save_settings(OLIVIA, form(digest_day="10")).ok
        assert _watch(scheduler)
        fire = scheduler.get_job("monthly-digest").next_run_time
        assert 10 <= fire.day <= 12 and fire.weekday() < 5 and fire.hour == 9

    asyncio.run(_running(hospital, check))


def test_a_settings_save_that_leaves_the_times_alone_moves_nothing(hospital):
    async def check(scheduler, desk: Dashboard):
        before = scheduler.get_job("weekly-round").next_run_time
        assert desk.save_settings(OLIVIA, form(name="Tea & Talk")).ok
        assert not _watch(scheduler)
        assert scheduler.get_job("weekly-round").next_run_time == before

    asyncio.run(_running(hospital, check))

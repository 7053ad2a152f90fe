"""Scheduled jobs, driven by a clock we move by hand: nothing here sleeps."""

import asyncio
from datetime import UTC, datetime

from apscheduler.triggers.cron import CronTrigger

from bot.rounds import run_round
from scheduler.jobs import Jobs
from scheduler.service import build_scheduler


def _staffed(hospital):
    for i in range(3):
        hospital.join(f"c{i}", "clinician")
        hospital.join(f"m{i}", "manager")
    return Jobs(hospital.ctx, hospital.worker)


def test_the_weekly_round_waits_for_monday_nine_oclock(hospital):
    jobs = _staffed(hospital)
    hospital.clock.set(datetime(2026, 11, 30, 8, 59, tzinfo=UTC))
    assert jobs.round_if_due() is None
    hospital.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    assert jobs.round_if_due().recorded
    assert jobs.round_if_due().already_done


def test_a_round_missed_while_the_process_was_down_runs_at_start_up(hospital):
    jobs = _staffed(hospital)
    run_round(hospital.ctx)  # week 48 ran
    # The process was down from Sunday to Wednesday of week 49.
    hospital.clock.set(datetime(2026, 12, 2, 14, 0, tzinfo=UTC))
    jobs.catch_up()
    weeks = sorted(r.week for r in hospital.store().rounds.values())
    assert weeks == ["2026-W48", "2026-W49"]
    report = asyncio.run(jobs.deliver())
    assert report.sent == len(hospital.outbox())


def test_the_digest_comes_on_the_first_weekday_for_the_month_before(hospital):
    jobs = _staffed(hospital)
    run_round(hospital.ctx)
    hospital.chat.send("olivia", "admin channel here")
    # 1 November 2026 is a Sunday, so November's first weekday is Monday the 2nd;
    # December's is Tuesday the 1st.
    hospital.clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    assert jobs.digest_if_due() is None
    hospital.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    assert jobs.digest_if_due().month == "2026-11"
    assert jobs.digest_if_due().already_sent
    assert len(hospital.outbox("digest")) == 1


def test_the_round_time_follows_the_local_clock_in_summer(hospital):
    jobs = _staffed(hospital)
    # In June London is UTC+1: 09:00 local is 08:00 UTC.
    hospital.clock.set(datetime(2026, 6, 1, 7, 59, tzinfo=UTC))
    assert jobs.round_if_due() is None
    hospital.clock.set(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    assert jobs.round_if_due().recorded


def test_apscheduler_triggers_fire_when_the_settings_say(hospital):
    scheduler = build_scheduler(Jobs(hospital.ctx, hospital.worker))
    triggers = {job.id: job.trigger for job in scheduler.get_jobs()}
    assert set(triggers) == {
        "weekly-round",
        "follow-up-sweep",
        "monthly-digest",
        "delivery",
        "housekeeping",
        "settings-watch",
        "evidence-sweep",
    }
    zone = hospital.ctx.settings.timezone
    wednesday = datetime(2026, 11, 25, 12, 0, tzinfo=zone)
    round_trigger: CronTrigger = triggers["weekly-round"]
    assert round_trigger.get_next_fire_time(None, wednesday) == datetime(2026, 11, 30, 9, 0, tzinfo=zone)
    # The pulse sweep keeps to the working day: after 17:15 the next is 09:15 the morning after.
    evening = datetime(2026, 11, 25, 17, 30, tzinfo=zone)
    evidence = triggers["evidence-sweep"].get_next_fire_time(None, evening)
    assert evidence == datetime(2026, 11, 26, 9, 15, tzinfo=zone)
    digest_fire = triggers["monthly-digest"].get_next_fire_time(None, wednesday)
    assert digest_fire == datetime(2026, 12, 1, 9, 0, tzinfo=zone)


def test_after_two_whole_weeks_down_one_round_runs_at_start_up_not_one_per_week(hospital):
    jobs = _staffed(hospital)
    hospital.clock.set(datetime(2026, 11, 16, 9, 0, tzinfo=UTC))
    run_round(hospital.ctx)  # week 47 ran; then the server was down for weeks 48 and 49
    hospital.clock.set(datetime(2026, 12, 7, 8, 0, tzinfo=UTC))  # Monday of week 50, before 09:00
    jobs.catch_up()
    weeks = sorted(r.week for r in hospital.store().rounds.values())
    assert weeks == ["2026-W47", "2026-W50"]
    hospital.clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    assert jobs.round_if_due().already_done  # the week's round was the catch-up one


def test_back_before_the_moment_with_nothing_missed_waits_for_it(hospital):
    jobs = _staffed(hospital)
    hospital.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    run_round(hospital.ctx)  # week 49 ran
    hospital.clock.set(datetime(2026, 12, 7, 8, 0, tzinfo=UTC))  # week 50, an hour early
    jobs.catch_up()
    assert sorted(r.week for r in hospital.store().rounds.values()) == ["2026-W49"]


def test_a_fresh_install_makes_no_catch_up_round(hospital):
    jobs = _staffed(hospital)
    hospital.clock.set(datetime(2026, 12, 7, 8, 0, tzinfo=UTC))
    jobs.catch_up()
    assert hospital.store().rounds == {}


def test_every_month_missed_gets_its_digest_and_none_is_sent_twice(hospital):
    jobs = _staffed(hospital)
    hospital.chat.send("olivia", "admin channel here")
    hospital.clock.set(datetime(2026, 8, 3, 9, 0, tzinfo=UTC))
    run_round(hospital.ctx)  # the first round, in August
    hospital.clock.set(datetime(2026, 9, 1, 9, 0, tzinfo=UTC))
    assert jobs.digest_if_due().month == "2026-08"
    # Down from September to 2 December: September, October and November have no digest.
    hospital.clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=UTC))
    jobs.catch_up()
    months = sorted(month for _, month in hospital.store().digests)
    assert months == ["2026-08", "2026-09", "2026-10", "2026-11"]
    jobs.catch_up()
    assert len(hospital.outbox("digest")) == 4


def test_before_this_months_digest_moment_only_older_months_are_caught_up(hospital):
    jobs = _staffed(hospital)
    hospital.chat.send("olivia", "admin channel here")
    hospital.clock.set(datetime(2026, 9, 7, 9, 0, tzinfo=UTC))
    run_round(hospital.ctx)
    hospital.clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))  # November's digest is due at 09:00
    jobs.catch_up()
    assert sorted(month for _, month in hospital.store().digests) == ["2026-09", "2026-10"]

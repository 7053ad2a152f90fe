"""Organisers change how the programme runs from the Settings page; the rest of Corridor follows.

The environment seeds each setting; once saved, the stored value wins, with no restart.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from adapters.console.render import render
from bot.config import EngineSettings
from bot.context import default_programme, programme_settings
from bot.dashboard import Dashboard
from bot.model import Organiser
from bot.rounds import run_round
from bot.stats import organiser_summary
from scheduler.jobs import Jobs

OLIVIA = Organiser("console", "olivia", "Olivia Hart")


def form(**changes: str) -> dict[str, str]:
    typed = {
        "name": "Corridor",
        "round_day": "monday",
        "round_time": "09:00",
        "cadence": "1",
        "followup_days": "3",
        "repeat_window": "12",
        "digest_day": "1",
        "organisers_slack": "",
        "organisers_teams": "",
        "organisers_console": "olivia",
    }
    return typed | changes


def desk_for(hospital) -> Dashboard:
    # Olivia is an organiser by the environment, as CORRIDOR_CONSOLE_ORGANISERS would make her.
    hospital.ctx.settings = replace(hospital.ctx.settings, organisers={"console": frozenset({"olivia"})})
    return Dashboard(hospital.ctx)


def staffed(hospital, clinicians: int = 3, managers: int = 3) -> None:
    for i in range(clinicians):
        hospital.join(f"c{i}", "clinician")
    for i in range(managers):
        hospital.join(f"m{i}", "manager")


def test_until_saved_the_environment_decides(hospital):
    hospital.ctx.settings = EngineSettings(
        programme_name="Tea & Talk", round_weekday=2, round_time=time(13, 30)
    )
    chosen = programme_settings(hospital.ctx)
    assert (chosen.name, chosen.round_weekday, chosen.round_time) == ("Tea & Talk", 2, time(13, 30))
    assert (chosen.cadence_weeks, chosen.digest_day, chosen.organisers_saved) == (1, 1, False)


def test_a_saved_setting_wins_over_the_environment_and_is_audited(hospital):
    desk = desk_for(hospital)
    change = desk.save_settings(OLIVIA, form(round_day="wednesday", round_time="14:15", followup_days="5"))
    assert change.ok, change.problems
    assert "round day Monday → Wednesday" in change.done
    chosen = programme_settings(hospital.ctx)
    assert (chosen.round_weekday, chosen.round_time, chosen.followup_after_days) == (2, time(14, 15), 5)
    [entry] = hospital.store().audit
    assert entry.action == "Changed the settings" and entry.organiser == OLIVIA
    assert "round time 09:00 → 14:15" in entry.detail and "follow-up after 3 → 5 days" in entry.detail
    # The form shows what is now in force.
    assert desk.settings_form().form["round_day"] == "wednesday"


def test_every_mistake_gets_its_own_message_and_nothing_is_saved(hospital):
    desk = desk_for(hospital)
    change = desk.save_settings(
        OLIVIA,
        form(
            name="  ",
            round_day="someday",
            round_time="25:00",
            cadence="3",
            followup_days="9",
            repeat_window="-1",
            digest_day="31",
            organisers_slack="U123 <script>",
        ),
    )
    assert set(change.problems) == {
        "name",
        "round_day",
        "round_time",
        "cadence",
        "followup_days",
        "repeat_window",
        "digest_day",
        "organisers_slack",
    }
    assert "24-hour clock" in change.problems["round_time"]
    assert "every 2 weeks" in change.problems["cadence"]
    assert not hospital.store().audit
    assert programme_settings(hospital.ctx).round_weekday == 0
    assert all(key[1] != "programme_settings" for key in hospital.store().settings)


def test_an_organiser_cannot_take_themselves_off_the_list(hospital):
    desk = desk_for(hospital)
    change = desk.save_settings(OLIVIA, form(organisers_console="", organisers_slack="U0OTHER"))
    assert "Your own id (olivia)" in change.problems["organisers_console"]
    assert not hospital.store().audit


def test_renaming_the_programme_keeps_its_sites_and_rounds(hospital):
    staffed(hospital)
    run_round(hospital.ctx)
    before = organiser_summary(hospital.ctx)
    desk = desk_for(hospital)
    assert desk.save_settings(OLIVIA, form(name="Tea & Talk")).ok
    assert desk.overview().programme == "Tea & Talk"
    assert [s.name for s in desk.sites()] == ["Charing Cross", "St Mary's"]
    after = organiser_summary(hospital.ctx)
    assert "Tea & Talk" in after and before.replace("Corridor", "Tea & Talk") == after
    # Renaming through the environment, as before the dashboard, loses nothing either.
    hospital.ctx.settings = replace(hospital.ctx.settings, programme_name="Coffee Corridor")
    with hospital.ctx.uow() as uow:
        programme = default_programme(uow, hospital.ctx.settings)
        assert programme.name == "Tea & Talk"  # the saved name still wins
        assert len(uow.rounds.recent(programme.saved_id, 10)) == 1
    assert len(hospital.store().programmes) == 1


def test_the_saved_organisers_decide_who_may_use_admin_commands(hospital):
    desk = desk_for(hospital)
    hospital.chat.organisers = frozenset({"olivia", "oscar"})  # the console's own configuration
    assert "Only organisers" not in hospital.chat.send("oscar", "admin stats")
    assert desk.save_settings(OLIVIA, form(organisers_console="olivia\nnadia")).ok
    # Once saved, the list alone decides: the adapter's configuration no longer counts.
    assert "Only organisers" in hospital.chat.send("oscar", "admin stats")
    assert "Only organisers" not in hospital.chat.send("nadia", "admin stats")


def test_a_fortnightly_cadence_skips_every_other_week(hospital):
    staffed(hospital)
    jobs = Jobs(hospital.ctx, hospital.worker)
    assert jobs.round_if_due().recorded  # Monday 23 November, week 48
    desk = desk_for(hospital)
    assert desk.save_settings(OLIVIA, form(cadence="2")).ok
    assert desk.overview().next_round == datetime(2026, 12, 7, 9, 0, tzinfo=hospital.ctx.settings.timezone)
    hospital.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    assert jobs.round_if_due() is None  # week 49 is off
    hospital.clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    assert jobs.round_if_due().recorded  # week 50 is on
    assert sorted(r.week for r in hospital.store().rounds.values()) == ["2026-W48", "2026-W50"]


def test_the_digest_day_moves_the_monthly_digest(hospital):
    staffed(hospital)
    run_round(hospital.ctx)
    hospital.chat.send("olivia", "admin channel here")
    desk = desk_for(hospital)
    assert desk.save_settings(OLIVIA, form(digest_day="5")).ok
    jobs = Jobs(hospital.ctx, hospital.worker)
    # 5 December 2026 is a Saturday: the digest goes on Monday the 7th.
    hospital.clock.set(datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    assert jobs.digest_if_due() is None
    hospital.clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    assert jobs.digest_if_due().month == "2026-11"


def test_a_changed_follow_up_delay_is_used_at_the_next_sweep(hospital):
    staffed(hospital)
    run_round(hospital.ctx)
    desk = desk_for(hospital)
    assert desk.save_settings(OLIVIA, form(followup_days="1")).ok
    jobs = Jobs(hospital.ctx, hospital.worker)
    hospital.clock.advance(hours=23)
    assert jobs.followups() == 0
    hospital.clock.advance(hours=2)
    assert jobs.followups() == 3


def test_the_repeat_window_is_the_saved_one(hospital):
    desk = desk_for(hospital)
    assert desk.save_settings(OLIVIA, form(repeat_window="2")).ok
    with hospital.ctx.uow() as uow:
        assert default_programme(uow, hospital.ctx.settings).repeat_window == 2


async def test_a_fortnightly_programme_runs_four_rounds_in_eight_weeks_and_never_says_this_week(hospital):
    """Icebreaker's users found messages still saying 'weekly' after such a switch (its issue #182)."""
    staffed(hospital, clinicians=4, managers=3)  # someone sits out, so that notice is read too
    desk = desk_for(hospital)
    assert desk.save_settings(OLIVIA, form(cadence="2")).ok
    jobs = Jobs(hospital.ctx, hospital.worker)
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    said: list[str] = []
    for week in range(8):
        hospital.clock.set(start + timedelta(weeks=week))
        jobs.round_if_due()
        for pair in hospital.pairs():
            for person_id in pair.member_ids():
                user = hospital.store().participants[person_id].user_id
                said.append(hospital.chat.ask(user, f"outcome {pair.saved_id} not_yet").text)
        hospital.clock.advance(days=4)
        jobs.followups()
    await hospital.worker.drain()
    assert len(hospital.store().rounds) == 4
    for message in hospital.notifier.sent:
        said += render(message.payload)
    assert said and not [line for line in said if "this week" in line.lower()]
    assert any("this fortnight" in line for line in said)


def test_the_relationship_pulse_can_be_asked_less_often_or_turned_off(hospital):
    from bot.pulse import send_pulse

    desk = desk_for(hospital)
    assert desk.settings_form().form["pulse_every"] == "3"  # every quarter until changed
    change = desk.save_settings(OLIVIA, form(pulse_every="6"))
    assert change.done == "Saved: relationship pulse every quarter → every 6 months."
    assert programme_settings(hospital.ctx).pulse_every_months == 6
    wrong = desk.save_settings(OLIVIA, form(pulse_every="5"))
    assert wrong.problems == {"pulse_every": "Choose how often the relationship pulse comes round, or Off."}
    assert desk.save_settings(OLIVIA, form(pulse_every="0")).ok
    hospital.join("amara", "clinician")
    assert send_pulse(hospital.ctx) == 0  # off: not even a baseline

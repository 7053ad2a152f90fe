"""An organiser runs the programme itself in a real browser: the schedule, a round, the digest.

The scheduler here is APScheduler itself, started paused in the same process, as `corridor
serve` has it; its settings-watch job is run by hand instead of waiting a minute.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from bot.delivery import DeliveryWorker
from scheduler.jobs import Jobs
from scheduler.service import build_scheduler
from tests.adapters.slack.conftest import CLINICIANS, DIGEST_CHANNEL, MANAGERS, ORGANISER
from tests.adapters.web import test_browser as shared
from tests.adapters.web.browser import needs_chromium, scrolls_sideways, wcag_violations

pytestmark = needs_chromium
sign_in = shared.sign_in


@pytest.fixture
async def scheduler(hospital):
    running = build_scheduler(Jobs(hospital.ctx, DeliveryWorker(hospital.ctx, {})))
    running.start(paused=True)
    yield running
    running.shutdown(wait=False)


async def staffed(hospital) -> None:
    for user, *_ in CLINICIANS[:3]:
        await hospital.slack.command(user, "join clinician St Mary's")
    for user, *_ in MANAGERS[:2]:
        await hospital.slack.command(user, "join manager St Mary's")


async def test_an_organiser_moves_the_round_previews_and_runs_it_and_sends_the_digest(
    hospital, page, scheduler
):
    await staffed(hospital)
    await hospital.slack.command(ORGANISER, "admin channel here", channel_id=DIGEST_CHANNEL)
    await sign_in(hospital, page)
    assert scheduler.get_job("weekly-round").next_run_time.weekday() == 0

    await page.get_by_role("link", name="Settings").first.click()
    await page.get_by_label("Wednesday").check()
    await page.get_by_label("What time?").fill("10:30")
    await page.get_by_role("button", name="Save settings").click()
    await expect(page.get_by_role("status")).to_contain_text("round day Monday → Wednesday")
    await expect(page.get_by_label("Wednesday")).to_be_checked()
    # The scheduler's minute check picks it up; nothing restarts.
    assert scheduler.get_job("settings-watch").func()
    moved = scheduler.get_job("weekly-round").next_run_time
    assert (moved.weekday(), moved.hour, moved.minute) == (2, 10, 30)

    await page.get_by_role("link", name="Rounds").first.click()
    await expect(page.locator(".lead")).to_contain_text("Wednesday")
    preview = page.locator("dl.summary")
    await expect(preview).to_contain_text(re.compile(r"Pairs it would make\s*2"))
    await expect(preview).to_contain_text(re.compile(r"Without a partner this time\s*1"))
    await expect(page.locator("main")).to_contain_text("Sitting out")
    assert not hospital.store().rounds  # a preview writes nothing
    await page.get_by_role("button", name="Run the round now").click()
    await expect(page.get_by_role("status")).to_contain_text("paired 2 clinician-manager pairs")
    await expect(page.locator("table")).to_contain_text("fewer than 5")
    assert len(hospital.store().rounds) == 1

    await page.get_by_role("link", name="Digest").first.click()
    await expect(page.locator("main")).to_contain_text(DIGEST_CHANNEL)
    await expect(page.locator("main")).to_contain_text("Pairs made")
    await page.get_by_role("button", name="Send the digest now").click()
    await expect(page.get_by_role("status")).to_contain_text(f"queued to slack {DIGEST_CHANNEL}")
    assert [m.kind for m in hospital.store().outbox.values()].count("digest") == 1

    await page.get_by_role("link", name="Audit log").click()
    entries = page.locator("main li")
    await expect(entries).to_have_count(3)
    await expect(entries.nth(0)).to_contain_text("Sent the digest")
    await expect(entries.nth(1)).to_contain_text("Ran a round")
    await expect(entries.nth(2)).to_contain_text("Changed the settings")
    await expect(entries.nth(2)).to_contain_text("round time 09:00 → 10:30")
    assert page.dialogs == []


async def test_the_new_pages_meet_wcag_aa_and_fit_a_phone(hospital, page):
    await staffed(hospital)
    await sign_in(hospital, page)
    checked = {}
    for path in ("settings", "rounds", "digest"):
        await page.goto(hospital.url + path)
        assert not await scrolls_sideways(page), path
        assert await page.locator("h1").count() == 1, path
        checked[path] = await wcag_violations(page)
    await page.goto(hospital.url + "settings")
    await page.get_by_label("What time?").fill("half nine")
    await page.get_by_label("Day of the month the digest goes out").fill("31")
    await page.get_by_role("button", name="Save settings").click()
    await expect(page.get_by_role("alert")).to_contain_text("24-hour clock")
    await expect(page.locator("#digest_day-error")).to_contain_text("from 1 to 28")
    assert not await scrolls_sideways(page)
    checked["settings with mistakes"] = await wcag_violations(page)
    await page.get_by_role("alert").get_by_role("link").first.click()
    await expect(page.get_by_label("What time?")).to_be_focused()
    # A round with history, so the past-rounds table is checked too.
    await page.goto(hospital.url + "rounds")
    await page.get_by_role("button", name="Run the round now").click()
    await expect(page.locator("table")).to_be_visible()
    assert not await scrolls_sideways(page)
    checked["rounds with history"] = await wcag_violations(page)
    assert {name: found for name, found in checked.items() if found} == {}
    assert [e.action for e in hospital.store().audit] == ["Ran a round"]  # the mistakes saved nothing

"""Settings, Rounds and Digest over plain HTTP: no data without a session, and every change
needs the session's form token."""

from __future__ import annotations

import aiohttp
import pytest

from bot.context import programme_settings
from tests.adapters.slack.conftest import CLINICIANS, MANAGERS, ORGANISER
from tests.adapters.web.test_http import csrf_of, signed_in

PAGES = ["settings", "rounds", "digest", "digest/report?quarter=2026-Q2"]
POSTS = ["settings", "rounds/run", "digest/send"]


async def staffed(hospital) -> None:
    for user, *_ in CLINICIANS[:2]:
        await hospital.slack.command(user, "join clinician St Mary's")
    for user, *_ in MANAGERS[:2]:
        await hospital.slack.command(user, "join manager St Mary's")


def settings_form(csrf: str, **changes: str) -> dict[str, str]:
    typed = {
        "csrf": csrf,
        "name": "Corridor",
        "round_day": "monday",
        "round_time": "09:00",
        "cadence": "1",
        "followup_days": "3",
        "repeat_window": "12",
        "digest_day": "1",
        "organisers_slack": ORGANISER,
        "organisers_teams": "",
    }
    return typed | changes


async def test_anonymous_requests_to_the_new_pages_get_no_data(hospital):
    await staffed(hospital)
    async with aiohttp.ClientSession() as anonymous:
        for page in PAGES:
            async with anonymous.get(hospital.url + page, allow_redirects=False) as answer:
                assert answer.status == 303 and answer.headers["Location"] == "/admin/how-to-sign-in"
                assert CLINICIANS[0][1] not in await answer.text()
        for page in POSTS:
            async with anonymous.post(hospital.url + page, data={"round_day": "friday"}) as answer:
                assert answer.status == 403
    assert not hospital.store().rounds and not hospital.store().audit


@pytest.mark.parametrize("token", [None, "", "0" * 64, "forged"])
async def test_every_new_change_without_the_right_form_token_is_refused(hospital, token):
    await staffed(hospital)
    hospital.store().settings[(next(iter(hospital.store().programmes)), "digest_channel:slack")] = "C0DIGEST"
    browser = await signed_in(hospital)
    async with browser:
        for page in POSTS:
            typed = settings_form("", round_day="friday")
            typed.pop("csrf")
            data = typed | ({} if token is None else {"csrf": token})
            async with browser.post(hospital.url + page, data=data) as answer:
                assert answer.status == 403, page
    assert programme_settings(hospital.ctx).round_weekday == 0
    assert not hospital.store().rounds and not hospital.store().audit
    assert not [m for m in hospital.store().outbox.values() if m.kind == "digest"]


async def test_settings_save_with_the_token_and_a_get_changes_nothing(hospital):
    browser = await signed_in(hospital)
    async with browser:
        async with browser.get(hospital.url + "settings?round_day=friday") as answer:
            token = csrf_of(await answer.text())
        assert programme_settings(hospital.ctx).round_weekday == 0
        async with browser.post(
            hospital.url + "settings", data=settings_form(token, round_day="friday")
        ) as answer:
            assert answer.status == 200 and answer.url.path == "/admin/settings"
            assert "round day Monday → Friday" in await answer.text()
    assert programme_settings(hospital.ctx).round_weekday == 4


async def test_a_bad_settings_form_is_a_400_naming_each_field(hospital):
    browser = await signed_in(hospital)
    async with browser:
        async with browser.get(hospital.url + "settings") as answer:
            token = csrf_of(await answer.text())
        bad = settings_form(token, round_time="nine", digest_day="40")
        async with browser.post(hospital.url + "settings", data=bad) as answer:
            assert answer.status == 400
            page = await answer.text()
    assert 'href="#round_time"' in page and 'href="#digest_day"' in page
    assert 'value="nine"' in page  # what they typed stays, to correct
    assert not hospital.store().audit


async def test_running_a_round_twice_is_a_top_up_that_changes_nothing(hospital):
    await staffed(hospital)
    browser = await signed_in(hospital)
    async with browser:
        for _ in range(2):
            async with browser.get(hospital.url + "rounds") as answer:
                token = csrf_of(await answer.text())
            async with browser.post(hospital.url + "rounds/run", data={"csrf": token}) as answer:
                assert answer.url.path == "/admin/rounds"
                page = await answer.text()
    assert "already ran; the top-up found nobody new" in page
    assert len(hospital.store().rounds) == 1
    assert [e.action for e in hospital.store().audit] == ["Ran a round"]


async def test_sending_the_digest_without_a_channel_says_how_to_set_one(hospital):
    browser = await signed_in(hospital)
    async with browser:
        async with browser.get(hospital.url + "digest") as answer:
            token = csrf_of(await answer.text())
        async with browser.post(hospital.url + "digest/send", data={"csrf": token}) as answer:
            assert answer.status == 400
            assert "admin channel here" in await answer.text()
    assert not hospital.store().audit


async def test_the_quarterly_board_report_downloads_as_the_pdf_corridor_report_writes(hospital):
    import io

    from pypdf import PdfReader

    await staffed(hospital)  # they joined in May 2026: the programme's second quarter
    browser = await signed_in(hospital)
    async with browser:
        async with browser.get(hospital.url + "digest") as answer:
            page = await answer.text()
        assert '<option value="2026-Q2">2026-Q2</option>' in page
        assert 'action="/admin/digest/report"' in page
        async with browser.get(hospital.url + "digest/report", params={"quarter": "2026-Q2"}) as answer:
            assert answer.status == 200
            assert answer.content_type == "application/pdf"
            assert answer.headers["Content-Disposition"] == 'attachment; filename="board-report-2026-Q2.pdf"'
            pdf = await answer.read()
        for unknown in ("2026-Q1", "2027-Q1", "next quarter", ""):
            async with browser.get(hospital.url + "digest/report", params={"quarter": unknown}) as answer:
                assert answer.status == 404, unknown
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Corridor: board report for 2026-Q2" in text
    assert "fewer than 5" in text  # two clinicians and two managers: too few to show
    assert CLINICIANS[0][1] not in text and not hospital.store().audit

"""The dashboard over plain HTTP: who gets in, what every response says about itself, and
that a change needs both the session and its form token."""

from __future__ import annotations

import re

import aiohttp
import pytest
from yarl import URL

from tests.adapters.slack.conftest import CLINICIANS, ORGANISER

AMARA = CLINICIANS[0][0]
PAGES = [
    "",
    "sites",
    "sites/{site}",
    "sites/{site}/rename",
    "sites/{site}/retire",
    "sites/{site}/places/new",
    "places/{place}",
    "audit",
]
DATA = ["St Mary's", "Charing Cross", "Level 2 staff kitchen", "Theatres kitchen"]


def pages(hospital) -> list[str]:
    site = hospital.site_id("St Mary's")
    place = next(p.id for p in hospital.store().places.values() if p.site_id == site)
    return [hospital.url + page.format(site=site, place=place) for page in PAGES]


async def press_sign_in(browser: aiohttp.ClientSession, link: str, **options) -> aiohttp.ClientResponse:
    """Open the link (a page with a button) and press "Sign in", which posts the link's token."""
    async with browser.get(link) as shown:
        page = await shown.text()
    token = re.search(r'name="token" value="([^"]+)"', page)
    return await browser.post(link.split("?")[0], data={"token": token[1] if token else ""}, **options)


async def signed_in(hospital) -> aiohttp.ClientSession:
    browser = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with await press_sign_in(browser, await hospital.sign_in_link()) as answer:
        assert answer.status == 200 and answer.url.path == "/admin/"
    return browser


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page)[1]


async def test_anonymous_requests_get_no_data(hospital):
    async with aiohttp.ClientSession() as anonymous:
        for url in pages(hospital):
            async with anonymous.get(url, allow_redirects=False) as answer:
                assert answer.status == 303 and answer.headers["Location"] == "/admin/how-to-sign-in"
                body = await answer.text()
            assert not any(word in body for word in DATA), url
            async with anonymous.post(url, data={"name": "Hacked"}) as answer:
                assert answer.status == 403
        for unknown in (hospital.url.rstrip("/"), hospital.url + "no-such-page"):
            async with anonymous.get(unknown, allow_redirects=False) as answer:
                assert answer.headers["Location"] == "/admin/how-to-sign-in"
        async with anonymous.get(hospital.url + "how-to-sign-in") as answer:
            body = await answer.text()
            assert "/coffee admin dashboard" in body and not any(word in body for word in DATA)
    assert not hospital.store().audit


async def test_every_response_carries_the_security_headers(hospital):
    browser = await signed_in(hospital)
    async with browser:
        for url in [*pages(hospital), hospital.url + "how-to-sign-in", hospital.url + "static/dashboard.css"]:
            async with browser.get(url) as answer:
                assert answer.status == 200, url
                headers = answer.headers
                assert "default-src 'self'" in headers["Content-Security-Policy"]
                assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
                assert "unsafe-inline" not in headers["Content-Security-Policy"]
                assert headers["X-Frame-Options"] == "DENY"
                assert headers["X-Content-Type-Options"] == "nosniff"
                assert headers["Referrer-Policy"] == "no-referrer"
                if not url.endswith(".css"):
                    assert headers["Cache-Control"] == "no-store"
                    assert "<script" not in await answer.text()


async def test_the_session_cookie_is_httponly_and_samesite(hospital):
    link = await hospital.sign_in_link()
    async with aiohttp.ClientSession() as browser:
        answer = await press_sign_in(browser, link, allow_redirects=False)
        assert answer.status == 303
        cookie = answer.headers["Set-Cookie"]
        answer.release()
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/admin/" in cookie
    assert "Secure" not in cookie  # the public URL here is http://127.0.0.1


async def test_a_link_signs_in_once_and_not_after_ten_minutes(hospital):
    link = await hospital.sign_in_link()
    late = await hospital.sign_in_link()
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as first, await press_sign_in(first, link) as answer:
        assert answer.url.path == "/admin/"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as second:
        for stale in (link, None):
            if stale is None:
                hospital.clock.advance(minutes=10)
                stale = late
            async with second.get(stale) as answer:
                assert answer.status == 400
                assert "expired or been used" in await answer.text()
                assert "corridor_session" not in answer.cookies
            token = stale.split("token=")[1]
            async with second.post(stale.split("?")[0], data={"token": token}) as answer:
                assert answer.status == 400  # pressing a button kept from before does no better
                assert "corridor_session" not in answer.cookies
            async with second.get(hospital.url, allow_redirects=False) as answer:
                assert answer.status == 303


async def test_opening_a_link_only_shows_a_sign_in_button_and_uses_nothing_up(hospital):
    # Mail scanners and chat link previews open links: a GET must never spend the token.
    link = await hospital.sign_in_link()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        for _ in range(2):
            async with browser.get(link, allow_redirects=False) as answer:
                assert answer.status == 200 and "corridor_session" not in answer.cookies
                page = await answer.text()
                assert '<form method="post" action="/admin/signin">' in page and ">Sign in</button>" in page
        assert [t.used_at for t in hospital.store().sign_ins.values()] == [None]
        async with browser.get(hospital.url, allow_redirects=False) as answer:
            assert answer.status == 303  # not signed in yet
        async with await press_sign_in(browser, link) as answer:
            assert answer.url.path == "/admin/"
    assert [t.used_at is not None for t in hospital.store().sign_ins.values()] == [True]


async def test_a_clinician_is_never_issued_a_link(hospital):
    reply = await hospital.slack.command(AMARA, "admin dashboard")
    assert "Only organisers" in reply["text"] and "/admin/signin" not in str(reply)
    assert not hospital.store().sign_ins


@pytest.mark.parametrize("token", [None, "", "0" * 64, "forged"])
async def test_a_post_without_the_right_form_token_is_refused_and_changes_nothing(hospital, token):
    site = hospital.site_id("St Mary's")
    browser = await signed_in(hospital)
    async with browser:
        form = {"name": "Renamed by a stranger"} | ({} if token is None else {"csrf": token})
        async with browser.post(f"{hospital.url}sites/{site}/rename", data=form) as answer:
            assert answer.status == 403
        async with browser.post(f"{hospital.url}sites/{site}/retire", data=form) as answer:
            assert answer.status == 403
    assert hospital.store().sites[site].name == "St Mary's" and not hospital.store().sites[site].retired
    assert not hospital.store().audit


async def test_a_form_token_from_another_session_is_refused(hospital):
    site = hospital.site_id("St Mary's")
    mine, theirs = await signed_in(hospital), await signed_in(hospital)
    async with mine, theirs:
        async with theirs.get(f"{hospital.url}sites/{site}/rename") as answer:
            their_token = csrf_of(await answer.text())
        async with mine.post(
            f"{hospital.url}sites/{site}/rename", data={"name": "X", "csrf": their_token}
        ) as answer:
            assert answer.status == 403
    assert hospital.store().sites[site].name == "St Mary's"


async def test_sign_out_ends_the_session_on_the_server(hospital):
    browser = await signed_in(hospital)
    async with browser:
        async with browser.get(hospital.url) as answer:
            token = csrf_of(await answer.text())
        cookie = browser.cookie_jar.filter_cookies(URL(hospital.url))["corridor_session"].value
        async with browser.get(f"{hospital.url}sign-out", allow_redirects=False) as answer:
            assert answer.status == 405  # a GET never changes anything, signing out included
        async with browser.get(hospital.url, allow_redirects=False) as answer:
            assert answer.status == 200
        async with browser.post(f"{hospital.url}sign-out", data={"csrf": token}) as answer:
            assert answer.url.path == "/admin/signed-out"
    # Even a copy of the old cookie no longer opens a page.
    async with (
        aiohttp.ClientSession(cookies={"corridor_session": cookie}) as copied,
        copied.get(hospital.url, allow_redirects=False) as answer,
    ):
        assert answer.status == 303
    assert all(s.ended_at is not None for s in hospital.store().organiser_sessions.values())


async def test_it_staff_link_works_like_the_bots(hospital):
    from bot.dashboard.signin import issue_link
    from bot.model import Organiser

    link = issue_link(hospital.ctx, Organiser("slack", ORGANISER, ORGANISER)).url
    jar = aiohttp.CookieJar(unsafe=True)  # the loopback server is an IP address
    async with aiohttp.ClientSession(cookie_jar=jar) as browser:
        answer = await press_sign_in(browser, link)
        answer.release()
        assert answer.url.path == "/admin/"

"""An organiser looks after the programme in a real browser, signed in from Slack.

Every page is checked with axe-core for WCAG 2.2 A and AA, and at 375 px wide for
sideways scrolling; markup typed into a name stays text and never runs.
"""

from __future__ import annotations

from playwright.async_api import Page, expect

from bot.model import Site
from bot.rounds import run_round
from tests.adapters.slack.conftest import CLINICIANS, MANAGERS
from tests.adapters.web.browser import needs_chromium, scrolls_sideways, wcag_violations

pytestmark = needs_chromium

MARKUP = "<img src=x onerror=alert(1)>"
MARYS = "St Mary's"


async def sign_in(hospital, page: Page) -> None:
    await press_sign_in(page, await hospital.sign_in_link())
    await expect(page.get_by_role("heading", level=1)).to_contain_text("overview")


async def press_sign_in(page: Page, link: str) -> None:
    """Opening a link shows a button; only pressing it signs in (a GET changes nothing)."""
    await page.goto(link)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the organisers' dashboard")
    await page.get_by_role("button", name="Sign in").click()


async def test_an_organiser_edits_a_place_retires_a_site_and_finds_it_all_in_the_audit_log(hospital, page):
    with hospital.ctx.uow() as uow:
        uow.sites.add(Site(next(iter(hospital.store().programmes)), "Western Eye"))
        uow.commit()
    await sign_in(hospital, page)

    await page.get_by_role("link", name="Sites and places").first.click()
    await page.get_by_role("link", name="St Mary's").click()
    await page.get_by_role("link", name="Change Clinic C coffee point").click()
    await page.get_by_label("Name of the place").fill("Clinic C kiosk")
    await page.get_by_label("Directions").fill("CLOSED for refurbishment: use the Level 2 kitchen by Ward 9")
    await page.get_by_role("button", name="Save changes").click()
    await expect(page.get_by_role("status")).to_contain_text("Saved Clinic C kiosk at St Mary's")
    await expect(page.get_by_role("heading", name="Clinic C kiosk", exact=True)).to_be_visible()

    # The next intro carries the new words (the round's pick of St Mary's places is this one).
    (amara, *_), (sam, *_) = CLINICIANS[0], MANAGERS[0]
    await hospital.slack.command(amara, "join clinician St Mary's")
    await hospital.slack.command(sam, "join manager St Mary's")
    run_round(hospital.ctx)
    [intro] = [m for m in hospital.store().outbox.values() if m.kind == "intro"]
    assert "CLOSED for refurbishment: use the Level 2 kitchen by Ward 9" in str(intro.payload)

    await page.get_by_role("link", name="Sites and places").first.click()
    await page.get_by_role("link", name="Charing Cross").click()
    await page.get_by_role("link", name="Retire this site").click()
    await page.get_by_role("button", name="Retire Charing Cross").click()
    await expect(page.get_by_role("status")).to_contain_text("Retired Charing Cross")
    picker = await hospital.slack.command(CLINICIANS[1][0], "join clinician")
    offered = [o["text"]["text"] for o in picker["blocks"][-1]["elements"][0]["options"]]
    assert offered == ["St Mary's", "Western Eye"]

    await page.get_by_role("link", name="Audit log").click()
    entries = page.locator("main li")
    await expect(entries).to_have_count(2)
    await expect(entries.nth(0)).to_contain_text("Retired a site")
    await expect(entries.nth(0)).to_contain_text("Charing Cross")
    await expect(entries.nth(0)).to_contain_text("Morgan Reid")
    await expect(entries.nth(1)).to_contain_text("Changed a place")
    await expect(entries.nth(1)).to_contain_text("name Clinic C coffee point → Clinic C kiosk")
    assert page.dialogs == []


async def test_a_mistake_in_a_form_is_shown_by_the_field_and_at_the_top_and_nothing_is_saved(hospital, page):
    await sign_in(hospital, page)
    await page.goto(f"{hospital.url}sites/{hospital.site_id(MARYS)}/rename")
    await page.get_by_label("New name for the site").fill("charing cross")
    await page.get_by_role("button", name="Save the new name").click()
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("There is already a site called Charing Cross")
    await expect(page.locator("#name-error")).to_contain_text("choose another name")
    await expect(page).to_have_title("Error: Rename St Mary's – Corridor organisers")
    await summary.get_by_role("link").click()
    await expect(page.get_by_label("New name for the site")).to_be_focused()
    assert hospital.store().sites[hospital.site_id("St Mary's")].name == "St Mary's"
    assert not hospital.store().audit


async def test_every_page_meets_wcag_aa_and_fits_a_phone(hospital, page):
    stale = await hospital.sign_in_link()
    await page.goto(f"{hospital.url}how-to-sign-in")
    checked = {"How to sign in": await wcag_violations(page)}
    await page.goto(await hospital.sign_in_link())
    assert not await scrolls_sideways(page)
    checked["sign in button"] = await wcag_violations(page)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("overview")
    site = hospital.site_id("St Mary's")
    place = next(p.id for p in hospital.store().places.values() if p.site_id == site)
    hospital.clock.advance(minutes=11)
    pages = ["", "sites", f"sites/{site}", f"sites/{site}/rename", f"sites/{site}/retire"]
    pages += [f"sites/{site}/places/new", f"places/{place}", "audit"]
    for path in pages:
        await page.goto(hospital.url + path)
        assert not await scrolls_sideways(page), path
        assert await page.locator("h1").count() == 1, path
        checked[path or "overview"] = await wcag_violations(page)
    await page.goto(f"{hospital.url}sites/{site}/places/new")
    await page.get_by_role("button", name="Add the place").click()
    checked["a form with mistakes"] = await wcag_violations(page)
    assert not await scrolls_sideways(page)
    await page.goto(stale)
    checked["link expired"] = await wcag_violations(page)
    await page.goto(hospital.url)
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    checked["signed out"] = await wcag_violations(page)
    assert {name: found for name, found in checked.items() if found} == {}
    assert len(checked) == 13


async def test_markup_in_a_name_shows_as_text_and_runs_nothing(hospital, page):
    await sign_in(hospital, page)
    site = hospital.site_id("Charing Cross")
    await page.goto(f"{hospital.url}sites/{site}/places/new")
    await page.get_by_label("Name of the place").fill(MARKUP)
    await page.get_by_label("Directions").fill(f"</textarea>{MARKUP}")
    await page.get_by_role("button", name="Add the place").click()
    await page.goto(f"{hospital.url}sites/{site}/rename")
    await page.get_by_label("New name for the site").fill(MARKUP)
    await page.get_by_role("button", name="Save the new name").click()
    place = max(hospital.store().places)
    for path in ["", "sites", f"sites/{site}", f"sites/{site}/rename", f"places/{place}", "audit"]:
        await page.goto(hospital.url + path)
        await expect(page.locator("main").get_by_text(MARKUP).first).to_be_visible()
        assert await page.locator("img").count() == 0, path
    assert page.dialogs == []


async def test_old_links_and_forms_without_their_token_change_nothing(hospital, page):
    link = await hospital.sign_in_link()
    expired = await hospital.sign_in_link()
    await press_sign_in(page, link)
    await page.get_by_role("button", name="Sign out").click()
    await page.goto(link)
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "This sign-in link has expired or been used"
    )
    hospital.clock.advance(minutes=10, seconds=1)
    await page.goto(expired)
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "This sign-in link has expired or been used"
    )
    await page.goto(hospital.url)
    await expect(page).to_have_url(f"{hospital.url}how-to-sign-in")

    await sign_in(hospital, page)
    await page.goto(f"{hospital.url}sites/{hospital.site_id(MARYS)}/retire")
    await page.locator("main input[name=csrf]").evaluate("field => field.remove()")
    await page.get_by_role("button", name="Retire St Mary's").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Nothing was changed")
    assert not any(site.retired for site in hospital.store().sites.values())
    assert not hospital.store().audit

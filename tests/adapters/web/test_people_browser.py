"""An organiser looks after the people in the programme in a real browser, signed in from Slack:
finds someone by email and pauses them, erases someone else, adds a do-not-pair rule the next
round keeps to, and imports the staff list. Every page passes axe-core at WCAG 2.2 AA and fits
a 375 px phone; markup typed into a name stays text."""

from __future__ import annotations

from playwright.async_api import Page, expect

from bot.rounds import run_round
from tests.adapters.slack.conftest import CLINICIANS, MANAGERS
from tests.adapters.web.browser import needs_chromium, scrolls_sideways, wcag_violations
from tests.adapters.web.test_browser import MARKUP, sign_in

pytestmark = needs_chromium

(AMARA, AMARA_NAME, _), (GRACE, GRACE_NAME, _), (TOM, TOM_NAME, _) = CLINICIANS[:3]
(SAM, SAM_NAME, _), (JO, JO_NAME, _) = MANAGERS[:2]
GRACE_EMAIL = "sister.grace.lee@hospital.example"  # as the fake Slack's profile gives it
HEADER = "platform,user_id,name,email,role,site,department,capacity\n"


async def everyone_joins(hospital) -> dict[str, int]:
    for user in (AMARA, GRACE, TOM):
        await hospital.slack.command(user, "join clinician St Mary's")
    for user in (SAM, JO):
        await hospital.slack.command(user, "join manager St Mary's")
    return {p.user_id: p.id for p in hospital.store().participants.values()}


async def find(page: Page, hospital, words: str) -> None:
    await page.goto(f"{hospital.url}people")
    await page.get_by_label("Find someone by name or email").fill(words)
    await page.get_by_role("button", name="Search").click()


async def test_an_organiser_pauses_one_person_erases_another_and_adds_a_rule_the_next_round_keeps(
    hospital, page
):
    ids = await everyone_joins(hospital)
    await sign_in(hospital, page)

    await page.get_by_role("link", name="People").first.click()
    await page.get_by_label("Find someone by name or email").fill(GRACE_EMAIL)
    await page.get_by_role("button", name="Search").click()
    await expect(page.get_by_role("heading", level=2).first).to_have_text("1 person found")
    await page.get_by_role("link", name=GRACE_NAME).click()
    await page.get_by_role("link", name=f"Pause {GRACE_NAME}").click()
    await page.get_by_label("Back on").fill("2026-06-01")
    await page.get_by_role("button", name=f"Pause {GRACE_NAME}").click()
    await expect(page.get_by_role("status")).to_contain_text(f"Paused {GRACE_NAME} until Monday 1 June 2026")
    await expect(page.locator("dl")).to_contain_text("Paused until Monday 1 June 2026")

    await find(page, hospital, "tom")
    await page.get_by_role("link", name=TOM_NAME).click()
    await page.get_by_role("link", name=f"Erase the details of {TOM_NAME}").click()
    erased = page.locator("main dl")
    for item in ("Name", TOM_NAME, "Slack id", TOM, "Email", "dr.tom.hughes@hospital.example", "Department"):
        await expect(erased).to_contain_text(item)
    await page.get_by_role("button", name="Erase these details").click()
    await expect(page.get_by_role("status")).to_contain_text(f"Erased participant {ids[TOM]}'s details")
    await find(page, hospital, "Hughes")
    await expect(page.get_by_role("heading", level=2).first).to_have_text("0 people found")
    await expect(page.locator("main")).not_to_contain_text(TOM_NAME)

    await page.get_by_role("link", name="Do-not-pair rules").first.click()
    await page.get_by_role("link", name="Add a rule").click()
    await page.get_by_label("Manager's name or email contains").fill("patel")
    await page.get_by_role("button", name="Narrow the lists").click()
    await expect(page.get_by_label("Manager", exact=True).locator("option")).to_have_count(2)
    await page.get_by_label("Clinician", exact=True).select_option(
        label=f"{AMARA_NAME}, St Mary's (dr.amara.okafor@hospital.example)"
    )
    await page.get_by_label("Manager", exact=True).select_option(
        label=f"{SAM_NAME}, St Mary's (sam.patel@hospital.example)"
    )
    await page.get_by_role("button", name="Add the rule").click()
    await expect(page.get_by_role("status")).to_contain_text(
        f"{AMARA_NAME} and {SAM_NAME} will not be paired"
    )
    await expect(page.get_by_role("heading", name=f"{AMARA_NAME} and {SAM_NAME}")).to_be_visible()

    # Grace is paused and Tom erased: Amara is the one clinician left, and may not meet Sam.
    run_round(hospital.ctx)
    assert [(p.clinician_id, p.manager_id) for p in hospital.store().pairs.values()] == [
        (ids[AMARA], ids[JO])
    ]

    await page.get_by_role("link", name="Audit log").click()
    entries = page.locator("main li")
    await expect(entries).to_have_count(3)
    await expect(entries.nth(0)).to_contain_text("Added a do-not-pair rule")
    await expect(entries.nth(1)).to_contain_text("Erased a person")
    await expect(entries.nth(1)).to_contain_text(f"Participant {ids[TOM]}, a clinician at St Mary's")
    await expect(entries.nth(2)).to_contain_text(f"{GRACE_NAME} until Monday 1 June 2026")
    await expect(page.locator("main")).not_to_contain_text("Hughes")
    assert page.dialogs == []


async def test_a_staff_list_with_problems_lists_them_all_and_a_clean_one_imports_on_one_confirm(
    hospital, page
):
    await everyone_joins(hospital)
    await sign_in(hospital, page)
    await page.goto(f"{hospital.url}people/import")
    bad = HEADER + "slack,U0X,,nope,porter,St Mary's,,\nslack,U0Y,Ann,,clinician,Nowhere,,\n"
    await page.get_by_label("Staff list (CSV file)").set_input_files(files=[csv_file(bad)])
    await page.get_by_role("button", name="Check the file").click()
    await expect(page.get_by_role("alert")).to_contain_text("The file has 4 problems")
    await expect(page.locator("tbody tr")).to_have_count(4)
    await expect(page.get_by_role("button", name="Import")).to_have_count(0)

    good = HEADER + "slack,U0NEW1,Dr Nia Jones,nia.jones@nhs.net,clinician,Charing Cross,Theatres,\n"
    await page.get_by_label("Staff list (CSV file)").set_input_files(files=[csv_file(good)])
    await page.get_by_role("button", name="Check the file").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check the staff list before importing")
    await expect(page.locator("main")).to_contain_text("1 new, 0 updated, 0 unchanged")
    assert not any(p.user_id == "U0NEW1" for p in hospital.store().participants.values())
    await page.get_by_role("button", name="Import 1 change").click()
    await expect(page.get_by_role("status")).to_contain_text("Imported the staff list: 1 new")
    await find(page, hospital, "nia.jones@")
    await expect(page.get_by_role("link", name="Dr Nia Jones")).to_be_visible()


def csv_file(text: str) -> dict:
    return {"name": "staff.csv", "mimeType": "text/csv", "buffer": text.encode()}


async def test_every_people_page_meets_wcag_aa_and_fits_a_phone_mistakes_included(hospital, page):
    ids = await everyone_joins(hospital)
    await sign_in(hospital, page)
    await page.goto(f"{hospital.url}rules/new")
    await page.get_by_label("Clinician", exact=True).select_option(index=1)
    await page.get_by_label("Manager", exact=True).select_option(index=1)
    await page.get_by_role("button", name="Add the rule").click()
    await expect(page.get_by_role("status")).to_be_visible()
    amara = ids[AMARA]
    pages = ["people", "people?q=okafor", "people?q=nobody", f"people/{amara}", f"people/{amara}/pause"]
    pages += [
        f"people/{amara}/site",
        f"people/{amara}/role",
        f"people/{amara}/remove",
        f"people/{amara}/erase",
    ]
    pages += ["people/import", "rules", "rules/new", "rules/new?manager_search=zzz"]
    checked = {}
    for path in pages:
        await page.goto(hospital.url + path)
        await fits(page, path)
        checked[path] = await wcag_violations(page)

    async def after(name: str, path: str, button: str, fill: dict[str, str] | None = None) -> None:
        await page.goto(hospital.url + path)
        for label, value in (fill or {}).items():
            await page.get_by_label(label, exact=True).fill(value)
        await page.get_by_role("button", name=button).click()
        await expect(page.get_by_role("alert")).to_be_visible()  # the answer has arrived
        await fits(page, name)
        checked[name] = await wcag_violations(page)

    await after("a pause with a bad date", f"people/{amara}/pause", "Pause", {"Back on": "2020-01-01"})
    await expect(page.get_by_role("alert")).to_contain_text("must be after today")
    await after("a rule with nobody chosen", "rules/new", "Add the rule")
    await expect(page.locator("#manager-error")).to_contain_text("Choose the manager")
    await page.goto(f"{hospital.url}people/{amara}/role")
    await page.get_by_label("Manager", exact=True).check()
    await page.get_by_label("How many people a week can they meet?").select_option("")
    await page.get_by_role("button", name="Save the role").click()
    await expect(page.locator("#capacity-error")).to_contain_text("Choose how many people a week")
    await fits(page, "a role with no number")
    checked["a role with no number"] = await wcag_violations(page)
    uploads = [
        ("a file with problems", HEADER + "fax,,,,,,,\n", "Problems in the staff list"),
        ("a clean preview", staff_rows(hospital), "Check the staff list before importing"),
    ]
    for name, text, heading in uploads:
        await page.goto(f"{hospital.url}people/import")
        await page.get_by_label("Staff list (CSV file)").set_input_files(files=[csv_file(text)])
        await page.get_by_role("button", name="Check the file").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        await fits(page, name)
        checked[name] = await wcag_violations(page)
    await page.get_by_text("Show the 1 person already up to date").click()
    checked["a clean preview, opened"] = await wcag_violations(page)
    assert {name: found for name, found in checked.items() if found} == {}
    assert len(checked) == 19


def staff_rows(hospital) -> str:
    """Sam meets two a week from now on; Jo's row is just as Slack told us when Jo joined."""
    jo = next(p for p in hospital.store().participants.values() if p.user_id == JO)
    same = f"slack,{JO},{JO_NAME},{jo.email},manager,St Mary's,{jo.department or ''},1\n"
    return HEADER + f"slack,{SAM},{SAM_NAME},,manager,St Mary's,,2\n" + same


async def fits(page: Page, name: str) -> None:
    assert not await scrolls_sideways(page), name
    assert await page.locator("h1").count() == 1, name


async def test_markup_in_a_name_shows_as_text_on_every_people_page_and_runs_nothing(hospital, page):
    ids = await everyone_joins(hospital)
    with hospital.ctx.uow() as uow:
        person = uow.participants.get(ids[AMARA])
        person.display_name = MARKUP
        uow.participants.save(person)
        uow.commit()
    await sign_in(hospital, page)
    await page.goto(f"{hospital.url}rules/new")
    await page.get_by_label("Clinician", exact=True).select_option(str(ids[AMARA]))
    await page.get_by_label("Manager", exact=True).select_option(str(ids[SAM]))
    await page.get_by_role("button", name="Add the rule").click()
    await page.goto(f"{hospital.url}people/{ids[AMARA]}/pause")
    await page.get_by_label("Back on").fill("2026-06-01")
    await page.get_by_role("button", name="Pause").click()
    amara = ids[AMARA]
    paths = ["people", "people?q=img", f"people/{amara}", f"people/{amara}/site", f"people/{amara}/role"]
    paths += [f"people/{amara}/remove", f"people/{amara}/erase", "rules", "audit"]
    for path in paths:
        await page.goto(hospital.url + path)
        await expect(page.locator("main").get_by_text(MARKUP).first).to_be_visible()
        assert await page.locator("img").count() == 0, path
    assert page.dialogs == []

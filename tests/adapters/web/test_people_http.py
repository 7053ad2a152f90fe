"""The People, Do-not-pair and staff-list pages over plain HTTP: no data without a session, no
change without the form's token, and an upload that writes nothing until it is confirmed."""

from __future__ import annotations

import re

import aiohttp

from tests.adapters.slack.conftest import CLINICIANS, MANAGERS
from tests.adapters.web.test_http import csrf_of, signed_in

(AMARA, AMARA_NAME, _), (GRACE, GRACE_NAME, _) = CLINICIANS[0], CLINICIANS[1]
SAM, SAM_NAME, _ = MANAGERS[0]
HEADER = "platform,user_id,name,email,role,site,department,capacity\n"
PAGES = [
    "people",
    "people?q=amara",
    "people/{amara}",
    "people/{amara}/pause",
    "people/{amara}/site",
    "people/{amara}/role",
    "people/{amara}/remove",
    "people/{amara}/erase",
    "people/import",
    "rules",
    "rules/new",
]
POSTS = [
    "people/{amara}/pause",
    "people/{amara}/resume",
    "people/{amara}/site",
    "people/{amara}/role",
    "people/{amara}/remove",
    "people/{amara}/erase",
    "people/import",
    "people/import/confirm",
    "rules/new",
    "rules/remove",
]


async def everyone_joins(hospital) -> dict[str, int]:
    for user, role in ((AMARA, "clinician"), (GRACE, "clinician"), (SAM, "manager")):
        await hospital.slack.command(user, f"join {role} St Mary's")
    return {p.user_id: p.id for p in hospital.store().participants.values()}


def urls(hospital, paths: list[str], ids: dict[str, int]) -> list[str]:
    return [hospital.url + path.format(amara=ids[AMARA]) for path in paths]


def nothing_changed(hospital, before: str) -> bool:
    return repr(hospital.store().participants) == before and not hospital.store().audit


async def test_anonymous_requests_to_the_people_pages_get_no_data(hospital):
    ids = await everyone_joins(hospital)
    before = repr(hospital.store().participants)
    async with aiohttp.ClientSession() as anonymous:
        for url in urls(hospital, PAGES, ids):
            async with anonymous.get(url, allow_redirects=False) as answer:
                assert answer.status == 303 and answer.headers["Location"] == "/admin/how-to-sign-in", url
                assert "Okafor" not in await answer.text()
        for url in urls(hospital, POSTS, ids):
            async with anonymous.post(url, data={"until": "2026-06-01", "csrf": "x"}) as answer:
                assert answer.status == 403, url
    assert nothing_changed(hospital, before)


async def test_every_people_page_is_served_with_the_security_headers_and_no_script(hospital):
    ids = await everyone_joins(hospital)
    browser = await signed_in(hospital)
    async with browser:
        for url in urls(hospital, PAGES, ids):
            async with browser.get(url) as answer:
                assert answer.status == 200, url
                assert answer.headers["X-Frame-Options"] == "DENY"
                assert "script-src 'none'" in answer.headers["Content-Security-Policy"]
                assert answer.headers["Cache-Control"] == "no-store"
                page = await answer.text()
                assert "<script" not in page and page.count("<h1") == 1, url


async def test_a_change_without_the_form_token_is_refused_and_changes_nothing(hospital):
    ids = await everyone_joins(hospital)
    before = repr(hospital.store().participants)
    browser = await signed_in(hospital)
    form = {"until": "2026-06-01", "role": "manager", "capacity": "2", "clinician": str(ids[AMARA])}
    async with browser:
        for url in urls(hospital, POSTS, ids):
            async with browser.post(url, data=form | {"manager": str(ids[SAM])}) as answer:
                assert answer.status == 403, url
                assert "Nothing was changed" in await answer.text()
        upload = aiohttp.FormData()
        upload.add_field("staff_list", HEADER.encode(), filename="staff.csv", content_type="text/csv")
        async with browser.post(hospital.url + "people/import", data=upload) as answer:
            assert answer.status == 403
    assert nothing_changed(hospital, before) and not hospital.store().exclusions


async def test_a_bad_date_is_named_by_its_field_and_a_good_one_pauses(hospital):
    ids = await everyone_joins(hospital)
    pause = f"{hospital.url}people/{ids[AMARA]}/pause"
    browser = await signed_in(hospital)
    async with browser:
        async with browser.get(pause) as answer:
            token = csrf_of(await answer.text())
        async with browser.post(pause, data={"csrf": token, "until": "31/02/2026"}) as answer:
            assert answer.status == 400
            page = await answer.text()
        assert '<a href="#until">Enter a real date' in page
        assert 'id="until-error"' in page and 'aria-invalid="true"' in page
        assert hospital.store().participants[ids[AMARA]].paused_until is None
        async with browser.post(pause, data={"csrf": token, "until": "2026-06-01"}) as answer:
            assert answer.url.path == f"/admin/people/{ids[AMARA]}"
            page = await answer.text()
        assert "Paused until Monday 1 June 2026" in page and f"Paused {AMARA_NAME} until" in page


async def test_a_staff_list_is_previewed_with_every_problem_and_only_a_clean_one_is_confirmed(hospital):
    await everyone_joins(hospital)
    bad = HEADER + "slack,U9,,x,porter,Nowhere,,\nslack,U0CLIN01,Dr A,,clinician,St Mary's,,2\n"
    good = (
        HEADER
        + f"slack,{SAM},{SAM_NAME},,manager,St Mary's,Estates,2\n"
        + "slack,U0NEW1,Dr New Starter,,clinician,Charing Cross,,\n"
    )
    browser = await signed_in(hospital)
    async with browser:
        async with browser.get(hospital.url + "people/import") as answer:
            token = csrf_of(await answer.text())

        async with browser.post(hospital.url + "people/import", data=staff_list(token, bad)) as answer:
            assert answer.status == 400
            page = await answer.text()
        rows = re.findall(r"<tr><td>(\d+)</td><td>(\w+)</td>", page)
        assert rows == [("2", "name"), ("2", "email"), ("2", "role"), ("2", "site"), ("3", "capacity")]
        assert "The file has 5 problems" in page and "/import/confirm" not in page
        async with browser.post(
            hospital.url + "people/import/confirm", data={"csrf": token, "text": bad, "fingerprint": ""}
        ) as answer:
            assert answer.status == 400
        assert not hospital.store().audit and len(hospital.store().participants) == 3

        async with browser.post(hospital.url + "people/import", data=staff_list(token, good)) as answer:
            assert answer.status == 200
            page = await answer.text()
        assert "1 new, 1 updated, 0 unchanged" in page and "capacity 1 → 2" in page
        assert len(hospital.store().participants) == 3, "a preview writes nothing"
        carried = re.search(r'name="text" value="([^"]*)"', page)[1]
        fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page)[1]
        text = carried.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
        confirm = {"csrf": token, "text": text, "fingerprint": fingerprint}
        async with browser.post(hospital.url + "people/import/confirm", data=confirm) as answer:
            assert answer.url.path == "/admin/people"
            assert "Imported the staff list: 1 new, 1 updated, 0 unchanged." in await answer.text()
    assert {p.display_name for p in hospital.store().participants.values()} >= {"Dr New Starter"}
    [entry] = hospital.store().audit
    assert (entry.action, entry.detail) == ("Imported the staff list", "1 new, 1 updated, 0 unchanged")


def staff_list(token: str, text: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("csrf", token)
    form.add_field("staff_list", text.encode(), filename="staff.csv", content_type="text/csv")
    return form


async def test_markup_in_a_name_is_sent_as_text_on_every_people_page(hospital):
    ids = await everyone_joins(hospital)
    markup = "<img src=x onerror=alert(1)>"
    with hospital.ctx.uow() as uow:
        person = uow.participants.get(ids[AMARA])
        person.display_name = markup
        uow.participants.save(person)
        uow.commit()
    browser = await signed_in(hospital)
    async with browser:
        async with browser.get(hospital.url + "rules/new") as answer:
            token = csrf_of(await answer.text())
        rule = {"csrf": token, "clinician": str(ids[AMARA]), "manager": str(ids[SAM])}
        async with browser.post(hospital.url + "rules/new", data=rule) as answer:
            assert answer.url.path == "/admin/rules"
        shown = [*(p for p in PAGES if p not in ("people?q=amara", "people/import")), "audit"]
        for url in urls(hospital, [*PAGES, "audit"], ids):
            async with browser.get(url) as answer:
                page = await answer.text()
            assert "<img" not in page, url
            if url in urls(hospital, shown, ids):
                assert "&lt;img src=x onerror=alert(1)&gt;" in page, url

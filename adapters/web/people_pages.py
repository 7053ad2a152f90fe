"""The People, Do-not-pair rules and staff-list pages. GETs only read; every POST has passed
the CSRF check in app.py, and every change goes through the core's `Dashboard`.

The staff list is carried from the preview to the confirm as a hidden form field, with a
fingerprint of what the preview showed, rather than kept on the server: nothing of the
list stays behind when an organiser walks away from the preview, any worker can take the
confirm, and the core checks the file afresh before it writes a thing (see
bot/dashboard/staff_import.py). That form is multipart, like the upload, so the text goes
back at its own size rather than percent-encoded at up to three times it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from adapters.web.forms import fields, who

if TYPE_CHECKING:
    from adapters.web.pages import Pages

PERSON = "/people/{person_id:\\d+}"


class PeoplePages:
    def __init__(self, pages: Pages):
        self.pages = pages
        self.site = pages.site
        self.desk = pages.desk

    def register(self, router: web.UrlDispatcher) -> None:
        router.add_get("/people", self.people, name="people")
        router.add_route("*", "/people/import", self.upload, name="staff_import")
        router.add_post("/people/import/confirm", self.confirm_import, name="confirm_import")
        router.add_get(PERSON, self.person, name="person")
        router.add_route("*", PERSON + "/pause", self.pause, name="pause_person")
        router.add_post(PERSON + "/resume", self.resume, name="resume_person")
        router.add_route("*", PERSON + "/site", self.move, name="move_person")
        router.add_route("*", PERSON + "/role", self.change_role, name="change_role")
        router.add_route("*", PERSON + "/remove", self.remove, name="remove_person")
        router.add_route("*", PERSON + "/erase", self.erase, name="erase_person")
        router.add_get("/rules", self.rules, name="rules")
        router.add_route("*", "/rules/new", self.add_rule, name="add_rule")
        router.add_post("/rules/remove", self.remove_rule, name="remove_rule")

    # People

    async def people(self, request: web.Request) -> web.Response:
        page = request.query.get("page", "1")
        number = int(page) if page.isdigit() and len(page) < 7 else 1
        found = await self.site.call(self.desk.people, request.query.get("q", ""), number)
        return self.pages.page(request, "people.html", found=found)

    async def person(self, request: web.Request) -> web.Response:
        return self.pages.page(request, "person.html", person=await self._person(request), problems={})

    async def pause(self, request: web.Request) -> web.StreamResponse:
        person = await self._person(request)
        form, problems = {"until": ""}, {}
        if request.method == "POST":
            form = await fields(request, "until")
            change = await self.site.call(self.desk.pause_person, who(request), person.id, form["until"])
            self.pages.after(request, change, f"/admin/people/{person.id}")
            problems = change.problems
        return self.pages.page(request, "pause_person.html", person=person, form=form, problems=problems)

    async def resume(self, request: web.Request) -> web.StreamResponse:
        person = await self._person(request)
        change = await self.site.call(self.desk.resume_person, who(request), person.id)
        self.pages.after(request, change, f"/admin/people/{person.id}")
        return self.pages.page(request, "person.html", person=person, problems=change.problems)

    async def move(self, request: web.Request) -> web.StreamResponse:
        person = await self._person(request)
        form, problems = {"site": str(person.site_id)}, {}
        if request.method == "POST":
            form = await fields(request, "site")
            change = await self.site.call(self.desk.move_person, who(request), person.id, form["site"])
            self.pages.after(request, change, f"/admin/people/{person.id}")
            problems = change.problems
        sites = await self.site.call(self.desk.site_choices)
        return self.pages.page(
            request, "move_person.html", person=person, form=form, sites=sites, problems=problems
        )

    async def change_role(self, request: web.Request) -> web.StreamResponse:
        person = await self._person(request)
        form, problems = {"role": person.role, "capacity": str(person.capacity)}, {}
        if request.method == "POST":
            form = await fields(request, "role", "capacity")
            change = await self.site.call(
                self.desk.change_role, who(request), person.id, form["role"], form["capacity"]
            )
            self.pages.after(request, change, f"/admin/people/{person.id}")
            problems = change.problems
        return self.pages.page(request, "change_role.html", person=person, form=form, problems=problems)

    async def remove(self, request: web.Request) -> web.StreamResponse:
        person = await self._person(request)
        problems: dict[str, str] = {}
        if request.method == "POST":
            change = await self.site.call(self.desk.remove_person, who(request), person.id)
            self.pages.after(request, change, f"/admin/people/{person.id}")
            problems = change.problems
        return self.pages.page(request, "remove_person.html", person=person, problems=problems)

    async def erase(self, request: web.Request) -> web.StreamResponse:
        preview = await self.site.call(self.desk.erasure_preview, int(request.match_info["person_id"]))
        if preview is None:
            raise web.HTTPNotFound()
        problems: dict[str, str] = {}
        if request.method == "POST":
            change = await self.site.call(self.desk.erase_person, who(request), preview.person.id)
            self.pages.after(request, change, "/admin/people")
            problems = change.problems
        return self.pages.page(
            request, "erase_person.html", preview=preview, person=preview.person, problems=problems
        )

    # The staff list

    async def upload(self, request: web.Request) -> web.StreamResponse:
        if request.method != "POST":
            return self.pages.page(request, "staff_import.html", problems={})
        posted = await request.post()
        sent = posted.get("staff_list")
        data = sent.file.read() if isinstance(sent, web.FileField) else b""
        preview = await self.site.call(self.desk.preview_staff_upload, data)
        return self._preview(request, preview, {})

    async def confirm_import(self, request: web.Request) -> web.StreamResponse:
        form = await fields(request, "text", "fingerprint")
        preview, change = await self.site.call(
            self.desk.confirm_staff_import, who(request), form["text"], form["fingerprint"]
        )
        self.pages.after(request, change, "/admin/people")
        return self._preview(request, preview, change.problems)

    def _preview(self, request: web.Request, preview, problems: dict[str, str]) -> web.Response:
        if preview.problems:
            count = len(preview.problems)
            problems = {
                "staff_list": f"The file has {count} problem{'' if count == 1 else 's'}, listed below; "
                "nothing was imported. Fix the file and upload it again."
            }
        return self.pages.page(request, "import_preview.html", preview=preview, problems=problems)

    # Do-not-pair rules

    async def rules(self, request: web.Request) -> web.Response:
        rules = await self.site.call(self.desk.rules)
        return self.pages.page(request, "rules.html", rules=rules, problems={})

    async def add_rule(self, request: web.Request) -> web.StreamResponse:
        searches = ("clinician_search", "manager_search")
        form = {name: request.query.get(name, "") for name in searches} | {"clinician": "", "manager": ""}
        problems: dict[str, str] = {}
        if request.method == "POST":
            form = await fields(request, *searches, "clinician", "manager")
            change = await self.site.call(
                self.desk.add_rule, who(request), form["clinician"], form["manager"]
            )
            self.pages.after(request, change, "/admin/rules")
            problems = change.problems
        choices = await self.site.call(
            self.desk.rule_choices, form["clinician_search"], form["manager_search"]
        )
        return self.pages.page(
            request,
            "add_rule.html",
            form=form,
            choices=choices,
            clinicians=[(c.id, c.label) for c in choices.clinicians],
            managers=[(c.id, c.label) for c in choices.managers],
            problems=problems,
        )

    async def remove_rule(self, request: web.Request) -> web.StreamResponse:
        form = await fields(request, "clinician", "manager")
        change = await self.site.call(self.desk.remove_rule, who(request), form["clinician"], form["manager"])
        self.pages.after(request, change, "/admin/rules")
        rules = await self.site.call(self.desk.rules)
        return self.pages.page(request, "rules.html", rules=rules, problems=change.problems)

    async def _person(self, request: web.Request):
        person = await self.site.call(self.desk.person, int(request.match_info["person_id"]))
        if person is None:
            raise web.HTTPNotFound()
        return person

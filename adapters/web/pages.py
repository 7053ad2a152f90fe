"""One handler per page. GETs only read; every POST has passed the CSRF check in app.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from adapters.web import security
from adapters.web.forms import fields, who
from adapters.web.keys import SECRET, SESSION
from adapters.web.people_pages import PeoplePages
from adapters.web.programme_pages import ProgrammePages
from bot.dashboard import Change

if TYPE_CHECKING:
    from adapters.web.app import DashboardSite


class Pages:
    def __init__(self, site: DashboardSite):
        self.site = site
        self.desk = site.desk
        # A one-line confirmation shown on the next page after a change, per session.
        self._done: dict[str, str] = {}

    def register(self, router: web.UrlDispatcher) -> None:
        router.add_get("/signin", self.sign_in_page, name="signin")
        router.add_post("/signin", self.sign_in, name="signin_post")
        router.add_get("/how-to-sign-in", self.help, name="help")
        router.add_get("/signed-out", self.signed_out, name="signed_out")
        router.add_post("/sign-out", self.sign_out, name="sign_out")
        router.add_get("/", self.overview, name="overview")
        router.add_get("/sites", self.sites, name="sites")
        router.add_get("/sites/{site_id:\\d+}", self.site_page, name="site")
        router.add_route("*", "/sites/{site_id:\\d+}/rename", self.rename_site, name="rename_site")
        router.add_route("*", "/sites/{site_id:\\d+}/retire", self.retire_site, name="retire_site")
        router.add_route("*", "/sites/{site_id:\\d+}/places/new", self.add_place, name="add_place")
        router.add_route("*", "/places/{place_id:\\d+}", self.edit_place, name="edit_place")
        router.add_get("/audit", self.audit, name="audit")
        PeoplePages(self).register(router)
        ProgrammePages(self).register(router)

    # Signing in and out

    async def sign_in_page(self, request: web.Request) -> web.Response:
        """Opening the link only looks: the button's POST is what uses it up."""
        token = request.query.get("token", "")
        if not await self.site.call(self.desk.link_works, token):
            return self.site.render(request, "link_not_valid.html", status=400)
        return self.site.render(request, "sign_in.html", token=token)

    async def sign_in(self, request: web.Request) -> web.StreamResponse:
        # No CSRF token here (there is no session yet): the one-time secret is the proof.
        token = (await request.post()).get("token", "")
        started = await self.site.call(self.desk.start_session, token if isinstance(token, str) else "")
        if started is None:
            return self.site.render(request, "link_not_valid.html", status=400)
        response = web.HTTPSeeOther("/admin/")
        security.set_session_cookie(
            response, started.secret, max_age=started.lifetime_seconds, secure=self.desk.secure
        )
        raise response

    async def help(self, request: web.Request) -> web.Response:
        return self.site.render(request, "how_to_sign_in.html")

    async def signed_out(self, request: web.Request) -> web.Response:
        return self.site.render(request, "signed_out.html")

    async def sign_out(self, request: web.Request) -> web.StreamResponse:
        await self.site.call(self.desk.sign_out, request[SECRET])
        response = web.HTTPSeeOther("/admin/signed-out")
        security.clear_session_cookie(response, secure=self.desk.secure)
        raise response

    # Reading

    async def overview(self, request: web.Request) -> web.Response:
        figures = await self.site.call(self.desk.overview)
        return self.page(request, "overview.html", figures=figures)

    async def sites(self, request: web.Request) -> web.Response:
        sites = await self.site.call(self.desk.sites)
        return self.page(request, "sites.html", sites=sites)

    async def site_page(self, request: web.Request) -> web.Response:
        return self.page(request, "site.html", site=await self._site(request))

    async def audit(self, request: web.Request) -> web.Response:
        entries = await self.site.call(self.desk.audit_log)
        return self.page(request, "audit.html", entries=entries)

    # Changing

    async def rename_site(self, request: web.Request) -> web.StreamResponse:
        site = await self._site(request)
        form = {"name": site.name}
        if request.method == "POST":
            form = await fields(request, "name")
            change = await self.site.call(self.desk.rename_site, who(request), site.id, form["name"])
            self.after(request, change, f"/admin/sites/{site.id}")
            return self.page(request, "rename_site.html", site=site, form=form, problems=change.problems)
        return self.page(request, "rename_site.html", site=site, form=form, problems={})

    async def retire_site(self, request: web.Request) -> web.StreamResponse:
        site = await self._site(request)
        problems: dict[str, str] = {}
        if request.method == "POST":
            change = await self.site.call(self.desk.retire_site, who(request), site.id)
            self.after(request, change, "/admin/sites")
            problems = change.problems
        return self.page(request, "retire_site.html", site=site, problems=problems)

    async def add_place(self, request: web.Request) -> web.StreamResponse:
        site = await self._site(request)
        form = {"name": "", "kind": "kitchen", "directions": ""}
        problems: dict[str, str] = {}
        if request.method == "POST":
            form = await fields(request, "name", "kind", "directions")
            change = await self.site.call(
                self.desk.add_place, who(request), site.id, form["name"], form["kind"], form["directions"]
            )
            self.after(request, change, f"/admin/sites/{site.id}")
            problems = change.problems
        return self._place_form(request, "add_place.html", site=site, form=form, problems=problems)

    async def edit_place(self, request: web.Request) -> web.StreamResponse:
        place = await self.site.call(self.desk.place, int(request.match_info["place_id"]))
        if place is None:
            raise web.HTTPNotFound()
        form = {"name": place.name, "kind": place.kind, "directions": place.directions}
        problems: dict[str, str] = {}
        if request.method == "POST":
            form = await fields(request, "name", "kind", "directions")
            change = await self.site.call(
                self.desk.edit_place, who(request), place.id, form["name"], form["kind"], form["directions"]
            )
            self.after(request, change, f"/admin/sites/{place.site_id}")
            problems = change.problems
        return self._place_form(request, "edit_place.html", place=place, form=form, problems=problems)

    # Shared by every group of pages (people_pages, programme_pages register theirs beside these)

    def _place_form(self, request: web.Request, template: str, **values) -> web.Response:
        return self.page(request, template, kinds=self.desk.place_kinds(), **values)

    def page(self, request: web.Request, template: str, **values) -> web.Response:
        session = request[SESSION]
        done = self._done.pop(session.csrf_token, "") if session else ""
        status = 400 if values.get("problems") else 200
        return self.site.render(request, template, status=status, done=done, **values)

    def after(self, request: web.Request, change: Change, then: str) -> None:
        """After a change that worked: say so on the next page (Post/Redirect/Get)."""
        if change.ok:
            self._done[request[SESSION].csrf_token] = change.done
            raise web.HTTPSeeOther(then)

    async def _site(self, request: web.Request):
        site = await self.site.call(self.desk.site, int(request.match_info["site_id"]))
        if site is None:
            raise web.HTTPNotFound()
        return site

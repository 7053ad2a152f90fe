"""Settings, Rounds, and Digest and reports: the pages that run the programme itself.

Registered from pages.py; they share its one-line confirmations and error handling, so a
change here reads exactly like a change to a site.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from adapters.web.keys import SESSION
from bot.dashboard.programme_settings import FIELDS as SETTINGS_FIELDS

if TYPE_CHECKING:
    from adapters.web.pages import Pages


NO_REPORT = "No board report for that quarter: choose one on the Digest and reports page."


class ProgrammePages:
    def __init__(self, pages: Pages):
        self.pages = pages
        self.site = pages.site
        self.desk = pages.desk

    def register(self, router: web.UrlDispatcher) -> None:
        router.add_route("*", "/settings", self.settings, name="settings")
        router.add_get("/rounds", self.rounds, name="rounds")
        router.add_post("/rounds/run", self.run_round, name="run_round")
        router.add_get("/digest", self.digest, name="digest")
        router.add_post("/digest/send", self.send_digest, name="send_digest")
        router.add_get("/digest/report", self.board_report, name="board_report")

    async def settings(self, request: web.Request) -> web.StreamResponse:
        view = await self.site.call(self.desk.settings_form)
        if request.method != "POST":
            return self.pages.page(request, "settings.html", view=view, problems={})
        names = [*SETTINGS_FIELDS, *(f"organisers_{platform}" for platform, _ in view.platforms)]
        posted = await request.post()
        typed = {name: str(posted.get(name, "")) for name in names}
        change = await self.site.call(self.desk.save_settings, request[SESSION].organiser, typed)
        self.pages.after(request, change, "/admin/settings")
        view = await self.site.call(self.desk.settings_form_with, typed)
        return self.pages.page(request, "settings.html", view=view, problems=change.problems)

    async def rounds(self, request: web.Request) -> web.Response:
        view = await self.site.plan(self.desk.rounds)
        return self.pages.page(request, "rounds.html", view=view)

    async def run_round(self, request: web.Request) -> web.StreamResponse:
        change = await self.site.call(self.desk.run_round_now, request[SESSION].organiser)
        self.pages.after(request, change, "/admin/rounds")
        raise AssertionError("running a round always reports what it did")

    async def digest(self, request: web.Request) -> web.Response:
        view = await self.site.call(self.desk.digest)
        return self.pages.page(request, "digest.html", view=view, problems={})

    async def board_report(self, request: web.Request) -> web.StreamResponse:
        # Drawing the PDF takes a second of matplotlib: the planning lane, not the pages' turns.
        found = await self.site.plan(self.desk.board_report, request.query.get("quarter", ""))
        if found is None:
            raise web.HTTPNotFound(
                text="No board report for that quarter: choose one on the Digest and reports page."
            )
        return web.Response(
            body=found.pdf,
            content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{found.filename}"'},
        )

    async def send_digest(self, request: web.Request) -> web.StreamResponse:
        change = await self.site.call(self.desk.send_digest_now, request[SESSION].organiser)
        self.pages.after(request, change, "/admin/digest")
        view = await self.site.call(self.desk.digest)
        return self.pages.page(request, "digest.html", view=view, problems=change.problems)

"""The dashboard as the composition root sees it: `DashboardSite(desk).attach(web_app)`.

`desk` is the core's `bot.dashboard.Dashboard`; every call to it does database work, so it
runs on a worker thread and the event loop (and with it every Slack ack) never waits. At most
DESK_CALLS of them run at once; the rest wait their turn on the loop, holding no thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web
from jinja2 import Environment, FileSystemLoader

from adapters.web import security
from adapters.web.keys import SECRET, SESSION
from adapters.web.pages import Pages
from bot.dashboard import Dashboard, DeskSession

HERE = Path(__file__).parent
PREFIX = "/admin"
# Pages anyone may see: they show no programme data.
PUBLIC = frozenset({"signin", "signin_post", "help", "signed_out", "static"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Ten organisers opening pages together would otherwise be ten threads in Python at once:
# each page then takes ten times as long, and the Slack core, which shares the process and
# its interpreter lock, waits behind them all. Two keep a database and a CPU busy.
DESK_CALLS = 2


class DashboardSite:
    def __init__(self, desk: Dashboard):
        self.desk = desk
        self.templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
        self.templates.filters["when"] = lambda at: f"{at:%A %d %B %Y at %H:%M}"
        self.pages = Pages(self)
        self._turns = asyncio.Semaphore(DESK_CALLS)
        self._planning = asyncio.Semaphore(1)

    def attach(self, web_app: web.Application) -> None:
        admin = web.Application(middlewares=[self._headers, self._signed_in])
        self.pages.register(admin.router)
        admin.router.add_static("/static", HERE / "static", name="static")
        web_app.add_subapp(PREFIX, admin)

    async def call(self, method: Callable, *args):
        async with self._turns:
            return await asyncio.to_thread(method, *args)

    async def plan(self, method: Callable, *args):
        """A call that may plan a whole round (the Rounds page's preview, a second or more):
        one at a time, in a lane of its own, so organisers waiting for it never hold up the
        other pages' turns (the preview is shared, so the next ones in the lane are quick)."""
        async with self._planning:
            return await asyncio.to_thread(method, *args)

    def render(self, request: web.Request, template: str, *, status: int = 200, **values) -> web.Response:
        session: DeskSession | None = request.get(SESSION)
        page = self.templates.get_template(template).render(
            session=session, csrf=session.csrf_token if session else "", path=request.path, **values
        )
        return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")

    @web.middleware
    async def _headers(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as answer:
            response = answer
        security.protect(response, static=_route_name(request) == "static")
        if isinstance(response, web.HTTPException):
            raise response
        return response

    @web.middleware
    async def _signed_in(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        secret = request.cookies.get(security.COOKIE, "")
        session = await self.call(self.desk.session, secret) if secret else None
        request[SESSION] = session
        request[SECRET] = secret if session else ""
        if _route_name(request) in PUBLIC:
            return await handler(request)
        if request.method not in ("GET", "HEAD"):
            if session is None or not security.same_token(
                (await request.post()).get("csrf"), session.csrf_token
            ):
                return self.render(request, "refused.html", status=403)
        elif session is None:
            raise web.HTTPSeeOther(f"{PREFIX}/how-to-sign-in")
        return await handler(request)


def _route_name(request: web.Request) -> str | None:
    return getattr(request.match_info.route, "name", None)

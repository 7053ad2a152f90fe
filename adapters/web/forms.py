"""What every dashboard page reads from a request: who is signed in, and the fields they posted."""

from __future__ import annotations

from aiohttp import web

from adapters.web.keys import SESSION
from bot.model import Organiser


def who(request: web.Request) -> Organiser:
    organiser: Organiser = request[SESSION].organiser
    return organiser


async def fields(request: web.Request, *names: str) -> dict[str, str]:
    posted = await request.post()
    return {name: str(posted.get(name, "")) for name in names}

"""A loopback fake of the Bot Connector service a Teams bot calls back into.

It listens on 127.0.0.1 on a random port; tests put its address in the `serviceUrl` of the
activities they post to the bot, so every reply, proactive send, card update and new chat
lands here and is recorded. It can fail the next calls on demand (429 with Retry-After,
5xx, 403) and can enforce Teams' rate limits per conversation and per tenant.

    async with FakeBotConnector() as connector:
        activity["serviceUrl"] = connector.url
        ...
        assert connector.cards(conversation_id)[0]["body"][0]["text"] == "..."
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

from aiohttp import web

from tests.loopback import LoopbackServer

CARD = "application/vnd.microsoft.card.adaptive"


@dataclass
class Call:
    kind: str  # create | send | reply | update | member
    conversation_id: str | None
    activity_id: str | None  # in the path: the activity replied to, or updated
    body: dict | None
    status: int
    at: float
    new_id: str | None = None  # the id this call gave a new conversation or activity

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def cards(self) -> list[dict]:
        attachments = (self.body or {}).get("attachments") or []
        return [a["content"] for a in attachments if a.get("contentType") == CARD]


@dataclass
class Failure:
    status: int
    times: int
    kind: str | None = None
    retry_after: float | None = None
    body: dict | None = None


@dataclass
class Limits:
    """(seconds, requests) windows; Teams documents these per conversation and per tenant."""

    per_conversation: tuple[tuple[float, int], ...] = ()
    per_tenant: tuple[tuple[float, int], ...] = ()


@dataclass
class _Log:
    times: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))

    def wait_needed(self, key: str, windows: tuple[tuple[float, int], ...], now: float) -> float:
        times = self.times[key]
        longest = max((seconds for seconds, _ in windows), default=0)
        while times and times[0] <= now - longest:
            times.popleft()
        wait = 0.0
        for seconds, requests in windows:
            inside = [t for t in times if t > now - seconds]
            if len(inside) >= requests:
                wait = max(wait, inside[-requests] + seconds - now)
        return wait


class FakeBotConnector:
    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits()
        self.calls: list[Call] = []
        self.members: dict[str, dict] = {}  # Teams user id -> what GET .../members/{id} returns
        self._failures: list[Failure] = []
        self._deleted: set[tuple[str, str]] = set()
        self._ids = itertools.count(1)
        self._log = _Log()
        self._server: LoopbackServer | None = None
        self.url = ""

    async def __aenter__(self) -> FakeBotConnector:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._reply)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._update)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)
        self._server = LoopbackServer(app)
        self.url = await self._server.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._server.stop()

    # --- what tests ask for ---------------------------------------------------------------

    def fail(
        self,
        status: int,
        *,
        times: int = 1,
        kind: str | None = None,
        retry_after: float | None = None,
        body: dict | None = None,
    ) -> None:
        """Answer the next `times` calls (of `kind`, if given) with `status`."""
        self._failures.append(Failure(status, times, kind, retry_after, body))

    def accepted(self, kind: str | None = None, conversation_id: str | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.ok
            and (kind is None or c.kind == kind)
            and (conversation_id is None or c.conversation_id == conversation_id)
        ]

    def cards(self, conversation_id: str | None = None, kinds=("send", "reply", "update")) -> list[dict]:
        return [
            card
            for c in self.accepted(conversation_id=conversation_id)
            if c.kind in kinds
            for card in c.cards
        ]

    def rejected(self, status: int | None = None) -> list[Call]:
        return [c for c in self.calls if not c.ok and (status is None or c.status == status)]

    # --- the service ----------------------------------------------------------------------

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        member = (body.get("members") or [{}])[0].get("id", "")
        refused = self._refuse("create", f"new:{member}", body)
        if refused:
            return self._record(refused, "create", None, None, body)
        conversation = f"a:chat-{next(self._ids)}"
        response = web.json_response({"id": conversation}, status=201)
        return self._record(response, "create", None, None, body, conversation)

    async def _send(self, request: web.Request) -> web.Response:
        return await self._post(request, "send")

    async def _reply(self, request: web.Request) -> web.Response:
        return await self._post(request, "reply")

    async def _post(self, request: web.Request, kind: str) -> web.Response:
        conversation = request.match_info["conversation"]
        body = await request.json()
        replied_to = request.match_info.get("activity")
        refused = self._refuse(kind, conversation, body)
        if refused:
            return self._record(refused, kind, conversation, replied_to, body)
        new_id = f"{next(self._ids)}"
        response = web.json_response({"id": new_id}, status=201)
        return self._record(response, kind, conversation, replied_to, body, new_id)

    async def _update(self, request: web.Request) -> web.Response:
        conversation, activity = request.match_info["conversation"], request.match_info["activity"]
        body = await request.json()
        refused = self._refuse("update", conversation, body) or self._missing(conversation, activity)
        if refused:
            return self._record(refused, "update", conversation, activity, body)
        return self._record(web.json_response({"id": activity}), "update", conversation, activity, body)

    async def _member(self, request: web.Request) -> web.Response:
        member = request.match_info["member"]
        found = self.members.get(member)
        response = (
            web.json_response(found)
            if found
            else web.json_response({"error": {"code": "NotFound", "message": "no such member"}}, status=404)
        )
        return self._record(response, "member", request.match_info["conversation"], None, None)

    def delete(self, conversation_id: str, activity_id: str) -> None:
        """The message was deleted from the chat: updating it is refused from now on."""
        self._deleted.add((conversation_id, activity_id))

    def _missing(self, conversation: str, activity: str) -> web.Response | None:
        """As the service answers an update of a message it does not have (the bodies Teams sends)."""
        posted = {(c.conversation_id, c.new_id) for c in self.calls if c.ok and c.kind in ("send", "reply")}
        if not any(known == conversation for known, _ in posted):
            error = {"code": "ConversationNotFound", "message": "Conversation not found."}
        elif (conversation, activity) not in posted or (conversation, activity) in self._deleted:
            error = {
                "code": "ActivityNotFoundInConversation",
                "message": "Message does not exist in the thread.",
            }
        else:
            return None
        return web.json_response({"error": error}, status=404)

    def _refuse(self, kind: str, conversation: str, body: dict) -> web.Response | None:
        for failure in self._failures:
            if failure.times > 0 and failure.kind in (None, kind):
                failure.times -= 1
                headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
                error = failure.body or {
                    "error": {"code": f"Injected{failure.status}", "message": "injected"}
                }
                return web.json_response(error, status=failure.status, headers=headers)
        return self._throttle(conversation, _tenant(body))

    def _throttle(self, conversation: str, tenant: str) -> web.Response | None:
        now = time.monotonic()
        wait = max(
            self._log.wait_needed(f"c:{conversation}", self.limits.per_conversation, now),
            self._log.wait_needed(f"t:{tenant}", self.limits.per_tenant, now),
        )
        if wait > 0:
            return web.json_response(
                {"error": {"code": "TooManyRequests", "message": "rate limit"}},
                status=429,
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        self._log.times[f"c:{conversation}"].append(now)
        self._log.times[f"t:{tenant}"].append(now)
        return None

    def _record(self, response, kind, conversation, activity, body, new_id=None) -> web.Response:
        self.calls.append(Call(kind, conversation, activity, body, response.status, time.monotonic(), new_id))
        return response


def _tenant(body: dict) -> str:
    conversation = body.get("conversation") or {}
    return (
        conversation.get("tenantId")
        or conversation.get("tenantID")  # how botbuilder-python spells it
        or body.get("tenantId")
        or (body.get("channelData") or {}).get("tenant", {}).get("id")
        or "tenant"
    )

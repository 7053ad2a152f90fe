"""A loopback fake of Slack's side: the Web API, response URLs, file uploads and Socket Mode.

It answers like Slack: HTTP 200 with `{"ok": true, ...}`, errors as `{"ok": false, "error": ...}`
with HTTP 200, 429 with an integer Retry-After header when a method's rate limit is
exceeded, and 5xx only when a test asks for it. Every call is recorded with its arguments.

    slack = FakeSlack()
    await slack.start()                      # 127.0.0.1, a free port
    slack.add_user("U1", "Dr Amara Okafor", title="Cardiology registrar")
    slack.rate_limit("chat.postMessage", per_second=20)
    slack.fail("chat.postMessage", status=503, times=2)
    ... point CORRIDOR_SLACK_API_URL at slack.api_url ...
    await slack.stop()
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

from tests.loopback import LoopbackServer

BOT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-fake-app-token"
TEAM_ID = "T0HOSPITAL"
BOT_USER = "UCORRIDOR"
RESPONSE = "response_url"  # the name faults and calls use for response URLs


@dataclass
class Call:
    method: str
    args: dict
    status: int = 200
    error: str | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


@dataclass
class _Fault:
    status: int
    error: str
    times: int | None  # None: every time
    retry_after: int | None = None


class _Bucket:
    """Slack-like limit: up to `per_second` calls in a burst, refilled at `per_second`."""

    def __init__(self, per_second: float, retry_after: int | None):
        self.rate = per_second
        self.tokens = per_second
        self.retry_after = retry_after
        self.stamp = time.monotonic()

    def take(self) -> int | None:
        """None if the call may go ahead, else the Retry-After (whole seconds, as Slack sends)."""
        now = time.monotonic()
        self.tokens = min(self.rate, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return None
        if self.retry_after is not None:
            return self.retry_after
        return max(1, math.ceil((1 - self.tokens) / self.rate))


class FakeSlack:
    def __init__(self, *, bot_token: str = BOT_TOKEN, app_token: str = APP_TOKEN, seed: int = 7):
        self.bot_token = bot_token
        self.app_token = app_token
        self.calls: list[Call] = []
        self.users: dict[str, dict] = {}
        self.channels: dict[str, list[str]] = {}
        self.messages: dict[str, list[dict]] = defaultdict(list)
        self.responses: dict[str, list[dict]] = defaultdict(list)
        self.responded_at: dict[str, float] = {}  # response token -> time.monotonic() of the last reply
        self.views: dict[str, dict] = {}
        self.uploads: dict[str, dict] = {}
        self.shared_files: dict[str, list[dict]] = defaultdict(list)
        self.socket_received: asyncio.Queue[dict] = asyncio.Queue()
        self._socket_open = asyncio.Event()
        self._sockets: set[web.WebSocketResponse] = set()
        self._faults: dict[str, list[_Fault]] = defaultdict(list)
        self._buckets: dict[str, _Bucket] = {}
        self._flaky: tuple[float, frozenset[str] | None] = (0.0, None)
        self._random = random.Random(seed)
        self._ids = itertools.count(1)
        self._server: LoopbackServer | None = None
        self.url = ""
        # Seconds each Web API call takes, for benches: the round trip to the real Slack.
        self.latency = 0.0

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{token}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._server = LoopbackServer(app)
        self.url = await self._server.start()
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._server is not None:
            await self._server.stop()

    @property
    def api_url(self) -> str:
        return self.url + "api/"

    def response_url(self) -> str:
        return f"{self.url}response/{next(self._ids)}"

    # --- the workspace -------------------------------------------------------------------

    def add_user(self, user_id: str, real_name: str, *, email: str | None = None, title: str = "") -> None:
        handle = real_name.lower().replace(" ", ".")
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": handle,
            "real_name": real_name,
            "deleted": False,
            "profile": {
                "real_name": real_name,
                "display_name": handle,
                "email": email or f"{handle}@hospital.example",
                "title": title,
            },
        }

    def add_channel(self, channel_id: str) -> None:
        self.channels.setdefault(channel_id, [])

    # --- faults and limits ---------------------------------------------------------------

    def fail(self, method: str, *, status: int = 500, error: str = "internal_error", times: int | None = 1):
        """The next `times` calls (None: all) answer with an HTTP error status."""
        self._faults[method].append(_Fault(status, error, times))

    def refuse(self, method: str, error: str, *, times: int | None = None) -> None:
        """Calls answer HTTP 200 with ok:false and this error, as Slack does."""
        self._faults[method].append(_Fault(200, error, times))

    def throttle(self, method: str, *, retry_after: int, times: int | None = 1) -> None:
        """The next calls answer 429 with this Retry-After."""
        self._faults[method].append(_Fault(429, "ratelimited", times, retry_after))

    def rate_limit(self, method: str, per_second: float, retry_after: int | None = None) -> None:
        self._buckets[method] = _Bucket(per_second, retry_after)

    def flaky(self, rate: float, methods: set[str] | None = None) -> None:
        """Each call (to `methods`, or any) fails with HTTP 500 before doing anything, with this chance."""
        self._flaky = (rate, frozenset(methods) if methods else None)

    def clear_faults(self) -> None:
        self._faults.clear()
        self._buckets.clear()
        self._flaky = (0.0, None)

    # --- what tests read -----------------------------------------------------------------

    def calls_to(self, method: str, *, ok_only: bool = True) -> list[Call]:
        return [c for c in self.calls if c.method == method and (c.ok or not ok_only)]

    def members(self, channel_id: str) -> list[str]:
        return self.channels.get(channel_id, [])

    def message(self, channel: str, ts: str) -> dict:
        return next(m for m in self.messages[channel] if m["ts"] == ts)

    def delete_message(self, channel: str, ts: str) -> None:
        """Someone (a workspace admin) deleted a message: updating it now gets message_not_found."""
        self.messages[channel] = [m for m in self.messages[channel] if m["ts"] != ts]

    # --- Socket Mode ---------------------------------------------------------------------

    async def socket_connected(self, timeout: float = 5.0) -> None:
        await asyncio.wait_for(self._socket_open.wait(), timeout)

    async def socket_send(self, envelope: dict) -> None:
        for ws in list(self._sockets):
            await ws.send_str(json.dumps(envelope))

    async def socket_next(self, timeout: float = 5.0) -> dict:
        return await asyncio.wait_for(self.socket_received.get(), timeout)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.add(ws)
        await ws.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0CORRIDOR"}}
        )
        self._socket_open.set()
        try:
            async for frame in ws:
                if frame.type == WSMsgType.TEXT:
                    await self.socket_received.put(json.loads(frame.data))
        finally:
            self._sockets.discard(ws)
        return ws

    # --- HTTP handlers -------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        token = _token(request, args)
        call = Call(method, args)
        self.calls.append(call)
        if self.latency:
            await asyncio.sleep(self.latency)
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token is None:
            return _answer(call, {"ok": False, "error": "not_authed"})
        if token != expected:
            return _answer(call, {"ok": False, "error": "invalid_auth"})
        trouble = self._trouble(method)
        if trouble is not None:
            return _answer(call, *trouble)
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return _answer(call, {"ok": False, "error": "unknown_method"})
        return _answer(call, handler(args))

    def _trouble(self, method: str) -> tuple | None:
        rate, methods = self._flaky
        if rate and (methods is None or method in methods) and self._random.random() < rate:
            return {"ok": False, "error": "internal_error"}, 500
        for fault in self._faults.get(method, []):
            if fault.times is None or fault.times > 0:
                if fault.times is not None:
                    fault.times -= 1
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
                return {"ok": False, "error": fault.error}, fault.status, headers
        bucket = self._buckets.get(method)
        wait = bucket.take() if bucket else None
        if wait is not None:
            return {"ok": False, "error": "ratelimited"}, 429, {"Retry-After": str(wait)}
        return None

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        call = Call(RESPONSE, body)
        self.calls.append(call)
        trouble = self._trouble(RESPONSE)
        if trouble is not None:
            return _answer(call, *trouble)
        self.responses[request.match_info["token"]].append(body)
        self.responded_at[request.match_info["token"]] = time.monotonic()
        return _answer(call, {"ok": True})

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        data = await request.read()
        self.calls.append(Call("upload", {"file_id": file_id, "bytes": len(data)}))
        if file_id not in self.uploads:
            return web.Response(status=404, text="no such upload")
        self.uploads[file_id]["data"] = data
        return web.Response(text=f"OK - {len(data)}", content_type="text/plain")

    # --- Web API methods (each takes the arguments, returns the JSON body) ----------------

    def _auth_test(self, args: dict) -> dict:
        return {
            "ok": True,
            "url": "https://hospital.example.slack.com/",
            "team": "Test Hospital",
            "user": "corridor",
            "team_id": TEAM_ID,
            "user_id": BOT_USER,
            "bot_id": "B0CORRIDOR",
            "is_enterprise_install": False,
        }

    def _apps_connections_open(self, args: dict) -> dict:
        return {"ok": True, "url": self.url.replace("http://", "ws://") + f"socket?ticket={next(self._ids)}"}

    def _users_info(self, args: dict) -> dict:
        user = self.users.get(args.get("user", ""))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _conversations_open(self, args: dict) -> dict:
        users = [u for u in str(args.get("users", "")).split(",") if u]
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        if any(u not in self.users for u in users):
            return {"ok": False, "error": "user_not_found"}
        members = sorted(users)
        for channel_id, known in self.channels.items():
            if known == members:
                return {"ok": True, "channel": {"id": channel_id}}
        channel_id = f"D{users[0]}" if len(users) == 1 else f"G{next(self._ids):08d}"
        self.channels[channel_id] = members
        return {"ok": True, "channel": {"id": channel_id}}

    def _chat_postMessage(self, args: dict) -> dict:
        channel = args.get("channel", "")
        if channel not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        message = {
            "type": "message",
            "ts": f"{1_780_000_000 + next(self._ids)}.000100",
            "channel": channel,
            "user": BOT_USER,
            "bot_id": "B0CORRIDOR",
            "text": args.get("text", ""),
            "blocks": _json(args.get("blocks")) or [],
        }
        self.messages[channel].append(message)
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def _chat_update(self, args: dict) -> dict:
        # As Slack answers: an unknown channel first, then a message that is not (or no longer) there.
        channel, ts = args.get("channel", ""), args.get("ts", "")
        if channel not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        found = next((m for m in self.messages.get(channel, []) if m["ts"] == ts), None)
        if found is None:
            return {"ok": False, "error": "message_not_found"}
        found["text"] = args.get("text", found["text"])
        found["blocks"] = _json(args.get("blocks")) or found["blocks"]
        return {"ok": True, "channel": channel, "ts": ts, "text": found["text"], "message": found}

    def _chat_postEphemeral(self, args: dict) -> dict:
        if args.get("channel") not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "message_ts": f"{1_780_000_000 + next(self._ids)}.000200"}

    def _views_publish(self, args: dict) -> dict:
        user_id = args.get("user_id", "")
        if user_id not in self.users:
            return {"ok": False, "error": "user_not_found"}
        view = _json(args.get("view")) or {}
        self.views[user_id] = view
        return {"ok": True, "view": {"id": f"V{next(self._ids):08d}", **view}}

    def _files_getUploadURLExternal(self, args: dict) -> dict:
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):08d}"
        self.uploads[file_id] = {"filename": args["filename"], "length": int(args["length"]), "data": None}
        return {"ok": True, "upload_url": f"{self.url}upload/{file_id}", "file_id": file_id}

    def _files_completeUploadExternal(self, args: dict) -> dict:
        files = _json(args.get("files")) or []
        channel = args.get("channel_id")
        if not files or any(self.uploads.get(f.get("id"), {}).get("data") is None for f in files):
            return {"ok": False, "error": "file_not_found"}
        if channel and channel not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        done = []
        for item in files:
            upload = self.uploads[item["id"]]
            shared = {"id": item["id"], "title": item.get("title"), "name": upload["filename"], **upload}
            if channel:
                self.shared_files[channel].append(shared)
            done.append({"id": item["id"], "title": item.get("title"), "name": upload["filename"]})
        return {"ok": True, "files": done}


async def _arguments(request: web.Request) -> dict:
    args = dict(request.query)
    if request.method == "POST":
        if request.content_type == "application/json":
            args.update(await request.json())
        else:
            args.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    return args


def _token(request: web.Request, args: dict) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[len("Bearer ") :]
    return args.pop("token", None)


def _json(value):
    return json.loads(value) if isinstance(value, str) and value else value


def _answer(call: Call, body: dict, status: int = 200, headers: dict | None = None) -> web.Response:
    call.status = status
    call.error = None if body.get("ok") else body.get("error")
    return web.json_response(body, status=status, headers=headers)

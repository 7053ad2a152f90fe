"""Slack's side of the conversation, for tests: signed requests to /slack/events shaped like
Slack's documented payloads (slash command form, block_actions, Events API envelopes)."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from tests.adapters.fake_slack import TEAM_ID, FakeSlack
from tests.fakes import FakeUnitOfWorkFactory
from tests.loopback import LoopbackServer

SIGNING_SECRET = "8f742231b10e8888abcd99edabcd00d8"
# Slack gives every event its own id and every click its own trigger id; so do we, or two
# identical clicks in one second would be one signed request, refused the second time as a replay.
_serial = itertools.count(1)
FORM = "application/x-www-form-urlencoded"


def signature_headers(body: str, *, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict:
    """Slack's v0 request signature: HMAC-SHA256 over "v0:{timestamp}:{body}"."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Answer:
    status: int
    text: str


class SlackSide:
    def __init__(self, session: aiohttp.ClientSession, events_url: str, fake: FakeSlack, adapter):
        self.session = session
        self.events_url = events_url
        self.fake = fake
        self.adapter = adapter

    async def post(self, body: str, content_type: str = FORM, *, headers: dict | None = None) -> Answer:
        headers = {"Content-Type": content_type, **(headers or signature_headers(body))}
        async with self.session.post(self.events_url, data=body.encode(), headers=headers) as response:
            return Answer(response.status, await response.text())

    def command_body(self, user_id: str, text: str, *, channel_id: str = "C0GENERAL") -> tuple[str, str]:
        """A /coffee slash command as Slack form-encodes it; returns (body, response token)."""
        response_url = self.fake.response_url()
        fields = {
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "team_id": TEAM_ID,
            "team_domain": "hospital",
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": f"user.{user_id.lower()}",
            "command": "/coffee",
            "text": text,
            "api_app_id": "A0CORRIDOR",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        }
        return urlencode(fields), response_url.rsplit("/", 1)[1]

    async def command(self, user_id: str, text: str, *, channel_id: str = "C0GENERAL") -> dict:
        """Type `/coffee text`; returns the ephemeral reply Slack got on the response_url."""
        body, token = self.command_body(user_id, text, channel_id=channel_id)
        answer = await self.post(body)
        assert answer.status == 200, answer
        await self.adapter.idle()
        return self.reply(token)

    def reply(self, token: str) -> dict:
        replies = self.fake.responses[token]
        assert len(replies) == 1, f"expected one reply on response_url {token}, got {replies}"
        return replies[0]

    async def click(self, user_id: str, message: dict, label: str, *, ephemeral: bool = False) -> dict:
        """Click a button (or pick a menu option) by its label in a message or an ephemeral reply."""
        action = _find_action(message["blocks"], label)
        response_url = self.fake.response_url()
        channel = message.get("channel", "C0GENERAL")
        payload = {
            "type": "block_actions",
            "user": {
                "id": user_id,
                "username": f"user.{user_id.lower()}",
                "name": f"user.{user_id.lower()}",
                "team_id": TEAM_ID,
            },
            "api_app_id": "A0CORRIDOR",
            "token": "9s8d9as89d8as9d8as989",
            "container": {
                "type": "message",
                "message_ts": message.get("ts", "1780000000.000001"),
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "trigger_id": f"12321423423.333649436676.{next(_serial)}",
            "team": {"id": TEAM_ID, "domain": "hospital"},
            "channel": {"id": channel, "name": "directmessage"},
            "response_url": response_url,
            "actions": [action],
        }
        if not ephemeral:
            payload["message"] = {
                k: message[k] for k in ("type", "ts", "text", "blocks", "user", "bot_id") if k in message
            }
        answer = await self.post(urlencode({"payload": json.dumps(payload)}))
        assert answer.status == 200, answer
        await self.adapter.idle()
        return self.reply(response_url.rsplit("/", 1)[1])

    async def click_home(self, user_id: str, label: str) -> dict:
        """Click a button on the person's App Home tab; returns the view published afterwards."""
        view = self.fake.views[user_id]
        payload = {
            "type": "block_actions",
            "user": {"id": user_id, "username": f"user.{user_id.lower()}", "team_id": TEAM_ID},
            "api_app_id": "A0CORRIDOR",
            "container": {"type": "view", "view_id": "V0HOME"},
            "trigger_id": f"12321423423.333649436676.{next(_serial)}",
            "team": {"id": TEAM_ID, "domain": "hospital"},
            "view": {"id": "V0HOME", "type": "home", **view},
            "actions": [_find_action(view["blocks"], label)],
        }
        answer = await self.post(urlencode({"payload": json.dumps(payload)}))
        assert answer.status == 200, answer
        await self.adapter.idle()
        return self.fake.views[user_id]

    async def open_home(self, user_id: str) -> dict:
        body = json.dumps(home_opened(user_id))
        answer = await self.post(body, "application/json")
        assert answer.status == 200, answer
        await self.adapter.idle()
        return self.fake.views[user_id]


def home_opened(user_id: str) -> dict:
    """An app_home_opened event in its Events API envelope."""
    return {
        "token": "XXYYZZ",
        "team_id": TEAM_ID,
        "api_app_id": "A0CORRIDOR",
        "event": {
            "type": "app_home_opened",
            "user": user_id,
            "channel": "D0CORRIDOR",
            "event_ts": "1780000000.000100",
            "tab": "home",
        },
        "type": "event_callback",
        "event_id": f"Ev0HOME{next(_serial)}",
        "event_time": 1780000000,
        "authorizations": [{"team_id": TEAM_ID, "user_id": "UCORRIDOR", "is_bot": True}],
    }


def _find_action(blocks: list[dict], label: str) -> dict:
    """The block_actions `actions` entry Slack would send for clicking `label`."""
    for block in blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element["type"] == "button" and element["text"]["text"] == label:
                return {
                    "type": "button",
                    "action_id": element["action_id"],
                    "block_id": block.get("block_id", "b"),
                    "text": element["text"],
                    "value": element["value"],
                    "action_ts": "1780000000.1",
                }
            for option in element.get("options", []):
                if option["text"]["text"] == label:
                    return {
                        "type": "static_select",
                        "action_id": element["action_id"],
                        "block_id": block.get("block_id", "b"),
                        "selected_option": option,
                        "action_ts": "1780000000.1",
                    }
    raise AssertionError(f"no button or option labelled {label!r} in {json.dumps(blocks)[:500]}")


class SerialUnitOfWorkFactory:
    """The in-memory fake unit of work, one transaction at a time.

    The adapter runs the core in worker threads; the fake's copy-on-enter store is not
    thread-safe, so transactions are serialised as a database would isolate them.
    `hold()` lets a test stand in for a database that is busy."""

    def __init__(self) -> None:
        self.inner = FakeUnitOfWorkFactory()
        self.lock = threading.RLock()

    @property
    def store(self):
        return self.inner.store

    def __call__(self, *, read_only: bool = False):
        return _SerialUnitOfWork(self.inner(read_only=read_only), self.lock)


class _SerialUnitOfWork:
    def __init__(self, uow, lock) -> None:
        self.uow = uow
        self.lock = lock

    def __enter__(self):
        self.lock.acquire()
        try:
            return self.uow.__enter__()
        except BaseException:
            self.lock.release()
            raise

    def __exit__(self, *exc) -> None:
        try:
            self.uow.__exit__(*exc)
        finally:
            self.lock.release()


@contextlib.asynccontextmanager
async def served_on_loopback(adapter) -> AsyncIterator[str]:
    """Run a Slack adapter in HTTP mode behind a real aiohttp server on 127.0.0.1 (a free
    port), started; yields its /slack/events URL and closes everything on exit."""
    web_app = web.Application()
    adapter.attach(web_app)
    async with LoopbackServer(web_app) as server:
        await adapter.start()
        try:
            yield f"{server.url}slack/events"
        finally:
            await adapter.close()

"""The test hospital (tests/hospital.py) on Teams for the adapter tests: the core on in-memory
fakes, the bot's endpoint on a loopback port, and a fake Bot Connector at the activities'
serviceUrl.

Activities are shaped like the samples in the Teams docs (message, conversationUpdate with
membersAdded, a card submit, an `adaptiveCard/action` invoke).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.charts.png import PngCharts
from adapters.teams import TeamsConfig
from adapters.teams.limiter import TeamsRateLimiter
from bot.config import EngineSettings
from bot.context import Context
from bot.delivery import DeliveryWorker
from corridor_cli.wiring import teams_adapter
from tests.adapters.fake_connector import FakeBotConnector
from tests.fakes import FakeClock, FakeUnitOfWorkFactory, FixedSeeds
from tests.hospital import seed_hospital

SCHEMAS = Path(__file__).resolve().parents[3].parent / "shared" / "schemas"
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
BOT = {"id": "28:9e4c2f1a-0d3b-4c5e-8f70-123456789abc", "name": "Corridor"}
ORGANISER_AAD = "0b5d3c2a-1111-4a4a-9b9b-aaaaaaaaaaaa"


def schema(*parts: str) -> dict:
    path = SCHEMAS.joinpath(*parts)
    if not SCHEMAS.exists():
        pytest.skip(f"{SCHEMAS} is absent (CI always has it), so schema checks cannot run here")
    return json.loads(path.read_text())


def assert_valid_card(card: dict) -> None:
    jsonschema.Draft6Validator(schema("adaptive-cards", "adaptive-card-1.5.json")).validate(card)
    assert card["version"] == "1.5"


def texts(card: dict) -> list[str]:
    """Every TextBlock's words, and every fact as 'title: value', in order."""
    found = []
    for element in card["body"]:
        if element["type"] == "TextBlock":
            found.append(element["text"])
        elif element["type"] == "FactSet":
            found += [f"{fact['title']}: {fact['value']}" for fact in element["facts"]]
    return found


def commands(card: dict) -> list[str]:
    return [a["data"]["command"] for a in card.get("actions", []) if "command" in a.get("data", {})]


@dataclass
class Person:
    name: str
    aad: str
    teams_id: str
    chat: str  # the one-to-one conversation id between this person and the bot
    email: str | None = None


_numbers = itertools.count(1)


def person(name: str, aad: str | None = None, email: str | None = None) -> Person:
    n = next(_numbers)
    aad = aad or f"{n:08x}-aaaa-4bbb-8ccc-{n:012x}"
    return Person(name, aad, f"29:1teams-user-{n}", f"a:1personal-chat-{n}", email)


class TeamsHospital:
    """The core (fakes), the Teams endpoint (real HTTP), the fake connector, and activity builders."""

    def __init__(self, connector: FakeBotConnector, config: TeamsConfig, limiter=None, auth=None, beside=()):
        self.connector = connector
        self.beside = list(beside)  # other adapters on the same server, as `corridor serve` has
        self.uow = FakeUnitOfWorkFactory()
        self.clock = FakeClock(MONDAY_9AM)
        self.ctx = Context(self.uow, self.clock, FixedSeeds(), EngineSettings(), charts=PngCharts())
        self.teams = teams_adapter(
            self.ctx, config, limiter=limiter or TeamsRateLimiter(max_wait=0.5), auth=auth
        )
        self.client: TestClient | None = None
        seed_hospital(self.uow, self.ctx.settings)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", _healthy)  # as `corridor serve` has, to see the loop is free
        self.teams.attach(app)
        for other in self.beside:
            other.attach(app)
        await self.teams.start()
        self.client = TestClient(TestServer(app, host="127.0.0.1", port=0))
        await self.client.start_server()

    async def close(self) -> None:
        await self.client.close()
        await self.teams.close()

    def worker(self, **notifiers) -> DeliveryWorker:
        return DeliveryWorker(self.ctx, {"teams": self.teams.notifier, **notifiers})

    # --- posting activities -------------------------------------------------------------

    async def post(self, activity: dict, headers: dict | None = None):
        response = await self.client.post(
            "/api/messages",
            data=json.dumps(activity),
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        body = await response.read()
        is_json = response.content_type == "application/json"
        return response.status, (json.loads(body) if body and is_json else body.decode() or None)

    async def say(self, who: Person, text: str) -> list[dict]:
        """Type in the personal chat; returns the bot's replies that reached the connector."""
        before = len(self.connector.calls)
        status, _ = await self.post(self.message(who, text))
        assert status in (200, 201), status
        return [c.body for c in self.connector.calls[before:] if c.kind in ("reply", "send") and c.ok]

    async def install(self, who: Person) -> None:
        status, _ = await self.post(self.installed(who))
        assert status in (200, 201), status

    async def join(self, who: Person, role: str, site: str = "St Mary's") -> list[dict]:
        if who.email:
            self.connector.members[who.teams_id] = self.member(who)
        return await self.say(who, f"join {role} {site}")

    # --- activities as the Teams docs show them ----------------------------------------------

    def _base(self, who: Person, kind: str, conversation: dict) -> dict:
        return {
            "type": kind,
            "id": f"1{next(_numbers):012d}",
            "timestamp": "2026-11-23T09:00:00.000Z",
            "localTimestamp": "2026-11-23T09:00:00.000+00:00",
            "serviceUrl": self.connector.url,
            "channelId": "msteams",
            "from": {"id": who.teams_id, "name": who.name, "aadObjectId": who.aad},
            "conversation": conversation,
            "recipient": dict(BOT),
            "locale": "en-GB",
            "channelData": {"tenant": {"id": TENANT}},
            "entities": [{"locale": "en-GB", "country": "GB", "platform": "Web", "type": "clientInfo"}],
        }

    def _personal(self, who: Person) -> dict:
        return {"conversationType": "personal", "tenantId": TENANT, "id": who.chat}

    def message(self, who: Person, text: str) -> dict:
        return {**self._base(who, "message", self._personal(who)), "text": text, "textFormat": "plain"}

    def installed(self, who: Person) -> dict:
        """conversationUpdate when someone adds the app for themselves: the bot is the member added."""
        activity = self._base(who, "conversationUpdate", self._personal(who))
        activity["membersAdded"] = [{"id": BOT["id"]}]
        return activity

    def submit(self, who: Person, data: dict, reply_to: str) -> dict:
        """An Action.Submit click: a message with no text, the card's data in `value`."""
        activity = self._base(who, "message", self._personal(who))
        activity.update(replyToId=reply_to, value=data)
        return activity

    def execute(self, who: Person, data: dict, reply_to: str, verb: str = "outcome") -> dict:
        activity = self._base(who, "invoke", self._personal(who))
        activity.update(
            name="adaptiveCard/action",
            replyToId=reply_to,
            value={
                "action": {"type": "Action.Execute", "id": "x", "verb": verb, "data": data},
                "trigger": "manual",
            },
        )
        return activity

    def channel_message(self, who: Person, text: str, channel: str = "19:digest@thread.tacv2") -> dict:
        """A channel post @mentioning the bot; the conversation id names the reply thread."""
        conversation = {
            "isGroup": True,
            "conversationType": "channel",
            "tenantId": TENANT,
            "id": f"{channel};messageid=1700000000000",
        }
        activity = self._base(who, "message", conversation)
        activity["text"] = f"<at>{BOT['name']}</at> {text}"
        activity["entities"] = [
            {"type": "mention", "text": f"<at>{BOT['name']}</at>", "mentioned": dict(BOT)},
            *activity["entities"],
        ]
        activity["channelData"] = {
            "teamsChannelId": channel,
            "teamsTeamId": "19:team@thread.tacv2",
            "channel": {"id": channel},
            "team": {"id": "19:team@thread.tacv2"},
            "tenant": {"id": TENANT},
        }
        return activity

    def member(self, who: Person) -> dict:
        return {
            "id": who.teams_id,
            "name": who.name,
            "aadObjectId": who.aad,
            "email": who.email,
            "userPrincipalName": who.email,
            "tenantId": TENANT,
            "userRole": "user",
        }

    # --- reading the state --------------------------------------------------------------

    def store(self):
        return self.uow.store

    def participant(self, who: Person):
        return next((p for p in self.store().participants.values() if p.user_id == who.aad), None)

    def state(self, key: str):
        found = self.store().platform_state.get(("teams", key))
        return found


async def _healthy(request: web.Request) -> web.Response:
    return web.Response(text="ok")


def dev_config(**changes) -> TeamsConfig:
    config = TeamsConfig.from_env(
        {"CORRIDOR_TEAMS_DEV_MODE": "1", "CORRIDOR_TEAMS_ORGANISERS": ORGANISER_AAD}
    )
    return TeamsConfig(**{**config.__dict__, **changes})


@pytest.fixture
async def connector():
    async with FakeBotConnector() as fake:
        yield fake


@pytest.fixture
async def hospital(connector):
    world = TeamsHospital(connector, dev_config())
    await world.start()
    yield world
    await world.close()

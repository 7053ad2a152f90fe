"""Wiring the Teams parts together for the composition root: endpoint, bot and notifier."""

from __future__ import annotations

import json
import logging

from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter

from adapters.teams.auth import CorridorAuthentication
from adapters.teams.config import TeamsConfig
from adapters.teams.handler import CorridorTeamsBot
from adapters.teams.limiter import TeamsRateLimiter
from adapters.teams.notifier import TeamsNotifier
from bot.errors import CorridorError
from bot.gateway import Chat, PlatformStore

log = logging.getLogger("corridor.teams")
MESSAGES_PATH = "/api/messages"
# An activity is a few kilobytes and a few levels deep; anything far past that is no activity.
MAX_BODY_BYTES = 256 * 1024
MAX_DEPTH = 32
SORRY = (
    "Sorry, something went wrong on Corridor's side. Please try again in a moment; "
    "`status` shows where you stand."
)


class TeamsAdapter:
    """`attach(web_app)` adds POST /api/messages; `.notifier` delivers the Teams outbox."""

    def __init__(
        self,
        config: TeamsConfig,
        *,
        chat: Chat,
        state: PlatformStore,
        limiter: TeamsRateLimiter | None = None,
        auth: CorridorAuthentication | None = None,
    ):
        if not config.authenticated and not config.dev_mode:
            raise CorridorError(
                "Teams needs MICROSOFT_APP_ID (or CORRIDOR_TEAMS_DEV_MODE=1 for local testing)."
            )
        self.config = config
        self.auth = auth or CorridorAuthentication(config)
        self.cloud = CloudAdapter(self.auth)
        self.cloud.on_turn_error = self._on_turn_error
        self.bot = CorridorTeamsBot(chat, state, config)
        self.notifier = TeamsNotifier(state, config, self.cloud, limiter)

    def attach(self, web_app: web.Application) -> None:
        web_app.router.add_post(MESSAGES_PATH, self._messages)

    async def start(self) -> None:
        if self.config.authenticated:
            log.info("Teams endpoint %s is up for bot %s", MESSAGES_PATH, self.config.app_id)
            return
        log.warning(
            "\n%s\nTEAMS DEV MODE: %s ACCEPTS UNAUTHENTICATED REQUESTS (CORRIDOR_TEAMS_DEV_MODE=1).\n"
            "Anyone who can reach this port can act as any Teams user. Use it only with the Bot\n"
            "Framework Emulator on your own machine; set MICROSOFT_APP_ID for anything else.\n%s",
            "!" * 78,
            MESSAGES_PATH,
            "!" * 78,
        )

    async def close(self) -> None:
        """Close the HTTP sessions kept for the Bot Connector and the identity providers."""
        await self.auth.close()

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        if "application/json" not in request.headers.get("Content-Type", ""):
            return web.Response(status=415, text="Bot Framework activities are JSON.")
        problem = await _not_an_activity(request)
        if problem is not None:
            self.auth.warnings.warn(f"Teams request refused with 400: {problem}")
            return web.Response(status=400, text="Not a Bot Framework activity.")
        try:
            response = await self.cloud.process(request, self.bot)
        except web.HTTPException:
            raise
        except Exception as error:  # the SDK could not read the activity: the sender's fault
            self.auth.warnings.warn(
                f"Teams request refused with 400: the SDK could not read it ({type(error).__name__})"
            )
            return web.Response(status=400, text="Not a Bot Framework activity.")
        return response or web.Response(status=201)

    async def _on_turn_error(self, turn: TurnContext, error: Exception) -> None:
        # Incoming turns only: proactive sends catch their own errors for the outbox.
        log.error("Teams turn failed (%s)", type(error).__name__, exc_info=error)
        try:
            await turn.send_activity(SORRY)
        except Exception as problem:
            log.warning("could not tell the person about it either: %s", type(problem).__name__)


async def _not_an_activity(request: web.Request) -> str | None:
    """Why the body is no activity, or None. aiohttp keeps the body read, for the SDK to read again."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return "the body is too large"
    raw = await request.read()
    if len(raw) > MAX_BODY_BYTES:
        return "the body is too large"
    if _depth(raw) > MAX_DEPTH:
        return "the JSON is nested too deeply"
    try:
        activity = json.loads(raw)
    except (ValueError, RecursionError):
        return "the body is not JSON"
    if not isinstance(activity, dict) or not isinstance(activity.get("type"), str):
        return "the JSON is not an activity"
    return None


def _depth(raw: bytes) -> int:
    # Counted on the bytes before parsing; brackets inside strings only make this stricter.
    depth = deepest = 0
    for byte in raw:
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
        elif byte in b"]}":
            depth -= 1
    return deepest

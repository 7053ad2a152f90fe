"""The Slack adapter as the composition root sees it: construct, attach, start, close.

adapter = SlackAdapter(config, chat=..., state=..., seen=..., clock=...)   # clients, listeners; no I/O
adapter.attach(web_app)                  # HTTP mode: POST /slack/events; Socket Mode: nothing
await adapter.start()                    # checks the token; Socket Mode: connects
DeliveryWorker(ctx, {"slack": adapter.notifier, ...})
await adapter.close()

In HTTP mode our own handler checks the signature on the raw body, then the body's shape,
and only then gives Bolt the request: Bolt parses before it checks, so an unsigned body
could raise inside it (HTTP 500 and a traceback per request, for anyone to send).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.quiet import QuietWarnings
from adapters.slack.config import SlackConfig
from adapters.slack.core import Core
from adapters.slack.failures import error_code
from adapters.slack.interactions import Interactions
from adapters.slack.listeners import register
from adapters.slack.notifier import Backoff, SlackNotifier
from adapters.slack.people import Directory, Senders
from adapters.slack.replays import TICKET, Replays, Ticket
from adapters.slack.shapes import Malformed, parse
from adapters.slack.signing import Signed, Unsigned, verify
from adapters.slack.tasks import Background
from bot.errors import CorridorError
from bot.gateway import Chat, PlatformStore, SeenRequests
from bot.ports import Clock

log = logging.getLogger("corridor.slack")

EVENTS_PATH = "/slack/events"
# Codes from auth.test that mean the token itself is wrong: no point starting.
BAD_TOKEN = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"})


class SlackAdapter:
    def __init__(
        self,
        config: SlackConfig,
        *,
        chat: Chat,
        state: PlatformStore,
        seen: SeenRequests,
        clock: Clock,
        backoff: Backoff | None = None,
        wall_clock: Callable[[], float] = time.time,
    ):
        self.config = config
        # Signatures carry Slack's Unix time: they are checked against the real one, not `clock`.
        self.wall_clock = wall_clock
        self.warnings = QuietWarnings(log)
        # Replies, updates and App Home have no outbox behind them, so their client retries
        # rate limits and server errors itself; the notifier's client never does (see notifier).
        self.client = web_client(config, retries=True)
        self.notifier = SlackNotifier(web_client(config, retries=False), state, clock, backoff=backoff)
        self.background = Background()
        senders = Senders(Directory(self.client), config)
        core = Core(config.core_threads or 1)
        self.interactions = Interactions(chat, self.client, senders, core)
        self.bolt = AsyncApp(
            client=self.client,
            signing_secret=config.signing_secret,
            # Listeners ack before returning and start their own background work, so Bolt may
            # answer as soon as they return (no polling for the ack).
            process_before_response=True,
            # HTTP requests reach Bolt only after _on_http has checked their signature (Socket
            # Mode ones arrive over an authenticated WebSocket and carry none): one check, one clock.
            request_verification_enabled=False,
            name="corridor",
        )
        register(self.bolt, self.interactions, self.background, Replays(seen, core, self.warnings))
        self._socket: AsyncSocketModeHandler | None = None
        self._session: aiohttp.ClientSession | None = None

    def attach(self, web_app: web.Application) -> None:
        if not self.config.socket_mode:
            web_app.router.add_post(EVENTS_PATH, self._on_http)

    async def start(self) -> None:
        if self._session is not None:
            return
        # One connection pool for both clients, created here because it needs the running loop.
        self._session = aiohttp.ClientSession()
        self.client.session = self._session
        self.notifier.client.session = self._session
        await self._check_token()
        if self.config.socket_mode:
            self._socket = AsyncSocketModeHandler(self.bolt, self.config.app_token, web_client=self.client)
            await self._socket.connect_async()
            log.info("Slack connected in Socket Mode")
        else:
            log.info("Slack listening on %s (HTTP mode)", EVENTS_PATH)

    async def idle(self) -> None:
        """Wait for every acknowledged request's work to finish (tests and shutdown)."""
        await self.background.idle()

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        await self.background.close()
        if self._session is not None:
            await self._session.close()
            self._session = None
            self.client.session = None
            self.notifier.client.session = None

    async def _on_http(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            signed = verify(request.headers, raw, self.config.signing_secret or "", self.wall_clock)
        except Unsigned as refusal:
            return self._refuse(
                refusal.status, f"Slack request refused with {refusal.status}: {refusal.reason}"
            )
        try:
            body = parse(raw, request.content_type)
        except Malformed as problem:
            return self._refuse(400, f"signed Slack request refused with 400: {problem.reason}")
        try:
            bolt_request = AsyncBoltRequest(
                body=raw.decode("utf-8"),
                query=request.query_string,
                headers=dict(request.headers),
                context={TICKET: ticket(signed, body)},
            )
            response = await self.bolt.async_dispatch(bolt_request)
        except Exception as problem:  # a payload shaped to trip Bolt is still only a bad request
            return self._refuse(400, f"signed Slack request refused with 400: {type(problem).__name__}")
        if response.status >= 500:
            return self._refuse(400, f"Slack request Bolt could not handle (HTTP {response.status})")
        return await to_aiohttp_response(response)

    def _refuse(self, status: int, warning: str) -> web.Response:
        self.warnings.warn(warning)
        return web.Response(status=status, text=_PHRASES.get(status, "Bad request."))

    async def _check_token(self) -> None:
        try:
            identity = await self.client.auth_test()
        except SlackApiError as problem:
            code = error_code(problem)
            if code in BAD_TOKEN:
                raise CorridorError(
                    f"Slack refused SLACK_BOT_TOKEN ({code}): check the app's bot token."
                ) from None
            log.warning("could not check the Slack token yet (%s); carrying on", code or problem)
            return
        except Exception as problem:  # Slack unreachable for now: Bolt will ask again on first use
            log.warning("could not reach Slack to check the token (%s); carrying on", problem)
            return
        log.info("Slack: signed in as %s to %s", identity.get("user"), identity.get("team"))


_PHRASES = {401: "Refused.", 413: "Too large."}


def ticket(signed: Signed, body: dict) -> Ticket:
    keys = [signed.signature]
    if isinstance(body.get("event_id"), str):
        keys.append("event:" + body["event_id"])
    return Ticket(tuple(keys), datetime.fromtimestamp(signed.timestamp, UTC))


def web_client(config: SlackConfig, *, retries: bool) -> AsyncWebClient:
    handlers = (
        [
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=2),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ]
        if retries
        else []
    )
    return AsyncWebClient(
        token=config.bot_token, base_url=config.api_url, retry_handlers=handlers, timeout=15
    )

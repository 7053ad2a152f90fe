"""The Slack adapter as the composition root sees it: construct, attach, start, close.

adapter = SlackAdapter(config, chat=..., state=..., clock=...)   # clients and listeners; no I/O
adapter.attach(web_app)                  # HTTP mode: POST /slack/events; Socket Mode: nothing
await adapter.start()                    # checks the token; Socket Mode: connects
DeliveryWorker(ctx, {"slack": adapter.notifier, ...})
await adapter.close()
"""

from __future__ import annotations

import logging

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.config import SlackConfig
from adapters.slack.core import Core
from adapters.slack.failures import error_code
from adapters.slack.interactions import Interactions
from adapters.slack.listeners import register
from adapters.slack.notifier import Backoff, SlackNotifier
from adapters.slack.people import Directory, Senders
from adapters.slack.tasks import Background
from bot.errors import CorridorError
from bot.gateway import Chat, PlatformStore
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
        clock: Clock,
        backoff: Backoff | None = None,
    ):
        self.config = config
        # Replies, updates and App Home have no outbox behind them, so their client retries
        # rate limits and server errors itself; the notifier's client never does (see notifier).
        self.client = web_client(config, retries=True)
        self.notifier = SlackNotifier(web_client(config, retries=False), state, clock, backoff=backoff)
        self.background = Background()
        senders = Senders(Directory(self.client), config)
        self.interactions = Interactions(chat, self.client, senders, Core(config.core_threads))
        self.bolt = AsyncApp(
            client=self.client,
            signing_secret=config.signing_secret,
            # Listeners ack before returning and start their own background work, so Bolt may
            # answer as soon as they return (no polling for the ack).
            process_before_response=True,
            # Socket Mode requests arrive over an authenticated WebSocket and carry no signature.
            request_verification_enabled=not config.socket_mode,
            name="corridor",
        )
        register(self.bolt, self.interactions, self.background)
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
        response = await self.bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

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

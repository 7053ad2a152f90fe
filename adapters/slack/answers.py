"""Showing on an intro what each person answered, so the pair can see it and the partner can still click.

A click is recorded by the core first; then the message is rebuilt from what is recorded
(not from the clicked copy), one click at a time per message, so two people answering at
once both end up shown.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Hashable

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from adapters.slack.core import Core
from bot.gateway import Chat
from bot.results import OutcomeRecorded


class Answers:
    def __init__(self, chat: Chat, client: AsyncWebClient, core: Core):
        self.chat = chat
        self.client = client
        self.core = core
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._holders: Counter = Counter()

    async def show(self, body: dict, recorded: OutcomeRecorded) -> None:
        container = body.get("container") or {}
        message = body.get("message") or {}
        channel, ts = container.get("channel_id"), container.get("message_ts")
        if not (channel and ts and message):
            return
        async with self._one_at_a_time((channel, ts)):
            answers = await self.core(self.chat.answers, recorded.pair_id)
            await self.client.chat_update(
                channel=channel,
                ts=ts,
                text=message.get("text") or "",
                blocks=render.with_answers(message.get("blocks") or [], answers),
            )

    @contextlib.asynccontextmanager
    async def _one_at_a_time(self, key: Hashable) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] += 1
        try:
            async with lock:
                yield
        finally:
            self._holders[key] -= 1
            if self._holders[key] == 0:
                del self._holders[key], self._locks[key]

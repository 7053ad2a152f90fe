"""Delivers outbox messages to Slack: intros and follow-ups, sit-out notices, the monthly digest.

Its Web API client retries nothing by itself: every 429, 5xx and dropped connection goes
back to the outbox as RetryLater with a time to come back (Slack's Retry-After, a slot in
a rate-limited queue, or a backoff), so the delivery worker never sleeps, and every retry
is visible in the outbox and `corridor status`.
"""

from __future__ import annotations

import asyncio
import base64
import random
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from adapters.slack.config import PLATFORM
from adapters.slack.failures import NETWORK_ERRORS, failure_for, network_failure, unreachable
from adapters.slack.pacing import Pacers
from bot.calendar_entry import ics_text
from bot.gateway import PlatformStore, StateDocument
from bot.messages import (
    DigestMessage,
    Intro,
    Notice,
    PersonCard,
    Redaction,
    SitOutNotice,
    message_from_payload,
)
from bot.model import OutboxMessage
from bot.ports import Clock, Delivered, PermanentFailure, RetryLater

CHANNELS_REMEMBERED = 10_000


class SlackNotifier:
    platform = PLATFORM

    def __init__(
        self,
        client: AsyncWebClient,
        state: PlatformStore,
        clock: Clock,
        *,
        pacers: Pacers | None = None,
        backoff: Backoff | None = None,
    ):
        self.client = client
        self.state = state
        # Slots are handed to the outbox, so they are kept in the outbox's time.
        self.pacers = pacers or Pacers(clock=lambda: clock.now().timestamp())
        self.backoff = backoff or Backoff()
        self._channels: dict[str, str] = {}
        self._server_errors: dict[Hashable, int] = {}

    async def send(self, message: OutboxMessage) -> Delivered:
        try:
            item = message_from_payload(message.payload)
        except (ValueError, TypeError, KeyError) as problem:
            raise PermanentFailure(f"unreadable {message.kind} payload: {problem}") from None
        try:
            match item:
                case Intro():
                    return await self._intro(item, message.id)
                case Notice() if item.calendar is not None:
                    return await self._with_calendar(item, message)
                case SitOutNotice() | Notice():
                    return await self._sit_out(item, message.id)
                case DigestMessage():
                    return await self._digest(item, message)
                case Redaction():
                    return await self._redact(item, message.id)
        except SlackApiError as error:
            raise failure_for(error) from None
        except NETWORK_ERRORS as error:
            raise network_failure(error) from None
        raise PermanentFailure(f"Slack cannot show a {message.kind} message")

    async def _intro(self, intro: Intro, ticket: Hashable) -> Delivered:
        # Two recipients: one group DM with both people and the bot. One: a direct message.
        if len(intro.recipients) == 1:
            channel = await self._conversation(intro.recipients, None, ticket)
            return await self._post(channel, render.intro_message(intro, intro.recipients[0]), ticket)
        try:
            channel = await self._conversation(intro.recipients, intro.pair_id, ticket)
        except PermanentFailure as failure:
            if not unreachable(failure):
                raise
            return await self._one_by_one(intro, ticket, failure)
        return await self._post(channel, render.intro_message(intro, None), ticket)

    async def _one_by_one(self, intro: Intro, ticket: Hashable, cause: PermanentFailure) -> Delivered:
        """One of the pair can't be reached (left the workspace, deactivated): the group DM
        can't open, so whoever can be reached still hears, one to one. Each person reached is
        remembered, so a retry after a rate limit never tells them twice."""
        delivered = None
        for person in intro.recipients:
            done_key = f"intro-sent:{ticket}:{person.participant_id}"
            done = await self._state_get(done_key)
            if done is not None:
                delivered = Delivered(ref=done["ref"])
                continue
            try:
                channel = await self._conversation([person], None, ticket)
            except PermanentFailure as failure:
                if not unreachable(failure):
                    raise
                continue
            delivered = await self._post(channel, render.intro_message(intro, person), ticket)
            await self._state_put_many(
                [StateDocument(done_key, {"ref": delivered.ref}, person.participant_id)]
            )
        if delivered is None:
            raise cause
        return delivered

    async def _sit_out(self, notice: SitOutNotice | Notice, ticket: Hashable) -> Delivered:
        channel = await self._conversation([notice.recipient], None, ticket)
        return await self._post(channel, render.sit_out_message(notice), ticket)

    async def _with_calendar(self, notice: Notice, message: OutboxMessage) -> Delivered:
        """An agreed time: the message, then its calendar entry as an .ics file in the same DM.
        The posted message is remembered (with the person, so erasure removes it), so a retry
        after a failed upload doesn't post it twice."""
        assert notice.calendar is not None
        channel = await self._conversation([notice.recipient], None, message.id)
        key = f"notice-sent:{message.key}"
        posted = await self._state_get(key)
        if posted is None:
            delivered = await self._post(channel, render.sit_out_message(notice), message.id)
            posted = {"ref": delivered.ref}
            await self._state_put_many([StateDocument(key, posted, notice.recipient.participant_id)])
        await self.client.files_upload_v2(
            channel=channel,
            content=ics_text(notice.calendar, message.created_at),
            filename="corridor-coffee.ics",
            title=notice.calendar.subject,
        )
        return Delivered(ref=posted["ref"])

    async def _digest(self, digest: DigestMessage, message: OutboxMessage) -> Delivered:
        if not digest.channel:
            raise PermanentFailure("no Slack digest channel is set")
        # Remember the posted summary, so that a retry after a failed chart upload doesn't post it twice.
        key = f"digest:{message.key}"
        posted = await self._state_get(key)
        if posted is None:
            delivered = await self._post(digest.channel, render.digest_message(digest), message.id)
            posted = {"ref": delivered.ref}
            await self._state_put_many([StateDocument(key, posted)])
        if digest.chart_png_base64:
            await self.client.files_upload_v2(
                channel=digest.channel,
                file=base64.b64decode(digest.chart_png_base64),
                filename=f"corridor-digest-{digest.month}.png",
                title=digest.title,
                alt_txt=f"{digest.title}: pairs made and meetings confirmed, month by month",
            )
        return Delivered(ref=posted["ref"])

    async def _redact(self, redaction: Redaction, ticket: Hashable) -> Delivered:
        """Rewrite a posted intro or follow-up in place (chat.update). Slack's refusals
        (message_not_found, cant_update_message, channel_not_found, edit_window_closed) are
        permanent, so the outbox records them as copies that could not be redacted."""
        channel, _, ts = redaction.ref.partition("/")
        if not channel or not ts:
            raise PermanentFailure("cant_update_message: the posted copy has no Slack reference")
        rendered = render.redaction_message(redaction)
        await self._paced(
            "chat.update",
            ticket,
            lambda: self.client.chat_update(
                channel=channel, ts=ts, text=rendered["text"], blocks=rendered["blocks"]
            ),
        )
        return Delivered(ref=redaction.ref)

    async def _conversation(self, people: list[PersonCard], pair_id: int | None, ticket: Hashable) -> str:
        """The DM or group DM for these people, opened once and then remembered.

        Remembered under each person's own key, so that either one asking to be forgotten
        removes it, and in memory, so a retry in this process needs no database read."""
        keys = {_dm_key(person, pair_id if len(people) > 1 else None): person for person in people}
        first = next(iter(keys))
        channel = self._channels.get(first)
        if channel is None:
            cached = await self._state_get(first)
            channel = cached["channel"] if cached else None
        if channel is None:
            users = ",".join(person.user_id for person in people)
            response = await self._paced(
                "conversations.open", ticket, lambda: self.client.conversations_open(users=users)
            )
            channel = response["channel"]["id"]
            await self._state_put_many(
                [
                    StateDocument(key, {"channel": channel}, person.participant_id)
                    for key, person in keys.items()
                ]
            )
        self._remember(first, channel)
        return channel

    def _remember(self, key: str, channel: str) -> None:
        if len(self._channels) >= CHANNELS_REMEMBERED:
            self._channels.pop(next(iter(self._channels)))
        self._channels[key] = channel

    async def _post(self, channel: str, rendered: dict, ticket: Hashable) -> Delivered:
        response = await self._paced(
            "chat.postMessage",
            ticket,
            lambda: self.client.chat_postMessage(
                channel=channel,
                text=rendered["text"],
                blocks=rendered["blocks"],
                unfurl_links=False,
                unfurl_media=False,
            ),
        )
        return Delivered(ref=f"{response['channel']}/{response['ts']}")

    async def _paced(self, method: str, ticket: Hashable, call: Callable[[], Awaitable]):
        pacer = self.pacers[method]
        wait = pacer.defer(ticket)
        if wait is not None:
            raise RetryLater(
                f"ratelimited ({method}): waiting for Slack's rate limit", wait, rate_limited=True
            )
        try:
            response = await call()
        except SlackApiError as error:
            failure = failure_for(error)
            if error.response.status_code == 429 and isinstance(failure, RetryLater):
                failure.retry_after = pacer.refused(ticket, failure.retry_after or 1.0)
            elif isinstance(failure, RetryLater) and failure.retry_after is None:
                failure.retry_after = pacer.failed(ticket, self._backoff(ticket))
            raise failure from None
        except NETWORK_ERRORS as error:
            failure = network_failure(error)
            failure.retry_after = pacer.failed(ticket, self._backoff(ticket))
            raise failure from None
        pacer.accepted()
        self._server_errors.pop(ticket, None)
        return response

    def _backoff(self, ticket: Hashable) -> float:
        """The core's backoff (same base, cap and jitter), counted by the server errors this
        message has met rather than by its outbox attempts: those include rate-limit waits,
        which say nothing about Slack's health."""
        if len(self._server_errors) >= CHANNELS_REMEMBERED:
            self._server_errors.clear()
        errors = self._server_errors[ticket] = self._server_errors.get(ticket, 0) + 1
        return self.backoff.after(errors)

    async def _state_get(self, key: str) -> dict | None:
        return await asyncio.to_thread(self.state.get, key)

    async def _state_put_many(self, documents: list[StateDocument]) -> None:
        await asyncio.to_thread(self.state.put_many, documents)


@dataclass(frozen=True)
class Backoff:
    """The core's retry timing (EngineSettings.retry_base_seconds and retry_cap_seconds)."""

    base_seconds: float = 2.0
    cap_seconds: float = 900.0

    def after(self, errors: int) -> float:
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** (errors - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)


def _dm_key(person: PersonCard, pair_id: int | None) -> str:
    if pair_id is None:
        return f"dm:person:{person.participant_id}"
    return f"dm:pair:{pair_id}:{person.participant_id}"

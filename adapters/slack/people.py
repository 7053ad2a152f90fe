"""Who is typing or clicking: a Slack payload's user turned into the core's Sender.

Slack payloads carry only a user id and handle, so the real name, email and job title come
from users.info, remembered for an hour (a burst of clicks costs one call) and never
required: if Slack can't say, the handle from the payload will do.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.config import PLATFORM, SlackConfig
from bot.context import Sender

log = logging.getLogger("corridor.slack.people")

PROFILE_TTL_SECONDS = 3600.0


@dataclass(frozen=True)
class Profile:
    name: str | None
    email: str | None
    title: str | None

    @classmethod
    def of(cls, user: dict) -> Profile:
        profile = user.get("profile") or {}
        name = profile.get("real_name") or user.get("real_name") or profile.get("display_name")
        return cls(name=name or None, email=profile.get("email") or None, title=profile.get("title") or None)


class Directory:
    def __init__(
        self,
        client: AsyncWebClient,
        ttl: float = PROFILE_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.client = client
        self.ttl = ttl
        self.clock = clock
        self._known: dict[str, tuple[float, Profile]] = {}
        self._asking: dict[str, asyncio.Future[Profile | None]] = {}

    async def profile(self, user_id: str) -> Profile | None:
        known = self._known.get(user_id)
        if known is not None and known[0] > self.clock():
            return known[1]
        # Concurrent requests for the same person share one users.info call.
        asking = self._asking.get(user_id)
        if asking is None:
            asking = self._asking[user_id] = asyncio.ensure_future(self._ask(user_id))
            asking.add_done_callback(lambda _: self._asking.pop(user_id, None))
        return await asyncio.shield(asking)

    def forget(self, user_id: str) -> None:
        """Drop what we hold about someone (they asked to be forgotten)."""
        self._known.pop(user_id, None)

    async def _ask(self, user_id: str) -> Profile | None:
        try:
            response = await self.client.users_info(user=user_id)
        except Exception as problem:  # any failure: fall back to the payload's handle
            log.warning("users.info for %s failed, using the handle instead: %s", user_id, problem)
            return None
        profile = Profile.of(response.get("user") or {})
        self._known[user_id] = (self.clock() + self.ttl, profile)
        return profile


class Senders:
    def __init__(self, directory: Directory, config: SlackConfig):
        self.directory = directory
        self.config = config

    async def sender(
        self, *, user_id: str, workspace_id: str, handle: str | None, channel_id: str | None = None
    ) -> Sender:
        profile = await self.directory.profile(user_id)
        name = (profile.name if profile else None) or handle or user_id
        return Sender.from_platform(
            PLATFORM,
            user_id,
            name,
            workspace_id=workspace_id,
            email=profile.email if profile else None,
            department=profile.title if profile else None,
            channel_id=channel_id,
            is_organiser=self.is_organiser(user_id),
        )

    def is_organiser(self, user_id: str) -> bool:
        return user_id in self.config.organisers

    async def from_command(self, body: dict) -> Sender:
        return await self.sender(
            user_id=body["user_id"],
            workspace_id=body.get("team_id", ""),
            handle=body.get("user_name"),
            channel_id=body.get("channel_id"),
        )

    async def from_action(self, body: dict) -> Sender:
        user = body.get("user") or {}
        return await self.sender(
            user_id=user["id"],
            workspace_id=user.get("team_id") or (body.get("team") or {}).get("id", ""),
            handle=user.get("name") or user.get("username"),
            channel_id=(body.get("channel") or {}).get("id"),
        )

    async def from_event(self, body: dict) -> Sender:
        event = body["event"]
        return await self.sender(user_id=event["user"], workspace_id=body.get("team_id", ""), handle=None)

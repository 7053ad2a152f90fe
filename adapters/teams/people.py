"""Who is speaking on Teams: their work email and user principal name, looked up from the roster
and remembered for an hour.

An activity carries a name and an Entra object id but no email; a partner on Slack needs
the email to reach them, and a partner on Teams needs the user principal name for a chat
or meeting link. The roster call is best effort: a message is never held up by its
failure, and a burst of clicks from one person costs one call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo

log = logging.getLogger("corridor.teams.people")

PROFILE_TTL_SECONDS = 3600.0
REMEMBERED = 10_000


@dataclass(frozen=True)
class Member:
    email: str | None = None
    upn: str | None = None


NOBODY = Member()


class Directory:
    def __init__(self, ttl: float = PROFILE_TTL_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self._known: dict[str, tuple[float, Member]] = {}

    async def member(self, turn: TurnContext, user_id: str) -> Member:
        known = self._known.get(user_id)
        if known is not None and known[0] > self.clock():
            return known[1]
        try:
            found = await TeamsInfo.get_member(turn, turn.activity.from_property.id)
        except Exception as problem:  # best effort: joining must not fail for want of an address
            log.info("could not look up a Teams member: %s", type(problem).__name__)
            return NOBODY
        upn = getattr(found, "user_principal_name", None) or None
        member = Member(email=getattr(found, "email", None) or upn, upn=upn)
        if len(self._known) >= REMEMBERED:
            self._known.pop(next(iter(self._known)))
        self._known[user_id] = (self.clock() + self.ttl, member)
        return member

    async def email(self, turn: TurnContext, user_id: str) -> str | None:
        return (await self.member(turn, user_id)).email

    def forget(self, user_id: str) -> None:
        """Drop what we hold about someone (they asked to be forgotten)."""
        self._known.pop(user_id, None)

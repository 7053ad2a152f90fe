"""Who is speaking on Teams: their work email, looked up from the roster and remembered for an hour.

An activity carries a name and an Entra object id but no email; a partner on Slack needs
the email to reach them. The roster call is best effort: a message is never held up by
its failure, and a burst of clicks from one person costs one call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo

log = logging.getLogger("corridor.teams.people")

PROFILE_TTL_SECONDS = 3600.0
REMEMBERED = 10_000


class Directory:
    def __init__(self, ttl: float = PROFILE_TTL_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self._known: dict[str, tuple[float, str | None]] = {}

    async def email(self, turn: TurnContext, user_id: str) -> str | None:
        known = self._known.get(user_id)
        if known is not None and known[0] > self.clock():
            return known[1]
        try:
            member = await TeamsInfo.get_member(turn, turn.activity.from_property.id)
        except Exception as problem:  # best effort: joining must not fail for want of an address
            log.info("could not look up a Teams member's email: %s", type(problem).__name__)
            return None
        email = getattr(member, "email", None) or getattr(member, "user_principal_name", None)
        if len(self._known) >= REMEMBERED:
            self._known.pop(next(iter(self._known)))
        self._known[user_id] = (self.clock() + self.ttl, email)
        return email

    def forget(self, user_id: str) -> None:
        """Drop what we hold about someone (they asked to be forgotten)."""
        self._known.pop(user_id, None)

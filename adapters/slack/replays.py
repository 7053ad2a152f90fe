"""Each signed request acted on once, however often it arrives and at whichever serve process.

A request is known by its signature, and an event also by Slack's event id, since Slack's
own retries of an event (X-Slack-Retry-Num) are signed afresh. The check runs after the
acknowledgement, with the rest of the work, so that a busy database never delays the
ack; a replay is acknowledged like the original and then does nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from adapters.quiet import QuietWarnings
from adapters.slack.core import Core
from bot.gateway import SeenRequests

log = logging.getLogger("corridor.slack")

# Where the HTTP handler leaves the ticket in Bolt's request context for the listeners.
TICKET = "corridor_ticket"


@dataclass(frozen=True)
class Ticket:
    keys: tuple[str, ...]
    signed_at: datetime


class Replays:
    def __init__(self, seen: SeenRequests, core: Core, warnings: QuietWarnings):
        self.seen = seen
        self.core = core
        self.warnings = warnings

    async def first_time(self, ticket: Ticket | None) -> bool:
        # No ticket in Socket Mode: requests come over Slack's authenticated WebSocket, unsigned.
        if ticket is None:
            return True
        try:
            fresh = await self.core(self.seen.first_time, ticket.keys, ticket.signed_at)
        except Exception as problem:  # unsure whether it is a replay: do nothing, as for one
            self.warnings.warn(f"could not check a Slack request for replay ({type(problem).__name__})")
            return False
        if not fresh:
            self.warnings.warn("a Slack request seen before was acknowledged and ignored")
        return fresh

"""A small client-side limiter so a weekly fan-out mostly stays inside Teams' documented bot limits.

Teams ("Optimize your bot with rate limiting", learn.microsoft.com) allows one bot, per
conversation: 7 sends a second, 8 in 2 s, 60 in 30 s and 1,800 an hour (creating a
conversation counts the same); and per app per tenant, 50 requests a second across all
conversations. Intros go one per one-to-one chat, so the tenant limit is the one that binds.

Each request reserves the earliest moment that keeps every window of its conversation and
its tenant under the limit, sleeps until then, and when its call returns the reservation
is moved to that moment: Teams counts a request when it arrives, which is somewhere
between the two, so windows built from finished calls never undercount. Slots are spaced
evenly (50 a second means one every 20 ms) rather than bunched at the start of each
second, so the CPU work of a burst does not push some of it into the next second's window.

A slot further away than `max_wait` is not waited for: RetryLater hands the message back
to the outbox instead of holding a delivery worker.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.ports import RetryLater


@dataclass(frozen=True)
class Window:
    seconds: float
    requests: int


PER_CONVERSATION = (Window(1, 7), Window(2, 8), Window(30, 60), Window(3600, 1800))
PER_TENANT = (Window(1, 50),)
SHORT = 2.0  # seconds


class SlidingWindows:
    """Request times per key, kept sorted, and the earliest time a new one may go."""

    def __init__(self, windows: tuple[Window, ...], margin: float):
        self.windows = windows
        self.margin = margin  # seconds added to each window, for clock and network jitter
        self.longest = max(w.seconds for w in windows) + margin
        # Short windows are paced evenly; long ones (an hour's total) only cap the count.
        self.spacing = min((w.seconds / w.requests for w in windows if w.seconds <= SHORT), default=0.0)
        self._times: dict[str, list[float]] = {}

    def earliest(self, key: str, at: float) -> float:
        times = self._times.get(key)
        if not times:
            return at
        at = max(at, times[-1] + self.spacing)
        for window in self.windows:
            if len(times) >= window.requests:
                # The window ending at `at` may hold requests - 1 others: wait for the oldest to age out.
                at = max(at, times[-window.requests] + window.seconds + self.margin)
        return at

    def reserve(self, key: str, at: float) -> None:
        times = self._times.setdefault(key, [])
        bisect.insort(times, at)
        del times[: bisect.bisect_right(times, at - self.longest)]

    def settle(self, key: str, reserved: float, finished: float) -> None:
        times = self._times.get(key, [])
        index = bisect.bisect_left(times, reserved)
        if index < len(times) and times[index] == reserved:
            del times[index]
            bisect.insort(times, max(reserved, finished))

    def forget_idle(self, now: float) -> None:
        for key in [k for k, t in self._times.items() if not t or t[-1] <= now - self.longest]:
            del self._times[key]


class TeamsRateLimiter:
    def __init__(
        self,
        per_conversation: tuple[Window, ...] = PER_CONVERSATION,
        per_tenant: tuple[Window, ...] = PER_TENANT,
        *,
        max_wait: float = 5.0,
        margin: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        self.conversations = SlidingWindows(per_conversation, margin)
        self.tenants = SlidingWindows(per_tenant, margin)
        self.max_wait = max_wait
        self.clock = clock
        self.sleep = sleep
        self._reservations = 0

    @asynccontextmanager
    async def slot(self, conversation: str, tenant: str) -> AsyncIterator[None]:
        """Hold a slot for one call to `conversation` in `tenant` while it is made."""
        reserved = await self.acquire(conversation, tenant)
        try:
            yield
        finally:
            finished = self.clock()
            self.conversations.settle(conversation, reserved, finished)
            self.tenants.settle(tenant, reserved, finished)

    async def acquire(self, conversation: str, tenant: str) -> float:
        """Wait for a slot and return when it was; RetryLater if it is too far off."""
        now = self.clock()
        at = self._earliest(conversation, tenant, now)
        if at - now > self.max_wait:
            raise RetryLater(
                f"held back by Corridor to stay inside Teams' rate limits ({at - now:.0f}s to wait)",
                at - now,
                rate_limited=True,
            )
        # No await between choosing the slot and taking it, so concurrent senders never share one.
        self.conversations.reserve(conversation, at)
        self.tenants.reserve(tenant, at)
        self._tidy(now)
        if at > now:
            await self.sleep(at - now)
        return at

    def _earliest(self, conversation: str, tenant: str, now: float) -> float:
        at = now
        while True:  # each set of windows may push the other later; a few rounds settle it
            later = self.tenants.earliest(tenant, self.conversations.earliest(conversation, at))
            if later == at:
                return at
            at = later

    def _tidy(self, now: float) -> None:
        self._reservations += 1
        if self._reservations % 1000 == 0:  # one-to-one chats are many and mostly used once a week
            self.conversations.forget_idle(now)
            self.tenants.forget_idle(now)

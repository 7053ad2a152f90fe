"""Spreading a fan-out over Slack's rate limits without ever sleeping in the delivery worker.

When Slack answers 429 with Retry-After, the message goes back to the outbox with that
wait (the worker never sleeps on it). But if every message queued behind the refusal were
told the same Retry-After, they would all return at the same moment and most would be
refused again; each refusal costs a message one of its outbox attempts, so the back of a
2,000-intro round would run out of attempts and fail. Instead, while Slack is throttling a
method, each deferred message is given its own slot, one per interval, the interval
learnt from how fast Slack accepted calls just before refusing. A message coming back at
its slot goes straight through, and so does one coming back after Slack failed it at its
slot (a 5xx); messages Slack refuses again (429) go to the back with a fresh estimate.
Slots are advice to the outbox, not locks: a wrong estimate costs a retry, never a message.

A storm (Slack refusing everything for a minute, say) must not slow delivery after it has
passed. So the rate is never taken from the refusals: with no call accepted in the window,
the slots keep the rate Slack last accepted (1/Retry-After only if it never accepted any),
and until the Retry-After of the latest refusal has passed, a message back at its slot goes
to the back of the queue without calling Slack. The queue keeps turning at Slack's rate
while only a few calls probe it, once per Retry-After; the first call accepted ends the
storm, and the messages behind it are already spaced at the rate Slack accepts.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable, Hashable

WINDOW_SECONDS = 2.0
# Slack lets a burst through at once before refusing, so the accepted rate is measured over
# at least this long: otherwise the burst reads as the sustained rate and slots are too close.
MIN_SPAN_SECONDS = 1.0
_PRUNE_AT = 20_000


class Pacer:
    """The slots for one Slack method (each method has its own limit)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, window: float = WINDOW_SECONDS):
        self._clock = clock
        self._window = window
        self._accepted: deque[float] = deque()
        self._slots: dict[Hashable, float] = {}
        self._served: dict[Hashable, float] = {}  # tickets that have had their slot, and when
        self._next_slot = 0.0
        self._interval = 0.0
        self._known_rate: float | None = None  # the last rate measured from accepted calls
        self._quiet_until: float | None = None  # a storm: no call to Slack before this moment

    def defer(self, ticket: Hashable) -> float | None:
        """Seconds this call should wait for its slot, or None if it may go to Slack now."""
        now = self._clock()
        slot = self._slots.pop(ticket, None)
        if slot is not None:
            if self._quiet_until is not None and slot <= now < self._quiet_until:
                # Slack refused a call since this slot was given: still storming, so turn the queue.
                return self._assign(ticket, max(self._next_slot, self._quiet_until), now)
            if now >= slot:
                self._served[ticket] = now
                return None
            self._slots[ticket] = slot  # back early (not expected): keep its place
            return slot - now
        if now >= self._next_slot or ticket in self._served:
            # A message back after Slack failed it (a 5xx, say) has queued once already;
            # sending it to the back again would cost it another attempt and a long wait.
            return None
        return self._assign(ticket, self._next_slot, now)

    def accepted(self) -> None:
        now = self._clock()
        self._quiet_until = None
        self._accepted.append(now)
        while self._accepted and self._accepted[0] < now - self._window:
            self._accepted.popleft()

    def refused(self, ticket: Hashable, retry_after: float) -> float:
        """Slack said 429: this ticket's wait, at the back of the queue."""
        now = self._clock()
        self._interval = 1.0 / self._rate(now, retry_after)
        self._quiet_until = now + retry_after
        start = max(now + retry_after, self._next_slot)
        return self._assign(ticket, start, now)

    def failed(self, ticket: Hashable, backoff: float) -> float:
        """Slack failed the call (a 5xx, a timeout): this ticket's wait. While a queue is
        forming, a message that hasn't had its slot yet takes a place at the back, so its
        retry doesn't use a slot promised to another message."""
        now = self._clock()
        if now < self._next_slot and ticket not in self._served:
            return self._assign(ticket, max(now + backoff, self._next_slot), now)
        return backoff

    def _rate(self, now: float, retry_after: float) -> float:
        recent = [t for t in self._accepted if t >= now - self._window]
        if len(recent) >= 2:
            self._known_rate = len(recent) / max(now - recent[0], MIN_SPAN_SECONDS)
        if self._known_rate is not None:
            return self._known_rate
        return 1.0 / max(retry_after, 1.0)

    def _assign(self, ticket: Hashable, slot: float, now: float) -> float:
        if len(self._slots) + len(self._served) > _PRUNE_AT:
            self._slots = {t: s for t, s in self._slots.items() if s > now - 600}
            self._served = {t: s for t, s in self._served.items() if s > now - 600}
        self._slots[ticket] = slot
        self._next_slot = slot + self._interval
        return slot - now


class Pacers:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._by_method: dict[str, Pacer] = defaultdict(lambda: Pacer(clock))

    def __getitem__(self, method: str) -> Pacer:
        return self._by_method[method]

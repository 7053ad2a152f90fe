"""Warnings about refused requests, one line each, and the same line at most once a minute.

Anyone on the internet can send refused requests; without a limit they could fill the
log. Repeats within the minute are counted and the count told with the next line. Shared
by the Slack and Teams adapters, each with its own (one per endpoint).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

QUIET_SECONDS = 60.0
MAX_REASONS = 256  # reasons are fixed phrases, so few; the bound is only a guard


class QuietWarnings:
    def __init__(
        self, log: logging.Logger, every: float = QUIET_SECONDS, clock: Callable[[], float] = time.monotonic
    ):
        self.log = log
        self.every = every
        self.clock = clock
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def warn(self, message: str) -> None:
        now = self.clock()
        last = self._last.get(message)
        if last is not None and now - last < self.every:
            self._held[message] = self._held.get(message, 0) + 1
            return
        if len(self._last) >= MAX_REASONS and message not in self._last:
            self._last.clear()
        self._last[message] = now
        held = self._held.pop(message, 0)
        if held:
            self.log.warning("%s (%d more like it since the last such line)", message, held)
        else:
            self.log.warning("%s", message)

"""Running the core's synchronous, database-bound calls off the event loop, a few at a time.

A few, because every thread busy in the core competes with the event loop for the GIL:
with one thread per waiting request, acknowledgements queue behind database work. The
database serialises writes anyway, so more threads would add waiting, not throughput
(bench/RESULTS.md: one thread halves the acknowledgement p99 on SQLite). PostgreSQL, which
waits on the network, may gain from more: CORRIDOR_SLACK_CORE_THREADS.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Core:
    def __init__(self, threads: int = 1):
        self.threads = threads
        self._gate = asyncio.Semaphore(threads)

    async def __call__(self, function: Callable[..., T], *args) -> T:
        async with self._gate:
            return await asyncio.to_thread(function, *args)

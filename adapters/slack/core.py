"""Running the core's synchronous, database-bound calls off the event loop, a few at a time.

A few, because every thread busy in the core competes with the event loop for the GIL:
with one thread per waiting request, acknowledgements queue behind database work. The
database serialises writes anyway, so more threads would add waiting, not throughput.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

DEFAULT_THREADS = int(os.environ.get("CORRIDOR_SLACK_CORE_THREADS", "2"))


class Core:
    def __init__(self, threads: int = DEFAULT_THREADS):
        self._gate = asyncio.Semaphore(threads)

    async def __call__(self, function: Callable[..., T], *args) -> T:
        async with self._gate:
            return await asyncio.to_thread(function, *args)

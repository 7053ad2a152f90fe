"""Pausing Python's cycle collector while a round builds its objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """A 100k round allocates millions of small objects that all live until it commits and
    form no reference cycles; the cycle collector kept rescanning them and took a third of
    the round's time (bench/RESULTS.md). Reference counting still frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

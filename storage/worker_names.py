"""A delivery worker's name, held by one live process at a time, through the database it delivers from.

Outbox leases carry the worker's name. A worker that restarts under the same name (the
host's name, or CORRIDOR_WORKER_NAME) takes its predecessor's leases back at once, which is
safe only if that predecessor is certainly gone. So the name is held with a lock the
operating system or the database server drops when the process dies, SIGKILL included:

- PostgreSQL: a session advisory lock on a connection of its own, kept for the process's life.
- SQLite: an exclusive `flock` on a small file beside the database file (everyone who uses
  the file is on this host).

A second live process asking for the same name gets the next free one ("name#2", ...),
which has no predecessor, so it never takes leases from the first.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from bot.errors import CorridorError
from storage.engine import is_sqlite

MAX_SLOTS = 64


class HeldName:
    """The name, and whatever holds it; `release()` on a clean shutdown (death releases it too)."""

    def __init__(self, name: str, holder: Any = None):
        self.name = name
        self._holder = holder

    def release(self) -> None:
        holder, self._holder = self._holder, None
        if holder is not None:
            holder.close()


def hold_worker_name(engine: Engine, base: str) -> HeldName:
    for slot in range(1, MAX_SLOTS + 1):
        name = base if slot == 1 else f"{base}#{slot}"
        holder = _hold_file(engine, name) if is_sqlite(engine) else _hold_advisory(engine, name)
        if holder is not None:
            return holder
    raise CorridorError(
        f"{MAX_SLOTS} delivery workers named '{base}' are already running against this database; "
        "stop one, or give this one its own CORRIDOR_WORKER_NAME."
    )


def _hold_advisory(engine: Engine, name: str) -> HeldName | None:
    connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    # Out of the pool for good: the lock lives as long as this session does.
    connection.detach()
    taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": _lock_key(name)}).scalar()
    if not taken:
        connection.close()
        return None
    return HeldName(name, connection)


def _hold_file(engine: Engine, name: str) -> HeldName | None:
    database = engine.url.database
    if not database or database == ":memory:":
        return HeldName(name)  # a database nobody else can open: the name is ours
    path = Path(f"{database}.worker-{hashlib.sha256(name.encode()).hexdigest()[:16]}.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return HeldName(name, _FileLock(fd))


class _FileLock:
    def __init__(self, fd: int):
        self.fd = fd

    def close(self) -> None:
        os.close(self.fd)  # closing the file drops the flock


def _lock_key(name: str) -> int:
    """A signed 64-bit key for pg_try_advisory_lock, stable across processes and versions."""
    digest = hashlib.sha256(f"corridor delivery worker:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)

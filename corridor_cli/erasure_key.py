"""The secret that keys the erasure register, kept in a file outside the database.

With the key and a copy of the database apart, a stolen database's register cannot be
tested against a list of staff emails. Lose the key and the register stops recognising
anyone (erased people could be re-imported), so back it up, separately from the database.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.errors import CorridorError
from bot.pseudonyms import KeyedDigests

SETTING = "CORRIDOR_ERASURE_KEY_FILE"
# Beside a SQLite file; for a database on a server, in the folder Corridor runs from.
SUFFIX = ".erasure-key"
SERVER_DEFAULT = "corridor.erasure-key"
_KEY_BYTES = 32


def default_key_path(database_url: str) -> Path | None:
    """None for an in-memory SQLite database: its register dies with it, so a key of the moment will do."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return Path(SERVER_DEFAULT)
    if not url.database or url.database == ":memory:":
        return None
    return Path(url.database).with_suffix(SUFFIX)


def load_or_create(path: Path | None) -> KeyedDigests:
    if path is None:
        return KeyedDigests.for_this_process()
    if not path.exists():
        _create(path)
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, UnicodeDecodeError, ValueError) as problem:
        why = getattr(problem, "strerror", None) or "it is not a key Corridor wrote"
        raise CorridorError(
            f"{SETTING}: cannot read the erasure key in {path} ({why}). Restore it from your backup; "
            "a new key would forget who was erased."
        ) from None
    if len(key) < _KEY_BYTES:
        raise CorridorError(f"{SETTING}: {path} holds {len(key)} bytes; an erasure key has {_KEY_BYTES}.")
    return KeyedDigests(key)


def _create(path: Path) -> None:
    """Written whole to a private temporary file, then linked into place: a process starting at the
    same moment sees either no key or the whole key, never an empty file, and two processes
    starting together never end up with two different keys (the link fails for the second)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, draft = tempfile.mkstemp(prefix=".erasure-key-", dir=path.parent)
    except OSError as problem:
        raise CorridorError(f"{SETTING}: cannot create the erasure key {path}: {problem.strerror}.") from None
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(_KEY_BYTES) + "\n")
        os.link(draft, path)
    except FileExistsError:
        return  # another process made it first; theirs is the key
    except OSError as problem:
        raise CorridorError(f"{SETTING}: cannot create the erasure key {path}: {problem.strerror}.") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(draft)

"""Checking CORRIDOR_DATABASE_URL before anything opens it.

SQLAlchemy's own complaints ("Could not parse SQLAlchemy URL", "No module named 'MySQLdb'",
"unable to open database file") never name the setting, and SQLite quietly creates an empty
file wherever the URL points; an organiser running `corridor status` in the wrong folder
would then see an empty programme rather than be told they are in the wrong place.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.errors import CorridorError

FORMS = "sqlite:///path/corridor.db or postgresql+psycopg://user@host/db"
# Backend and the drivers Corridor installs; none named means that default (storage/engine.py).
_DRIVERS = {"sqlite": ("", "pysqlite"), "postgresql": ("", "psycopg"), "postgres": ("", "psycopg")}


def check_database_url(text: str, *, may_create: bool) -> None:
    """Refuses, in one line naming the setting, a URL Corridor cannot or should not open.

    `may_create`: only `serve`, `demo` and `db upgrade` may start a new SQLite file.
    """
    url = _parse(text)
    backend, _, driver = url.drivername.partition("+")
    if driver not in _DRIVERS.get(backend, ()):
        raise CorridorError(
            f"CORRIDOR_DATABASE_URL names a database Corridor does not support ({url.drivername}); "
            f"it takes the form {FORMS}."
        )
    if backend == "sqlite":
        _check_sqlite_file(url, may_create=may_create)


def _parse(text: str) -> URL:
    try:
        return make_url(text)
    except (ArgumentError, ValueError):
        raise CorridorError(
            f"CORRIDOR_DATABASE_URL is not a database URL Corridor can read; it takes the form {FORMS}."
        ) from None


def _check_sqlite_file(url: URL, *, may_create: bool) -> None:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        return
    path = Path(url.database)
    if not path.parent.is_dir():
        raise CorridorError(
            f"CORRIDOR_DATABASE_URL points at {path}, but the folder {path.parent} does not exist; "
            f"it takes the form {FORMS}."
        )
    if not may_create and not path.exists():
        raise CorridorError(
            f"There is no Corridor database at {path.resolve()}; run `corridor db upgrade` to create "
            f"one there, or set CORRIDOR_DATABASE_URL ({FORMS}) to the one you meant."
        )

"""Building the SQLAlchemy engine; only the composition root calls this, never an import."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    # In WAL mode NORMAL still never corrupts the database; it syncs at checkpoints rather
    # than on every commit, which a bot committing once per click otherwise waits on.
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    # Deleted and overwritten rows are zeroed on disk, not left in free pages: an erased
    # person's name must not survive in the file. (Not every SQLite build defaults to it.)
    "PRAGMA secure_delete=ON",
)


def database_url(url: str | URL) -> URL:
    """The URL with its driver made explicit: plain postgresql:// means psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def _to_json(document: Any) -> str:
    # orjson: a 100k round writes 125k message payloads, and the standard encoder was a
    # sixth of the time it took to persist one.
    return orjson.dumps(document).decode()


def make_engine(url: str | URL, **options: Any) -> Engine:
    parsed = database_url(url)
    options.setdefault("json_serializer", _to_json)
    options.setdefault("json_deserializer", orjson.loads)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **options)
    options.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **options)


# SQLite's lower() folds ASCII only; searching "élodie" must find "Élodie" (see _sql.casefold_in).
CASEFOLD = "corridor_casefold"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_engine(url: URL, **options: Any) -> Engine:
    engine = create_engine(url, **options)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take BEGIN away from the sqlite3 module: left to itself it starts transactions only
    # before writes, which breaks SAVEPOINT and lets reads in a unit of work drift.
    dbapi_connection.isolation_level = None
    # str.casefold itself, not a Python wrapper: a search folds every name, 10,000 calls.
    # Callers make sure it never sees NULL (storage/repositories/_sql.casefold_in).
    dbapi_connection.create_function(CASEFOLD, 1, str.casefold, deterministic=True)
    cursor = dbapi_connection.cursor()
    for pragma in _SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


# An execution option the unit of work sets on transactions that only read (storage/uow.py).
READ_ONLY = "corridor_read_only"


def _on_sqlite_begin(connection: Any) -> None:
    if connection.get_execution_options().get(READ_ONLY):
        # Only reading: a deferred BEGIN takes no lock until the first read, and in WAL mode a
        # reader never waits for the writer nor holds it up; it sees one snapshot throughout.
        connection.exec_driver_sql("BEGIN")
        return
    # IMMEDIATE takes the write lock up front. A deferred transaction that reads and then
    # writes fails at once with "database is locked" when another writer committed in
    # between, and busy_timeout cannot save it; waiting for the lock at BEGIN can.
    # The price is that writing units of work take turns on SQLite; PostgreSQL is the
    # choice when that matters.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def scrub_freed_pages(engine: Engine) -> None:
    """After an erasure: make sure no copy of what was erased stays on disk.

    SQLite keeps the pages a transaction replaced in the write-ahead log until a checkpoint
    copies them home, which in WAL mode can be a thousand pages later; TRUNCATE copies them
    now (secure_delete has zeroed the old rows in the main file) and empties the log.
    PostgreSQL keeps dead row versions until VACUUM reclaims them; that is the operator's
    job (see the README), since VACUUM cannot run inside the transaction that erased.
    """
    if not is_sqlite(engine):
        return
    # The raw connection, so no BEGIN comes first: a checkpoint cannot run inside a transaction.
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()

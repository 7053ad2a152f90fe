"""Bringing a database's schema up to date, and refusing to run against an old one.

The Alembic configuration is built here in code, so no alembic.ini needs to sit next to
wherever Corridor is installed.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from bot.errors import CorridorError
from storage.engine import is_sqlite, make_engine

MIGRATIONS = Path(__file__).parent / "migrations"
UPGRADE_COMMAND = "corridor db upgrade"

# Any fixed number will do; it only has to be the same for every Corridor process.
_UPGRADE_LOCK = 0x0C0FFEE


class SchemaOutOfDate(CorridorError):
    """The database's schema is not the one this version of Corridor was written for."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "storage/migrations has no revisions"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(url_or_engine: str | URL | Engine, revision: str = "head") -> None:
    """Apply pending migrations in one transaction (PostgreSQL and SQLite both roll back DDL)."""
    engine, owned = _engine(url_or_engine)
    try:
        config = alembic_config()
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Two processes upgrading at once would otherwise race to create the same tables.
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        if owned:
            engine.dispose()


def prepare(url_or_engine: str | URL | Engine, *, auto_upgrade_sqlite: bool = True) -> Engine:
    """The engine to run Corridor with, once its schema is known to be current.

    A SQLite file belongs to this one installation, so it is upgraded on the spot. A
    PostgreSQL database may be shared and deserves a deliberate step, so Corridor stops
    and names the command instead.
    """
    engine, owned = _engine(url_or_engine)
    try:
        _check(engine, auto_upgrade_sqlite)
    except BaseException:
        if owned:
            engine.dispose()
        raise
    return engine


def _check(engine: Engine, auto_upgrade_sqlite: bool) -> None:
    current, head = current_revision(engine), head_revision()
    if current == head:
        return
    if current is not None and not _is_known(current):
        raise SchemaOutOfDate(
            f"The database schema is at revision {current}, which this version of Corridor does not "
            f"know; it was probably upgraded by a newer Corridor. Run that version, or restore a backup."
        )
    if is_sqlite(engine) and auto_upgrade_sqlite:
        upgrade(engine)
        return
    found = f"at revision {current}" if current else "empty (no Corridor tables yet)"
    raise SchemaOutOfDate(
        f"The database schema is {found}, but this version of Corridor needs revision {head}. "
        f"Run `{UPGRADE_COMMAND}` to apply the pending migrations, then start Corridor again."
    )


def _is_known(revision: str) -> bool:
    scripts = ScriptDirectory.from_config(alembic_config())
    return any(script.revision == revision for script in scripts.walk_revisions())


def _engine(url_or_engine: str | URL | Engine) -> tuple[Engine, bool]:
    if isinstance(url_or_engine, Engine):
        return url_or_engine, False
    return make_engine(url_or_engine), True

"""Schema versions: SQLite upgrades itself, PostgreSQL waits for `corridor db upgrade`."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.errors import CorridorError
from storage.engine import database_url as normalised_url
from storage.engine import make_engine
from storage.schema import (
    SchemaOutOfDate,
    current_revision,
    head_revision,
    prepare,
    upgrade,
)
from storage.tables import metadata


def test_a_new_sqlite_database_is_brought_up_to_date_on_start(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    engine = prepare(url)
    try:
        assert current_revision(engine) == head_revision()
        assert current_revision(engine) == head_revision()
        assert "outbox" in inspect(engine).get_table_names()
        # Starting again changes nothing.
        prepare(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_sqlite_can_be_told_not_to_upgrade_itself(tmp_path):
    with pytest.raises(SchemaOutOfDate, match="corridor db upgrade"):
        prepare(f"sqlite:///{tmp_path / 'fresh.db'}", auto_upgrade_sqlite=False)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_an_empty_postgresql_database_is_refused_with_the_command_to_run(database_url):
    with pytest.raises(SchemaOutOfDate, match="`corridor db upgrade`") as refused:
        prepare(database_url)
    assert isinstance(refused.value, CorridorError)
    assert "empty" in str(refused.value)

    upgrade(database_url)
    engine = prepare(database_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_a_database_from_a_newer_corridor_is_refused(engine):
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaOutOfDate, match="newer Corridor"):
        prepare(engine)


# SQLite cannot reflect the index on lower(name), so that one index is compared on PostgreSQL only.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_the_migrations_build_exactly_the_tables_the_code_uses(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_sqlite_connections_use_wal_and_enforce_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://corridor@db:5432/corridor", "postgresql+psycopg"),
        ("postgres://corridor@db/corridor", "postgresql+psycopg"),
        ("postgresql+psycopg://corridor@db/corridor", "postgresql+psycopg"),
        ("sqlite:////var/lib/corridor/corridor.db", "sqlite"),
    ],
)
def test_database_urls_get_an_explicit_driver(given, driver):
    assert normalised_url(given).drivername == driver

"""Integration fixtures: every storage test runs against SQLite, and against PostgreSQL too
when CORRIDOR_TEST_DATABASE_URL points at one.

Each PostgreSQL test starts from an empty public schema (no tables, no alembic_version), so
tests never see each other's rows and migrations always run from scratch.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from bot.model import Participant, Role
from storage.engine import make_engine
from storage.schema import upgrade
from storage.uow import SqlUnitOfWorkFactory
from tests.hospital import ST_MARYS, seed_hospital

POSTGRES_URL = os.environ.get("CORRIDOR_TEST_DATABASE_URL")
POSTGRES_SKIP_REASON = "CORRIDOR_TEST_DATABASE_URL is not set; PostgreSQL half not run"

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


# Tests never need a commit to survive a server crash; not waiting for the disk at each
# COMMIT keeps the PostgreSQL half quick.
POSTGRES_TEST_OPTIONS = {"connect_args": {"options": "-c synchronous_commit=off"}}


def engine_for(url: str, **options) -> Engine:
    if url.startswith("postgres"):
        options = {**POSTGRES_TEST_OPTIONS, **options}
    return make_engine(url, **options)


def reset_postgres(url: str) -> None:
    engine = engine_for(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("SET lock_timeout = '10s'"))
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=[pytest.mark.postgres, pytest.mark.skipif(not POSTGRES_URL, reason=POSTGRES_SKIP_REASON)],
        ),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'corridor.db'}"
    if not POSTGRES_URL:  # also when a test asks for "postgresql" by indirect parametrize
        pytest.skip(POSTGRES_SKIP_REASON)
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = engine_for(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def uow_factory(engine: Engine) -> SqlUnitOfWorkFactory:
    return SqlUnitOfWorkFactory(engine)


class Hospital:
    """The test hospital (tests/hospital.py) in the database; people join at St Mary's."""

    def __init__(self, uow_factory: SqlUnitOfWorkFactory):
        seeded = seed_hospital(uow_factory)
        self.programme = seeded.programme
        self.site = seeded.sites[ST_MARYS]
        self._uow_factory = uow_factory
        self._count = 0

    def join(self, role: Role, name: str | None = None, **fields) -> Participant:
        self._count += 1
        person = Participant(
            programme_id=self.programme.id,
            platform="slack",
            user_id=f"U{self._count:05d}",
            display_name=name or f"{role.value} {self._count}",
            role=role,
            site_id=self.site.id,
            joined_at=NOW,
            **fields,
        )
        with self._uow_factory() as uow:
            uow.participants.add(person)
            uow.commit()
        return person


@pytest.fixture
def hospital(uow_factory: SqlUnitOfWorkFactory) -> Hospital:
    return Hospital(uow_factory)

"""The composition root: the one place real parts are wired together."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from bot.config import EngineSettings
from bot.context import Context
from bot.ports import Clock, SeedSource
from storage.schema import prepare
from storage.uow import SqlUnitOfWorkFactory


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class RandomSeeds:
    def new_seed(self) -> int:
        return secrets.randbits(62)


def build_context(
    database_url: str,
    engine_settings: EngineSettings,
    *,
    clock: Clock | None = None,
    seeds: SeedSource | None = None,
) -> Context:
    """Opens the database (applying migrations on SQLite; refusing an old schema on PostgreSQL)."""
    engine = prepare(database_url)
    return Context(
        uow=SqlUnitOfWorkFactory(engine),
        clock=clock or SystemClock(),
        seeds=seeds or RandomSeeds(),
        settings=engine_settings,
    )

"""The composition root: the one place real parts are wired together."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.charts.png import PngCharts
from adapters.charts.report_pdf import PdfReports
from bot.config import EngineSettings
from bot.context import Context
from bot.gateway import CoreChat, StoredPlatformState, StoredSeenRequests
from bot.ports import Clock, SeedSource
from corridor_cli.erasure_key import default_key_path, load_or_create
from storage.engine import is_sqlite
from storage.schema import prepare
from storage.uow import SqlUnitOfWorkFactory
from storage.worker_names import HeldName, hold_worker_name

if TYPE_CHECKING:  # the platforms' libraries load only when a platform is switched on
    from adapters.slack.app import SlackAdapter
    from adapters.slack.config import SlackConfig
    from adapters.teams.adapter import TeamsAdapter
    from adapters.teams.auth import CorridorAuthentication
    from adapters.teams.config import TeamsConfig
    from adapters.teams.limiter import TeamsRateLimiter


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
    erasure_key_file: str | None = None,
) -> Context:
    """Opens the database (applying migrations on SQLite; refusing an old schema on PostgreSQL)."""
    key_path = Path(erasure_key_file) if erasure_key_file else default_key_path(database_url)
    pseudonyms = load_or_create(key_path)
    engine = prepare(database_url)
    return Context(
        uow=SqlUnitOfWorkFactory(engine),
        clock=clock or SystemClock(),
        seeds=seeds or RandomSeeds(),
        settings=engine_settings,
        charts=PngCharts(),
        reports=PdfReports(),
        pseudonyms=pseudonyms,
    )


# Threads running the Slack core's calls, by database (bench/RESULTS.md, `bench.slack_burst`).
# SQLite takes one writer at a time and a second thread only adds GIL contention; PostgreSQL
# spends most of a call waiting on the server (each commit waits for its WAL flush), so a
# few calls in flight keep replies under a second through a burst. Within the engine's
# default pool of 5 connections, leaving room for delivery and the dashboard.
SQLITE_CORE_THREADS = 1
POSTGRESQL_CORE_THREADS = 4


def core_threads_for(ctx: Context) -> int:
    uow = ctx.uow
    if isinstance(uow, SqlUnitOfWorkFactory) and not is_sqlite(uow.engine):
        return POSTGRESQL_CORE_THREADS
    return SQLITE_CORE_THREADS


def hold_delivery_name(ctx: Context, base: str) -> HeldName:
    """The delivery worker's lease name, held for this process's life (storage/worker_names.py)."""
    if not isinstance(ctx.uow, SqlUnitOfWorkFactory):
        raise TypeError("a worker name is held through the database, and this context has none")
    return hold_worker_name(ctx.uow.engine, base)


def slack_adapter(ctx: Context, config: SlackConfig) -> SlackAdapter:
    """The Slack adapter with the ports made for it: never the Context itself."""
    from adapters.slack.app import SlackAdapter
    from adapters.slack.notifier import Backoff

    if config.core_threads is None:
        config = replace(config, core_threads=core_threads_for(ctx))
    return SlackAdapter(
        config,
        chat=CoreChat(ctx),
        state=StoredPlatformState(ctx, "slack"),
        seen=StoredSeenRequests(ctx, "slack"),
        clock=ctx.clock,
        backoff=Backoff(ctx.settings.retry_base_seconds, ctx.settings.retry_cap_seconds),
    )


def teams_adapter(
    ctx: Context,
    config: TeamsConfig,
    *,
    limiter: TeamsRateLimiter | None = None,
    auth: CorridorAuthentication | None = None,
) -> TeamsAdapter:
    from adapters.teams.adapter import TeamsAdapter

    return TeamsAdapter(
        config, chat=CoreChat(ctx), state=StoredPlatformState(ctx, "teams"), limiter=limiter, auth=auth
    )

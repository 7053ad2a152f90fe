"""The composition root: the one place real parts are wired together."""

from __future__ import annotations

import secrets
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
from storage.schema import prepare
from storage.uow import SqlUnitOfWorkFactory

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


def slack_adapter(ctx: Context, config: SlackConfig) -> SlackAdapter:
    """The Slack adapter with the ports made for it: never the Context itself."""
    from adapters.slack.app import SlackAdapter
    from adapters.slack.notifier import Backoff

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

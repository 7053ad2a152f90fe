"""`corridor serve`: the bots' HTTP endpoints, Socket Mode, the scheduler and the delivery worker."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from aiohttp import web

from adapters.slack.config import SlackConfig
from adapters.teams.config import TeamsConfig
from bot.context import Context
from bot.delivery import DeliveryWorker
from corridor_cli.wiring import build_context, hold_delivery_name, slack_adapter, teams_adapter
from scheduler.jobs import Jobs
from scheduler.service import build_scheduler

if TYPE_CHECKING:
    from adapters.slack.app import SlackAdapter
    from adapters.teams.adapter import TeamsAdapter

log = logging.getLogger("corridor.serve")


def platform_adapters(ctx: Context, env: Mapping[str, str]) -> list[SlackAdapter | TeamsAdapter]:
    adapters: list[SlackAdapter | TeamsAdapter] = []
    slack = SlackConfig.from_env(env)
    if slack is not None:
        adapters.append(slack_adapter(ctx, slack))
    teams = TeamsConfig.from_env(env)
    if teams is not None:
        adapters.append(teams_adapter(ctx, teams))
    return adapters


# How long a thread may hold the GIL while another waits (Python's default: 5 ms). The event
# loop gives the GIL up at every socket call; with the core's threads busy it then waited up
# to 5 ms each time to get it back, which showed as acks and replies seconds late under a
# burst (bench/RESULTS.md, `bench.slack_burst`). A shorter turn costs a little more switching.
SWITCH_INTERVAL_SECONDS = 0.0005


def share_the_interpreter() -> None:
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)


async def serve(settings) -> int:
    share_the_interpreter()
    stop = _stop_on_signals()  # before anything slow, so a SIGTERM during start-up is clean
    # Opening the database (migrating SQLite) waits on it: off the loop, like every later call.
    ctx = await asyncio.to_thread(
        build_context, settings.database_url, settings.engine, erasure_key_file=settings.erasure_key_file
    )
    adapters = platform_adapters(ctx, settings.env)
    if not adapters:
        log.warning(
            "No platform is configured (set SLACK_BOT_TOKEN and/or MICROSOFT_APP_ID); "
            "rounds will run and messages will wait in the outbox until one is."
        )
    web_app = web.Application()
    web_app.router.add_get("/healthz", _health)
    for adapter in adapters:
        adapter.attach(web_app)
    _attach_dashboard(ctx, web_app)
    runner = web.AppRunner(web_app)
    await runner.setup()
    await web.TCPSite(runner, port=settings.port).start()
    log.info("listening on port %d", settings.port)
    # A name no other live process holds, so this worker may take back its predecessor's leases.
    held = await asyncio.to_thread(hold_delivery_name, ctx, settings.worker_name)
    log.info("delivering as worker %s, %d message(s) at a time", held.name, settings.delivery_concurrency)
    worker = DeliveryWorker(
        ctx,
        {a.notifier.platform: a.notifier for a in adapters},
        owner=held.name,
        concurrency=settings.delivery_concurrency,
    )
    jobs = Jobs(ctx, worker)
    await asyncio.to_thread(jobs.catch_up)
    scheduler = build_scheduler(jobs, settings.delivery_interval)
    scheduler.start()
    for adapter in adapters:
        await adapter.start()
    try:
        await stop.wait()
        log.info("stopping")
    finally:
        scheduler.shutdown(wait=False)
        for adapter in adapters:
            await adapter.close()
        await runner.cleanup()
        held.release()
    return 0


def _attach_dashboard(ctx, web_app: web.Application) -> None:
    from adapters.web import DashboardSite
    from bot.dashboard import Dashboard

    DashboardSite(Dashboard(ctx)).attach(web_app)
    log.info("organisers' dashboard at %s/admin/", ctx.settings.public_url)


async def _health(_request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop

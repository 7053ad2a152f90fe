"""The database stops answering in the middle of a round's delivery: the server still answers
its health check and acknowledges Slack at once, and delivery finishes once the database is back.

Served as `corridor serve` serves it: one aiohttp app on 127.0.0.1 with /healthz and the Slack
adapter's /slack/events, and the delivery worker sending through the adapter's notifier.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from adapters.slack import SlackAdapter, SlackConfig
from bot.delivery import DeliveryWorker
from bot.model import OutboxStatus
from bot.rounds import run_round
from corridor_cli.wiring import slack_adapter
from scheduler.jobs import Jobs
from scheduler.service import build_scheduler
from tests.adapters.slack.conftest import CLINICIANS, MANAGERS, make_context, slack_env
from tests.adapters.slack.slack_side import SlackSide

STALL_SECONDS = 10.0
PROMPTLY = 1.0  # seconds; Slack itself gives up after 3


class StallingDatabase:
    """The unit of work, except that once `stall()` is called every transaction begun waits
    until the test calls `lift()` or 10 seconds pass: a database that has stopped answering.
    Only the thread that opened the transaction waits, as with a real driver. It also counts
    transactions opened on the event loop's own thread, which should be none."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.caught = threading.Event()  # some transaction is waiting on the stall
        self._lifted = threading.Event()
        self._lifted.set()
        self._until = 0.0
        self.on_loop = 0

    @property
    def store(self):
        return self.inner.store

    def stall(self) -> None:
        self._until = time.monotonic() + STALL_SECONDS
        self._lifted.clear()

    def lift(self) -> None:
        self._lifted.set()

    @property
    def stalled(self) -> bool:
        return not self._lifted.is_set() and time.monotonic() < self._until

    def __call__(self, *, read_only: bool = False):
        if _on_event_loop():
            self.on_loop += 1
        if not self._lifted.is_set():
            self.caught.set()
            self._lifted.wait(max(0.0, self._until - time.monotonic()))
        return self.inner(read_only=read_only)


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class StallAfterFirstSend:
    """The adapter's notifier; the database stalls just after the round's first intro has gone."""

    def __init__(self, notifier, database: StallingDatabase) -> None:
        self.notifier = notifier
        self.platform = notifier.platform
        self.database = database
        self.first = True

    async def send(self, message):
        delivered = await self.notifier.send(message)
        if self.first:
            self.first = False
            self.database.stall()
        return delivered


async def _healthz(_request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


@contextlib.asynccontextmanager
async def served(adapter: SlackAdapter) -> AsyncIterator[str]:
    """/healthz and the adapter on one app, on 127.0.0.1 and a free port; yields the base URL."""
    app = web.Application()
    app.router.add_get("/healthz", _healthz)
    adapter.attach(app)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    await adapter.start()
    try:
        yield f"http://{host}:{port}"
    finally:
        await adapter.close()
        await runner.cleanup()


async def _timed(request) -> tuple[float, object]:
    started = time.perf_counter()
    answer = await asyncio.wait_for(request, timeout=STALL_SECONDS / 2)
    return time.perf_counter() - started, answer


async def test_health_checks_and_slack_are_answered_while_the_database_stalls_mid_delivery(fake_slack):
    ctx = make_context()
    database = StallingDatabase(ctx.uow)
    ctx.uow = database
    adapter = slack_adapter(ctx, SlackConfig.from_env(slack_env(fake_slack)))
    async with served(adapter) as base, aiohttp.ClientSession() as session:
        side = SlackSide(session, f"{base}/slack/events", fake_slack, adapter)
        staff = [(user_id, "clinician") for user_id, _, _ in CLINICIANS]
        staff += [(user_id, "manager") for user_id, _, _ in MANAGERS]
        for user_id, role in staff:
            assert (await side.command(user_id, f"join {role} St Mary's"))["text"].startswith("You're in")
        round_report = await asyncio.to_thread(run_round, ctx)
        assert round_report.messages_queued == 6

        worker = DeliveryWorker(ctx, {"slack": StallAfterFirstSend(adapter.notifier, database)})
        delivery = asyncio.create_task(worker.drain())
        try:
            # The first intro is out; recording it (and every later transaction) now waits.
            # Polling the flag also proves the loop is free to run this test.
            while not database.caught.is_set() and not delivery.done():
                await asyncio.sleep(0.01)
            assert database.stalled and not delivery.done()

            health_took, health = await _timed(session.get(f"{base}/healthz"))
            assert health.status == 200 and await health.json() == {"ok": True}
            body, token = side.command_body(CLINICIANS[0][0], "status")
            ack_took, ack = await _timed(side.post(body))
            assert ack.status == 200

            assert health_took < PROMPTLY and ack_took < PROMPTLY
            assert database.stalled, "answered only once the stall was over"
            assert fake_slack.responses[token] == []  # the reply needs the database
            assert not delivery.done()
        finally:
            database.lift()
        report = await asyncio.wait_for(delivery, timeout=STALL_SECONDS)
        await adapter.idle()

    assert "St Mary's" in side.reply(token)["text"]
    assert (report.sent, report.failed) == (6, 0)
    assert {m.status for m in database.store.outbox.values()} == {OutboxStatus.SENT}
    intros = Counter(m["channel"] for messages in fake_slack.messages.values() for m in messages)
    group_dms = [c for c, members in fake_slack.channels.items() if len(members) == 2]
    assert sorted(intros[c] for c in group_dms) == [1] * 6
    assert database.on_loop == 0


def test_the_scheduler_runs_every_database_job_in_its_thread_pool():
    """AsyncIOScheduler runs plain functions in its pool and coroutines on the loop; only
    delivery is a coroutine, and it keeps its database work in threads (above)."""
    ctx = make_context()
    jobs = Jobs(ctx, DeliveryWorker(ctx, {}))
    scheduler = build_scheduler(jobs)
    on_the_loop = {job.id for job in scheduler.get_jobs() if asyncio.iscoroutinefunction(job.func)}
    assert on_the_loop == {"delivery"}

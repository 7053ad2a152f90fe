"""How fast the organisers' dashboard serves its heavy pages while Slack keeps getting acks.

    python -m bench.dashboard [--people 10000] [--weeks 12] [--organisers 10] [--visits 5]
                              [--postgres URL]

This process is `corridor serve` as far as the dashboard and Slack go: one aiohttp server on
127.0.0.1 with the Slack adapter and the dashboard, over SQLite in a temporary file (and then
PostgreSQL, with --postgres or CORRIDOR_BENCH_DATABASE_URL; its public schema is dropped
first, so give it a database of its own). `people` participants (one in four a manager, sites
of ~500) have `weeks` weekly rounds of history, made by the real `run_round`.

A spawned child plays everyone else: the fake Slack Web API, `organisers` signed-in
organisers who each, at once, visit Overview, People (a search for "Manager 12"), Sites and
places and Rounds (its preview is a dry run of the next round) `visits` times, and a
stream of signed `/coffee status` slash commands, one every 50 ms, whose HTTP answer is the
ack Slack waits 3 seconds for. The ack stream runs for a quiet second first (the baseline),
then for as long as the organisers are busy.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web

from adapters.slack import SlackConfig
from adapters.web import DashboardSite
from bench.persist import enrol, fresh_postgres
from bench.slack_ack import _Connection, _slash_command
from bench.slack_common import SIGNING_SECRET, machine, percentile
from bot.config import EngineSettings
from bot.dashboard import Dashboard
from bot.dashboard.signin import issue_link
from bot.model import Organiser
from bot.rounds import run_round
from corridor_cli.wiring import build_context, slack_adapter
from tests.adapters.fake_slack import BOT_TOKEN, FakeSlack
from tests.loopback import LoopbackServer

PAGES = {
    "Overview": "",
    "People (a search)": "people?q=Manager+12",
    "Sites and places": "sites",
    "Rounds (preview)": "rounds",
}
ACK_EVERY = 0.05
ORGANISER = "U0BENCHORG"


class MovingClock:
    """Fixed while history is made, then the real time (Slack's signatures carry it)."""

    def __init__(self, moment: datetime | None = None):
        self.moment = moment

    def now(self) -> datetime:
        return self.moment or datetime.now(UTC)


class Seeds:
    def __init__(self) -> None:
        self.next = 1000

    def new_seed(self) -> int:
        self.next += 1
        return self.next


# --- Everyone else (the child process) ----------------------------------------------------


def others(conn, organisers: int, visits: int) -> None:
    asyncio.run(_others(conn, organisers, visits))


async def _others(conn, organisers: int, visits: int) -> None:
    fake = await FakeSlack().start()
    for index in range(200):
        fake.add_user(f"U0STAFF{index:03d}", f"Staff {index}", title="Ward 7")
    conn.send(fake.api_url)
    while (order := await asyncio.to_thread(conn.recv)) is not None:
        events_url, links = order
        acker = _Acks(fake, events_url)
        await acker.open()
        baseline = await acker.run_for(1.0)
        # Signing in is not what is timed: one after another, before the organisers get busy.
        browsers = [await _signed_in(link) for link in links[:organisers]]
        base = links[0].split("/admin/")[0] + "/admin/"
        busy = asyncio.create_task(acker.run_until_stopped())
        timings = await asyncio.gather(*(_organiser(b, base, visits) for b in browsers))
        acker.stop()
        loaded = await busy
        acker.close()
        pages: dict[str, list[float]] = {name: [] for name in PAGES}
        for one in timings:
            for name, seconds in one.items():
                pages[name] += seconds
        conn.send({"pages": pages, "baseline_acks": baseline, "busy_acks": loaded})
    await fake.stop()


async def _signed_in(link: str) -> aiohttp.ClientSession:
    browser = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # 127.0.0.1
    async with browser.post(link.split("?")[0], data={"token": link.split("token=")[1]}) as answer:
        assert answer.status == 200 and answer.url.path == "/admin/", answer.status
    return browser


async def _organiser(browser: aiohttp.ClientSession, base: str, visits: int) -> dict[str, list[float]]:
    """Seconds per page; a failed page (an error status) counts as a negative time."""
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    async with browser:
        for _ in range(visits):
            for name, path in PAGES.items():
                started = time.monotonic()
                async with browser.get(base + path) as answer:
                    await answer.read()
                    ok = answer.status == 200
                times[name].append((time.monotonic() - started) * (1 if ok else -1))
    return times


class _Acks:
    def __init__(self, fake: FakeSlack, events_url: str):
        self.fake, self.events_url = fake, events_url
        self.path = events_url.split("/", 3)[3]
        self._stopped = asyncio.Event()
        self._users = (f"U0STAFF{index % 200:03d}" for index in range(10**9))

    async def open(self) -> None:
        self.connection = await _Connection.open(self.events_url)

    async def _one(self) -> float:
        request, _ = _slash_command(self.fake, "/" + self.path, next(self._users), "status")
        status, seconds, _ = await self.connection.send(request)
        assert status == 200, status
        return seconds

    async def run_for(self, seconds: float) -> list[float]:
        acks, until = [], time.monotonic() + seconds
        while time.monotonic() < until:
            acks.append(await self._one())
            await asyncio.sleep(ACK_EVERY)
        return acks

    async def run_until_stopped(self) -> list[float]:
        acks = []
        while not self._stopped.is_set():
            acks.append(await self._one())
            await asyncio.sleep(ACK_EVERY)
        return acks

    def stop(self) -> None:
        self._stopped.set()

    def close(self) -> None:
        self.connection.close()


# --- Corridor's side (this process) -------------------------------------------------------


def prepared(url: str, people: int, weeks: int) -> tuple:
    clock = MovingClock(datetime.now(UTC) - timedelta(weeks=weeks))
    settings = EngineSettings(organisers={"slack": frozenset({ORGANISER})})
    ctx = build_context(url, settings, clock=clock, seeds=Seeds())
    enrol(ctx, people)
    for _ in range(weeks):
        run_round(ctx)
        clock.moment = (clock.moment or datetime.now(UTC)) + timedelta(weeks=1)
    clock.moment = None
    return ctx


async def measure(conn, backend: str, url: str, people: int, weeks: int, organisers: int) -> dict:
    started = time.monotonic()
    ctx = await asyncio.to_thread(prepared, url, people, weeks)
    made = time.monotonic() - started
    config = SlackConfig.from_env(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "CORRIDOR_SLACK_API_URL": conn.api_url,
        }
    )
    adapter = slack_adapter(ctx, config)
    web_app = web.Application()
    adapter.attach(web_app)
    DashboardSite(Dashboard(ctx)).attach(web_app)
    try:
        async with LoopbackServer(web_app) as server:
            await adapter.start()
            ctx.settings = replace(ctx.settings, public_url=server.url.rstrip("/"))
            links = [
                issue_link(ctx, Organiser("slack", ORGANISER, f"Organiser {n}")).url
                for n in range(organisers)
            ]
            conn.pipe.send((f"{server.url}slack/events", links))
            result = await asyncio.to_thread(conn.pipe.recv)
            await adapter.close()
    finally:
        ctx.uow.engine.dispose()
    result["backend"], result["history_seconds"] = backend, made
    return result


class _Link:
    def __init__(self, pipe, api_url: str):
        self.pipe, self.api_url = pipe, api_url


def report(result: dict, people: int, weeks: int, organisers: int, visits: int) -> None:
    print(
        f"\n{result['backend']}: {people} participants, {weeks} weeks of history "
        f"(made in {result['history_seconds']:.0f} s), {organisers} organisers x {visits} visits"
    )
    for name, seconds in result["pages"].items():
        failed = sum(s < 0 for s in seconds)
        ms = [abs(s) * 1000 for s in seconds]
        print(
            f"  {name:18} n={len(ms):3}  p50 {percentile(ms, 0.5):7.0f} ms"
            f"  p99 {percentile(ms, 0.99):7.0f} ms"
            f"  max {max(ms):7.0f} ms  failed {failed}"
        )
    for label, key in (("Slack ack, quiet", "baseline_acks"), ("Slack ack, busy", "busy_acks")):
        ms = [s * 1000 for s in result[key]]
        print(
            f"  {label:18} n={len(ms):3}  p50 {percentile(ms, 0.5):7.1f} ms"
            f"  p99 {percentile(ms, 0.99):7.1f} ms"
            f"  max {max(ms):7.1f} ms"
        )


async def main(people: int, weeks: int, organisers: int, visits: int, postgres: str | None) -> None:
    # A page that fails is counted, not traced: the tracebacks would drown the figures.
    logging.basicConfig(level=logging.CRITICAL)
    spawn = multiprocessing.get_context("spawn")
    pipe, child_pipe = spawn.Pipe()
    child = spawn.Process(target=others, args=(child_pipe, organisers, visits), daemon=True)
    child.start()
    print(machine())
    try:
        link = _Link(pipe, await asyncio.to_thread(pipe.recv))
        with tempfile.TemporaryDirectory(prefix="corridor-bench-") as scratch:
            url = f"sqlite:///{Path(scratch) / 'bench.db'}"
            report(
                await measure(link, "SQLite", url, people, weeks, organisers),
                people,
                weeks,
                organisers,
                visits,
            )
        if postgres:
            await asyncio.to_thread(fresh_postgres, postgres)
            result = await measure(link, "PostgreSQL", postgres, people, weeks, organisers)
            report(result, people, weeks, organisers, visits)
    finally:
        pipe.send(None)
        child.join(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--organisers", type=int, default=10)
    parser.add_argument("--visits", type=int, default=5)
    parser.add_argument("--postgres", default=os.environ.get("CORRIDOR_BENCH_DATABASE_URL"))
    arguments = parser.parse_args()
    asyncio.run(
        main(arguments.people, arguments.weeks, arguments.organisers, arguments.visits, arguments.postgres)
    )

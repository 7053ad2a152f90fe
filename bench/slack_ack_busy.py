"""How fast Slack gets its acknowledgement for /coffee status when the server is idle, busy
delivering a round, and facing a database that has stopped answering: three conditions, one run.

    python -m bench.slack_ack_busy [--concurrency 50] [--waves 10] [--intros 2000] [--limit 20] [--stall 5]

As in `bench.slack_ack`, a child process plays Slack (the fake Web API, rate-limited to
`limit` calls a second for conversations.open and chat.postMessage, and a plain HTTP client
on `concurrency` keep-alive connections) and this process runs the adapter behind aiohttp
on 127.0.0.1 with SQLite. 2 x `intros` people at one site are paired by the real
`run_round`, queueing `intros` group-DM intros. Then, in waves of `concurrency` signed
`/coffee status` commands from people in the round:

1. idle: nothing is being delivered; each wave waits for its replies before the next.
2. fan-out: the delivery worker is sending the round against the rate limit; same waves.
3. stalled: the fan-out continues, and every database transaction begun in the next
   `stall` seconds waits until they are over; the waves are spread across the stall and
   wait only for their acks (the replies need the database, so they follow the stall).

The ack is the HTTP response to the slash command (Slack's 3-second deadline). Also
reported: the longest the event loop was late for a 10 ms timer in each condition.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import multiprocessing
import threading
import time
from collections.abc import AsyncIterator

from bench.slack_ack import _Connection, _Remote, _replies_in, _slash_command
from bench.slack_common import add_people, machine, make_context, running_slack, summary_ms
from bench.slack_fanout import IDLE_SLEEP, LIMITED
from bot.context import Context, default_programme
from bot.delivery import DeliveryReport, DeliveryWorker
from bot.rounds import run_round
from tests.adapters.fake_slack import FakeSlack

CONDITIONS = ("idle", "fan-out", "stalled")


# --- Slack's side (the child process) -----------------------------------------------------


def slack_side(conn, people: int, concurrency: int, limit: float) -> None:
    asyncio.run(_slack_side(conn, people, concurrency, limit))


async def _slack_side(conn, people: int, concurrency: int, limit: float) -> None:
    fake = await FakeSlack().start()
    for user_id in _user_ids(people):
        fake.add_user(user_id, f"Staff {user_id}", title="Ward 7")
    for method in LIMITED:
        fake.rate_limit(method, limit)
    conn.send(fake.api_url)
    events_url = await asyncio.to_thread(conn.recv)
    clients = [await _Connection.open(events_url) for _ in range(concurrency)]
    users = iter(_user_ids(people))
    await _waves(clients, fake, [[next(users) for _ in clients]], "help", spread=None)  # warm-up
    while (order := await asyncio.to_thread(conn.recv)) is not None:
        waves, spread = order
        batches = [[next(users) for _ in clients] for _ in range(waves)]
        conn.send(await _waves(clients, fake, batches, "status", spread))
    for client in clients:
        client.close()
    await fake.stop()


async def _waves(clients, fake, batches, text: str, spread: float | None) -> dict:
    """Waves of signed commands, one per connection at once. Without `spread`, each wave
    waits for its replies before the next; with it, waves start `spread` seconds apart and
    wait only for their acks, the replies being gathered at the end."""
    acks, sent = [], []
    started = time.monotonic()
    for index, batch in enumerate(batches):
        if spread is not None:
            await asyncio.sleep(max(0.0, started + index * spread - time.monotonic()))
        requests = [_slash_command(fake, clients[0].path, user, text) for user in batch]
        results = await asyncio.gather(*(c.send(r) for c, (r, _) in zip(clients, requests, strict=True)))
        for (status, ack, at), (_, token) in zip(results, requests, strict=True):
            if status != 200:
                raise RuntimeError(f"HTTP {status} for {text!r}")
            acks.append(ack)
            sent.append((token, at))
        if spread is None:
            await _replies_in(fake, [token for _, token in requests], deadline=60)
    await _replies_in(fake, [token for token, _ in sent], deadline=60)
    replies = [fake.responded_at[t] - at for t, at in sent if t in fake.responded_at]
    return {"acks": acks, "replies": replies, "missing": len(sent) - len(replies)}


def _user_ids(people: int) -> list[str]:
    return [f"U{index:06d}" for index in range(people)]


# --- Corridor's side (this process) -------------------------------------------------------


class StallingDatabase:
    """The unit of work, except that during `stall(seconds)` every transaction begun waits
    until the stall is over, in the thread that began it: a database that stopped answering."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self._lifted = threading.Event()
        self._lifted.set()
        self._until = 0.0
        self.caught = 0

    def stall(self, seconds: float) -> None:
        self._until = time.monotonic() + seconds
        self._lifted.clear()
        threading.Timer(seconds, self._lifted.set).start()

    def __call__(self, *, read_only: bool = False):
        if not self._lifted.is_set():
            self.caught += 1
            self._lifted.wait(max(0.0, self._until - time.monotonic()))
        return self.inner(read_only=read_only)


class LoopLag:
    """How late the event loop is for a 10 ms timer: the worst since the last `reset()`."""

    def __init__(self) -> None:
        self.worst = 0.0

    async def watch(self) -> None:
        while True:
            due = time.monotonic() + 0.01
            await asyncio.sleep(0.01)
            self.worst = max(self.worst, time.monotonic() - due)

    def reset(self) -> float:
        worst, self.worst = self.worst, 0.0
        return worst


class _Roster:
    """Stands in for the fake Slack's user list, which lives in the child process."""

    def add_user(self, *_args, **_kwargs) -> None:
        pass


@contextlib.asynccontextmanager
async def delivering(worker: DeliveryWorker) -> AsyncIterator[DeliveryReport]:
    """The delivery worker running until the block ends, as `corridor serve` runs it (batches
    back to back, a short sleep when nothing is due); no database call on the loop here."""
    total = DeliveryReport()

    async def run() -> None:
        while True:
            report = await worker.deliver_due()
            total.add(report)
            if report.handled == 0:
                await asyncio.sleep(IDLE_SLEEP)

    task = asyncio.create_task(run())
    try:
        yield total
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def main(concurrency: int, waves: int, intros: int, limit: float, stall: float) -> None:
    logging.basicConfig(level=logging.ERROR)
    people = 2 * intros
    if people < concurrency * (len(CONDITIONS) * waves + 1):
        raise SystemExit("each command comes from a different person in the round: raise --intros")
    spawn = multiprocessing.get_context("spawn")
    conn, child_conn = spawn.Pipe()
    child = spawn.Process(target=slack_side, args=(child_conn, people, concurrency, limit), daemon=True)
    child.start()
    results, notes = {}, {}
    try:
        api_url = await asyncio.to_thread(conn.recv)
        ctx = make_context("sqlite")
        await asyncio.to_thread(add_people, ctx, _Roster(), intros, intros)
        queued = (await asyncio.to_thread(run_round, ctx)).messages_queued
        database = StallingDatabase(ctx.uow)
        ctx.uow = database
        lag = LoopLag()
        watcher = asyncio.create_task(lag.watch())
        async with running_slack(ctx, _Remote(api_url)) as slack:
            conn.send(slack.events_url)

            async def measure(condition: str, spread: float | None) -> None:
                lag.reset()
                conn.send((waves, spread))
                results[condition] = await asyncio.to_thread(conn.recv)
                results[condition]["lag"] = lag.reset()

            await measure("idle", None)
            worker = DeliveryWorker(ctx, {"slack": slack.adapter.notifier})
            async with delivering(worker) as delivered:
                await asyncio.sleep(2)  # under way: the pacers have met the limit
                before = delivered.sent
                started = time.monotonic()
                await measure("fan-out", None)
                notes["fan-out"] = (
                    f"{delivered.sent - before} intros sent in {time.monotonic() - started:.1f} s"
                )
                before = delivered.sent
                database.stall(stall)
                await measure("stalled", stall / waves)
                notes["stalled"] = (
                    f"{database.caught} transactions held; {delivered.sent - before} intros sent "
                    f"from the stall until its replies were in"
                )
            conn.send(None)
            counts = await asyncio.to_thread(_counts, ctx)
            await slack.adapter.idle()
        watcher.cancel()
    finally:
        child.join(timeout=30)
    print(
        f"Slack ack latency for /coffee status, {concurrency} concurrent signed requests x {waves} waves "
        f"per condition; {queued} intros queued, fake Slack limited to {limit:g}/s per method, "
        f"database stall {stall:g} s; store=sqlite"
    )
    print(f"machine: {machine()}")
    for condition in CONDITIONS:
        result = results[condition]
        print(f"{condition:<8} ack   {summary_ms(result['acks'])}   n={len(result['acks'])}")
        print(f"{condition:<8} reply {summary_ms(result['replies'])}   missing={result['missing']}")
        print(
            f"{condition:<8} loop  late by at most {result['lag'] * 1000:.1f} ms   {notes.get(condition, '')}"
        )
    print(f"outbox afterwards: {counts}")


def _counts(ctx: Context) -> dict[str, int]:
    with ctx.uow() as uow:
        return uow.outbox.counts(default_programme(uow, ctx.settings).id)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--waves", type=int, default=10)
    parser.add_argument("--intros", type=int, default=2000)
    parser.add_argument("--limit", type=float, default=20.0, help="calls a second per method")
    parser.add_argument("--stall", type=float, default=5.0, help="seconds the database stops answering")
    args = parser.parse_args()
    asyncio.run(main(args.concurrency, args.waves, args.intros, args.limit, args.stall))

"""A rate-limit storm in the middle of a fan-out: how soon delivery is back at Slack's rate.

    python -m bench.slack_storm [--intros 500] [--limit 20] [--storm 60] [--retry-after 5]

As bench.slack_fanout (a real round on SQLite, the outbox, the delivery worker and the Slack
notifier against the fake Slack, `limit` calls a second to each of conversations.open and
chat.postMessage), but once half the intros have gone, Slack answers every call to both
methods with 429 and Retry-After `retry_after` for `storm` seconds, then takes calls at the
limit again. The ideal is intros / limit seconds of sending plus the storm.

It runs in real time (about 90 s). A shorter storm (`--storm 15`) is a quicker check, but
not the same test: the fake's Retry-After is whole seconds, so it cannot be scaled with it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import time

from bench.slack_common import add_people, fake_slack, machine, make_context, running_slack
from bench.slack_fanout import LIMITED, Counting, Outcome, _check, _counts, _drive
from bot.delivery import DeliveryWorker
from bot.rounds import run_round
from tests.adapters.fake_slack import FakeSlack


async def storm_run(intros: int, limit: float, storm: float, retry_after: float) -> tuple[Outcome, float]:
    async with fake_slack() as fake:
        ctx = make_context("sqlite")
        outcome = Outcome(intros, limit, 0.0, True, ctx.settings.max_attempts)
        add_people(ctx, fake, intros, intros)
        report = await asyncio.to_thread(run_round, ctx)
        assert report.messages_queued == intros, report.summary()
        async with running_slack(ctx, fake) as slack:
            _limit(fake, limit)
            fake.calls.clear()
            worker = DeliveryWorker(ctx, {"slack": Counting(slack.adapter.notifier, outcome)})
            outcome.started = time.monotonic()
            weather = asyncio.create_task(_storm(fake, ctx, intros, limit, storm, retry_after))
            outcome.seconds = await _drive(worker, ctx, deadline=intros / limit + storm + 600)
            started_at = await weather
        _check(ctx, fake, outcome)
    return outcome, started_at - outcome.started


async def _storm(fake: FakeSlack, ctx, intros: int, limit: float, storm: float, retry_after: float) -> float:
    while (await asyncio.to_thread(_counts, ctx))["sent"] < intros // 2:
        await asyncio.sleep(0.05)
    started = time.monotonic()
    for method in LIMITED:
        # The fake's Retry-After is whole seconds, as Slack sends; a compressed storm rounds up.
        fake.throttle(method, retry_after=max(1, math.ceil(retry_after)), times=None)
    await asyncio.sleep(storm)
    fake.clear_faults()
    _limit(fake, limit)
    return started


def _limit(fake: FakeSlack, limit: float) -> None:
    for method in LIMITED:
        fake.rate_limit(method, limit)


async def main(intros: int, limit: float, storm: float, retry_after: float) -> None:
    logging.basicConfig(level=logging.ERROR)
    print(f"Slack storm, machine: {machine()}")
    outcome, storm_at = await storm_run(intros, limit, storm, retry_after)
    ideal = intros / limit + storm
    print("\n".join(outcome.lines()))
    print(
        f"  storm: {storm:g} s of 429 (Retry-After {retry_after:g} s) from {storm_at:.1f} s; "
        f"total {outcome.seconds:.1f} s against the ideal {ideal:.1f} s "
        f"({outcome.seconds / ideal - 1:+.0%})"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intros", type=int, default=500)
    parser.add_argument("--limit", type=float, default=20.0, help="calls a second per method")
    parser.add_argument("--storm", type=float, default=60.0, help="seconds of 429")
    parser.add_argument("--retry-after", type=float, default=5.0)
    args = parser.parse_args()
    asyncio.run(main(args.intros, args.limit, args.storm, args.retry_after))

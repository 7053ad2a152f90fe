"""Fan-out: a round of intros through the outbox, the delivery worker and the Slack notifier,
against the fake Slack enforcing a per-method rate limit with 429 + Retry-After.

    python -m bench.slack_fanout [--intros 2000] [--limit 200] [--error-rates 0 0.05] [--no-pacing]

4,000 people at one site (half clinicians, half managers) are paired by the real
`run_round` on SQLite, which queues one group-DM intro per pair. The fake Slack allows
`limit` calls a second to each of conversations.open and chat.postMessage (a burst of
one second's worth, then 429 with a whole-second Retry-After), and optionally fails a
share of calls with HTTP 500 before doing anything. The delivery worker runs on the real
clock: `deliver_due()` in a loop, sleeping a few milliseconds only when nothing is due.

Each intro needs one call to each method, so the ideal is intros / limit seconds.
Checked afterwards: every outbox message sent, and every pair's group DM holding exactly
one intro (none lost, none duplicated).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass, field

from adapters.slack.notifier import SlackNotifier
from bench.slack_common import add_people, fake_slack, machine, make_context, running_slack
from bot.context import Context, default_programme
from bot.delivery import DeliveryReport, DeliveryWorker
from bot.ports import PermanentFailure, RetryLater
from bot.rounds import run_round
from tests.adapters.fake_slack import FakeSlack

LIMITED = ("conversations.open", "chat.postMessage")
IDLE_SLEEP = 0.005


@dataclass
class Outcome:
    intros: int
    limit: float
    error_rate: float
    pacing: bool
    max_attempts: int = 0
    seconds: float = 0.0
    sent: int = 0
    failed: int = 0
    pending: int = 0
    lost: int = 0
    duplicated: int = 0
    calls: Counter = field(default_factory=Counter)
    refusals: Counter = field(default_factory=Counter)
    returns: Counter = field(default_factory=Counter)  # message id -> times sent back to the outbox
    history: dict = field(default_factory=dict)  # message id -> [(seconds, why, wait)]
    started: float = field(default_factory=time.monotonic)
    report: DeliveryReport = field(default_factory=DeliveryReport)

    @property
    def ideal(self) -> float:
        return self.intros / self.limit

    def lines(self) -> list[str]:
        # Throughput of what was delivered, against the limit (all sent: ideal / time).
        share = self.sent / self.limit / self.seconds if self.seconds else 0.0
        return [
            f"{self.intros} intros, limit {self.limit:g}/s per method, {self.error_rate:.0%} injected 5xx, "
            f"pacing {'on' if self.pacing else 'off'}",
            f"  time {self.seconds:.1f} s, ideal {self.ideal:.1f} s: delivered at {share:.0%} of the limit",
            f"  outbox: sent {self.sent}, failed {self.failed}, pending {self.pending}; "
            f"Slack: lost {self.lost}, duplicated {self.duplicated}",
            "  calls to Slack: " + ", ".join(f"{k} {v}" for k, v in sorted(self.calls.items())),
            "  back to the outbox: " + ", ".join(f"{k} {v}" for k, v in sorted(self.refusals.items())),
            f"  returns per message: most {max(self.returns.values(), default=0)}, "
            f"messages returned 4+ times {sum(1 for n in self.returns.values() if n >= 4)} "
            f"(the core gives up at {self.max_attempts} attempts)",
            f"  the most returned message: {self.worst()}",
        ]

    def worst(self) -> str:
        if not self.returns:
            return "none"
        message_id, _ = self.returns.most_common(1)[0]
        return "; ".join(f"{t:.1f}s {why} +{wait:.1f}s" for t, why, wait in self.history[message_id])


class Counting:
    """The real notifier, counting why messages went back to the outbox."""

    def __init__(self, notifier: SlackNotifier, outcome: Outcome):
        self.notifier = notifier
        self.platform = notifier.platform
        self.outcome = outcome

    async def send(self, message):
        try:
            return await self.notifier.send(message)
        except RetryLater as later:
            kind = "deferred by pacer" if "waiting for" in later.error else later.error.split(" ")[0]
            self.outcome.refusals[kind] += 1
            self.outcome.returns[message.id] += 1
            moment = time.monotonic() - self.outcome.started
            self.outcome.history.setdefault(message.id, []).append((moment, kind, later.retry_after or 0.0))
            raise
        except PermanentFailure:
            self.outcome.refusals["permanent"] += 1
            raise


class NoPacing:
    """For comparison: every message told the bare Retry-After."""

    def __getitem__(self, method):
        return self

    def defer(self, ticket):
        return None

    def accepted(self):
        pass

    def refused(self, ticket, retry_after):
        return retry_after


async def fan_out(
    intros: int, limit: float, error_rate: float, pacing: bool, concurrency: int = 1, latency: float = 0.0
) -> Outcome:
    async with fake_slack() as fake:
        fake.latency = latency
        ctx = make_context("sqlite")
        outcome = Outcome(intros, limit, error_rate, pacing, ctx.settings.max_attempts)
        add_people(ctx, fake, intros, intros)
        report = await asyncio.to_thread(run_round, ctx)
        assert len(report.pairs) == intros and report.messages_queued == intros, report.summary()
        async with running_slack(ctx, fake) as slack:
            for method in LIMITED:
                fake.rate_limit(method, limit)
            fake.flaky(error_rate, set(LIMITED))
            fake.calls.clear()
            if not pacing:
                slack.adapter.notifier.pacers = NoPacing()
            worker = DeliveryWorker(
                ctx, {"slack": Counting(slack.adapter.notifier, outcome)}, concurrency=concurrency
            )
            outcome.started = time.monotonic()
            outcome.seconds = await _drive(worker, ctx, deadline=max(120.0, 6 * outcome.ideal))
        _check(ctx, fake, outcome)
    return outcome


async def _drive(worker: DeliveryWorker, ctx: Context, deadline: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        report = await worker.deliver_due()
        if report.handled == 0:
            if _counts(ctx)["pending"] == 0:
                break
            await asyncio.sleep(IDLE_SLEEP)
    return time.monotonic() - started


def _counts(ctx: Context) -> dict[str, int]:
    with ctx.uow() as uow:
        return uow.outbox.counts(default_programme(uow, ctx.settings).id)


def _check(ctx: Context, fake: FakeSlack, outcome: Outcome) -> None:
    counts = _counts(ctx)
    outcome.sent, outcome.failed, outcome.pending = counts["sent"], counts["failed"], counts["pending"]
    for call in fake.calls:
        outcome.calls[f"{call.method} {call.status}"] += 1
    per_channel = Counter(m["channel"] for messages in fake.messages.values() for m in messages)
    group_dms = [c for c, members in fake.channels.items() if len(members) == 2]
    outcome.lost = outcome.intros - sum(1 for c in group_dms if per_channel[c] >= 1)
    outcome.duplicated = sum(max(0, n - 1) for n in per_channel.values())


async def main(
    intros: int, limit: float, error_rates: list[float], pacing: bool, concurrency: int, latency: float
) -> None:
    logging.basicConfig(level=logging.ERROR)  # the worker's line per failed message would drown the figures
    print(f"Slack fan-out, machine: {machine()}; concurrency {concurrency}, latency {latency * 1000:.0f} ms")
    for rate in error_rates:
        outcome = await fan_out(intros, limit, rate, pacing, concurrency, latency)
        print("\n".join(outcome.lines()), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intros", type=int, default=2000)
    parser.add_argument("--limit", type=float, default=200.0, help="calls a second per method")
    parser.add_argument("--error-rates", type=float, nargs="+", default=[0.0, 0.05])
    parser.add_argument("--no-pacing", action="store_true", help="hand every message the bare Retry-After")
    parser.add_argument("--concurrency", type=int, default=1, help="the worker's sends in flight")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds each Slack call takes")
    args = parser.parse_args()
    asyncio.run(
        main(args.intros, args.limit, args.error_rates, not args.no_pacing, args.concurrency, args.latency)
    )

"""The delivery worker: claim due outbox messages, send each through its platform, record what happened.

A worker holds no more messages than it is sending: each of its `concurrency` lanes
(one by default) claims one message, sends it, writes its record the moment the send
returns, and only then claims the next. So a worker killed at any instant can have sent at
most `concurrency` messages it never recorded, and those are the only ones sent again.

Claims are leases, not held locks, taken in the worker's name (`owner`). A worker that
dies leaves its leases behind; another worker may take those messages once the leases run
out, and a worker starting under the same name (its successor: corridor_cli/worker_identity.py
makes sure no two live processes share one) takes them back at once, on its first round.

Sends run on the event loop; every database transaction (each claim and each record)
runs in a thread, so a slow or stalled database holds up delivery but never the loop that
answers health checks and acknowledges Slack within its 3 seconds.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from bot.config import EngineSettings
from bot.context import Context
from bot.model import OutboxMessage
from bot.ports import Notifier, PermanentFailure, RetryLater

log = logging.getLogger("corridor.delivery")

# Rate-limit waits cost no attempt, but a message still held back after two days is news
# nobody wants any more (and a sign something is wrong): it fails then.
RATE_LIMIT_PATIENCE = timedelta(days=2)
# Jitter on a platform's own Retry-After: enough to spread a crowd, never much later than asked.
RETRY_AFTER_JITTER_SECONDS = 1.0


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


class DeliveryWorker:
    def __init__(
        self,
        ctx: Context,
        notifiers: Mapping[str, Notifier],
        *,
        owner: str | None = None,
        batch: int = 50,
        concurrency: int = 1,
        rng: random.Random | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("a delivery worker sends at least one message at a time")
        self.ctx = ctx
        self.notifiers = dict(notifiers)
        # No name given: a fresh one, with no predecessor whose leases it could take back.
        self.owner = owner or f"worker-{uuid.uuid4().hex}"
        self.batch = batch
        self.concurrency = concurrency
        self.rng = rng or random.Random()
        self._predecessor_released = False

    async def deliver_due(self) -> DeliveryReport:
        """One round: up to `batch` messages that are due now, `concurrency` at a time."""
        if not self._predecessor_released:
            await asyncio.to_thread(self._release_predecessor)
        report = DeliveryReport()
        budget = [self.batch]

        async def lane() -> None:
            while budget[0] > 0:
                budget[0] -= 1
                message = await asyncio.to_thread(self._claim_one)
                if message is None:
                    return
                record = await self._send(message)
                report.add(await asyncio.to_thread(record))

        await asyncio.gather(*(lane() for _ in range(min(self.concurrency, self.batch))))
        return report

    async def drain(self, max_batches: int = 10_000) -> DeliveryReport:
        """Keep delivering until nothing is due (messages waiting on a retry time stay put)."""
        total = DeliveryReport()
        for _ in range(max_batches):
            report = await self.deliver_due()
            if report.handled == 0:
                break
            total.add(report)
        return total

    def _release_predecessor(self) -> None:
        with self.ctx.uow() as uow:
            released = uow.outbox.release_held_by(self.owner)
            uow.commit()
        self._predecessor_released = True
        if released:
            log.info("took back %d message(s) a previous %s was holding", released, self.owner)

    def _claim_one(self) -> OutboxMessage | None:
        now = self.ctx.clock.now()
        lease = now + timedelta(seconds=self.ctx.settings.delivery_lease_seconds)
        with self.ctx.uow() as uow:
            messages = uow.outbox.claim(now, lease, 1, self.owner)
            uow.commit()
        return messages[0] if messages else None

    async def _send(self, message: OutboxMessage) -> Callable[[], DeliveryReport]:
        """Sends the message; returns the record of what happened, for a thread to write."""
        notifier = self.notifiers.get(message.platform)
        try:
            if notifier is None:
                raise RetryLater(f"no {message.platform} connection is configured")
            delivered = await notifier.send(message)
        except RetryLater as problem:
            if problem.rate_limited:
                return partial(self._wait_for_rate_limit, message, problem)
            return partial(self._retry, message, problem.error, problem.retry_after)
        except PermanentFailure as problem:
            return partial(self._fail, message, problem.error)
        except Exception as problem:  # a bug or an unexpected transport error: retry, never lose
            log.exception("sending outbox message %s failed unexpectedly", message.id)
            return partial(self._retry, message, type(problem).__name__, None)
        return partial(self._mark_sent, message, delivered.ref)

    def _mark_sent(self, message: OutboxMessage, ref: str | None = None) -> DeliveryReport:
        with self.ctx.uow() as uow:
            # The platform's reference is kept so erasure can find and rewrite the posted copy.
            uow.outbox.mark_sent(_stored_id(message), self.ctx.clock.now(), ref)
            uow.commit()
        return DeliveryReport(sent=1)

    def _retry(self, message: OutboxMessage, error: str, retry_after: float | None) -> DeliveryReport:
        attempts = message.attempts + 1
        if attempts >= self.ctx.settings.max_attempts:
            return self._fail(message, f"{error} (gave up after {attempts} attempts)", attempts)
        delay = backoff(attempts, retry_after, self.ctx.settings, self.rng)
        with self.ctx.uow() as uow:
            uow.outbox.mark_retry(
                _stored_id(message), attempts, self.ctx.clock.now() + timedelta(seconds=delay), error
            )
            uow.commit()
        log.info("message %s will be retried in %.1fs: %s", message.id, delay, error)
        return DeliveryReport(retried=1)

    def _wait_for_rate_limit(self, message: OutboxMessage, problem: RetryLater) -> DeliveryReport:
        now = self.ctx.clock.now()
        if now - message.created_at > RATE_LIMIT_PATIENCE:
            return self._fail(message, f"{problem.error} (still rate limited after {RATE_LIMIT_PATIENCE})")
        delay = backoff(max(message.attempts, 1), problem.retry_after, self.ctx.settings, self.rng)
        with self.ctx.uow() as uow:
            uow.outbox.mark_retry(
                _stored_id(message), message.attempts, now + timedelta(seconds=delay), problem.error
            )
            uow.commit()
        return DeliveryReport(retried=1)

    def _fail(self, message: OutboxMessage, error: str, attempts: int | None = None) -> DeliveryReport:
        with self.ctx.uow() as uow:
            uow.outbox.mark_failed(_stored_id(message), attempts or message.attempts + 1, error)
            uow.commit()
        log.warning("message %s (%s to %s) failed: %s", message.id, message.kind, message.platform, error)
        return DeliveryReport(failed=1)


def _stored_id(message: OutboxMessage) -> int:
    # Claimed messages come out of the outbox, so only a bug could bring one without an id.
    if message.id is None:
        raise ValueError(f"outbox message {message.key!r} was never stored")
    return message.id


def backoff(attempts: int, retry_after: float | None, settings: EngineSettings, rng: random.Random) -> float:
    """When the platform says when to come back (Retry-After), that plus a little jitter so a
    crowd of waiting messages doesn't return in one burst; otherwise exponential backoff
    with jitter, capped."""
    if retry_after is not None:
        return retry_after + rng.uniform(0, min(RETRY_AFTER_JITTER_SECONDS, retry_after / 10 + 0.05))
    ceiling = min(settings.retry_cap_seconds, settings.retry_base_seconds * 2.0 ** (attempts - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)

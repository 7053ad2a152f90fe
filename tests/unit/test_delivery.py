"""The delivery worker: sent, retried when the platform says so, failed when it never will be."""

import asyncio
import random
from datetime import timedelta

from bot.config import EngineSettings
from bot.delivery import DeliveryWorker, backoff
from bot.ports import Delivered, PermanentFailure, RetryLater
from bot.rounds import run_round


class ScriptedNotifier:
    """Answers each send with the next scripted outcome: None for success, or an exception."""

    platform = "console"

    def __init__(self, *script):
        self.script = list(script)
        self.calls = []

    async def send(self, message):
        self.calls.append(message.key)
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        return Delivered()


def _queued(hospital, messages=2):
    hospital.join("amara", "clinician")
    hospital.join("ben", "manager")
    run_round(hospital.ctx)
    assert len(hospital.outbox()) == messages


def _drain(hospital, notifier):
    worker = DeliveryWorker(hospital.ctx, {"console": notifier}, rng=random.Random(1))
    return asyncio.run(worker.drain())


def test_a_rate_limited_message_waits_as_long_as_the_platform_asked(hospital):
    _queued(hospital)
    notifier = ScriptedNotifier(RetryLater("ratelimited", retry_after=30))
    report = _drain(hospital, notifier)
    assert (report.sent, report.retried) == (1, 1)
    waiting = next(m for m in hospital.outbox() if m.status.value == "pending")
    assert waiting.last_error == "ratelimited"
    assert timedelta(seconds=30) <= waiting.next_attempt_at - hospital.clock.now() <= timedelta(seconds=33)
    hospital.clock.advance(seconds=29)
    assert _drain(hospital, notifier).handled == 0
    hospital.clock.advance(seconds=5)
    assert _drain(hospital, notifier).sent == 1


def test_a_message_that_keeps_failing_ends_as_failed_with_the_error(hospital):
    _queued(hospital)
    attempts = hospital.ctx.settings.max_attempts
    notifier = ScriptedNotifier(*[None] + [RetryLater("internal_error")] * attempts)
    for _ in range(attempts + 1):
        _drain(hospital, notifier)
        hospital.clock.advance(hours=1)
    failed = [m for m in hospital.outbox() if m.status.value == "failed"]
    assert len(failed) == 1 and "internal_error (gave up after 8 attempts)" in failed[0].last_error
    assert "failed" in hospital.chat.send("olivia", "admin stats")


def test_a_permanent_refusal_fails_at_once(hospital):
    _queued(hospital)
    _drain(hospital, ScriptedNotifier(PermanentFailure("user_not_found")))
    failed = [m for m in hospital.outbox() if m.status.value == "failed"]
    assert [m.last_error for m in failed] == ["user_not_found"]


def test_a_platform_with_no_connection_keeps_its_messages_waiting(hospital):
    _queued(hospital)
    worker = DeliveryWorker(hospital.ctx, {})
    report = asyncio.run(worker.drain())
    assert report.retried == 2
    assert all("no console connection" in m.last_error for m in hospital.outbox())


def test_an_unexpected_error_is_retried_not_lost(hospital):
    _queued(hospital)
    _drain(hospital, ScriptedNotifier(ValueError("boom")))
    assert {m.status.value for m in hospital.outbox()} == {"sent", "pending"}


def test_backoff_grows_with_jitter_and_is_capped():
    settings = EngineSettings()
    rng = random.Random(7)
    delays = [backoff(n, None, settings, rng) for n in range(1, 12)]
    assert 1 <= delays[0] <= 2 and 2 <= delays[1] <= 4
    assert max(delays) <= settings.retry_cap_seconds
    assert backoff(1, 45, settings, rng) >= 45


def test_rate_limit_waits_cost_no_attempts_but_not_forever(hospital):
    _queued(hospital, messages=2)
    limits = [RetryLater("ratelimited", retry_after=60, rate_limited=True)] * 40
    notifier = ScriptedNotifier(None, *limits)
    for _ in range(20):
        _drain(hospital, notifier)
        hospital.clock.advance(minutes=2)
    waiting = next(m for m in hospital.outbox() if m.status.value == "pending")
    assert waiting.attempts == 0 and waiting.last_error == "ratelimited"
    hospital.clock.advance(days=2)
    _drain(hospital, notifier)
    failed = next(m for m in hospital.outbox() if m.status.value == "failed")
    assert "still rate limited after 2 days" in failed.last_error


def test_the_jitter_on_a_platforms_retry_after_is_small():
    settings = EngineSettings()
    rng = random.Random(3)
    waits = [backoff(1, 30, settings, rng) for _ in range(200)]
    assert min(waits) >= 30 and max(waits) <= 31


class WatchingNotifier:
    """Notes, at each send, which messages are leased and which are already marked sent."""

    platform = "console"

    def __init__(self, hospital):
        self.hospital = hospital
        self.seen = []

    async def send(self, message):
        outbox = self.hospital.outbox()
        leased = sorted(m.id for m in outbox if m.claimed_until is not None)
        self.seen.append((message.id, leased, sum(m.status.value == "sent" for m in outbox)))
        return Delivered()


def test_a_worker_holds_only_the_message_it_is_sending_and_records_it_before_the_next(hospital):
    for name in ("amara", "chloe"):
        hospital.join(name, "clinician")
    hospital.join("ben", "manager")
    hospital.chat.send("ben", "capacity 2")
    run_round(hospital.ctx)
    notifier = WatchingNotifier(hospital)
    assert asyncio.run(DeliveryWorker(hospital.ctx, {"console": notifier}).drain()).sent == 4
    assert [leased for _, leased, _ in notifier.seen] == [[sent] for sent, _, _ in notifier.seen]
    assert [already for _, _, already in notifier.seen] == list(range(4))


def test_a_restarted_worker_takes_back_its_predecessors_leases_at_once_but_not_another_workers(hospital):
    _queued(hospital)
    lease = hospital.clock.now() + timedelta(seconds=hospital.ctx.settings.delivery_lease_seconds)
    with hospital.ctx.uow() as uow:  # two workers die holding one message each
        first = uow.outbox.claim(hospital.clock.now(), lease, 1, "ward-host")
        second = uow.outbox.claim(hospital.clock.now(), lease, 1, "other-host")
        uow.commit()
    notifier = ScriptedNotifier()
    restarted = DeliveryWorker(hospital.ctx, {"console": notifier}, owner="ward-host")
    assert asyncio.run(restarted.drain()).sent == 1
    assert notifier.calls == [first[0].key]
    hospital.clock.advance(seconds=hospital.ctx.settings.delivery_lease_seconds)
    assert asyncio.run(restarted.drain()).sent == 1, "another worker's lease is waited out"
    assert notifier.calls == [first[0].key, second[0].key]

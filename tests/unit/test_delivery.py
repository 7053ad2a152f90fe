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

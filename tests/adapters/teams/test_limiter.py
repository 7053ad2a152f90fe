"""The client-side limiter keeps to Teams' documented windows, and a fan-out against a connector
that enforces them arrives whole: nothing lost, nothing twice."""

from __future__ import annotations

import pytest

from adapters.teams.limiter import PER_CONVERSATION, PER_TENANT, TeamsRateLimiter, Window
from bot.ports import RetryLater
from bot.rounds import run_round
from tests.adapters.fake_connector import Limits
from tests.adapters.teams.conftest import TeamsHospital, dev_config, person


class Timeline:
    """A clock that only moves when told, and a sleep that notes when each request may go."""

    def __init__(self):
        self.now = 0.0
        self.slots: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slots[-1] = self.now + seconds

    def limiter(self, **options) -> TeamsRateLimiter:
        return TeamsRateLimiter(clock=self.clock, sleep=self.sleep, margin=1e-9, **options)

    async def go(self, limiter, conversation, tenant="t"):
        self.slots.append(self.now)
        await limiter.acquire(conversation, tenant)


def most_in_any_window(slots: list[float], seconds: float) -> int:
    """The most requests in any window (end - seconds, end], as Teams counts them."""
    return max(sum(1 for t in slots if end - seconds < t <= end) for end in slots)


async def test_one_conversation_gets_seven_a_second_and_never_more_than_any_window_allows():
    time = Timeline()
    limiter = time.limiter(max_wait=120)
    for _ in range(70):
        await time.go(limiter, "a:chat")
    assert time.slots[:7] == pytest.approx([n / 7 for n in range(7)])  # evenly spaced, not in a burst
    assert time.slots[7] == pytest.approx(1.0)
    for window in PER_CONVERSATION:
        assert most_in_any_window(time.slots, window.seconds) <= window.requests
    assert time.slots[-1] >= 30  # the 70th waits for the 60-in-30s window


async def test_the_tenant_limit_binds_across_many_one_to_one_chats():
    time = Timeline()
    limiter = time.limiter(max_wait=60)
    for n in range(200):
        await time.go(limiter, f"a:chat-{n}")
    assert most_in_any_window(time.slots, 1.0) == 50
    assert time.slots[-1] == pytest.approx(3.98)  # 200 at one every 20 ms


async def test_a_slot_too_far_off_is_handed_back_to_the_outbox():
    time = Timeline()
    limiter = time.limiter(per_conversation=(Window(3600, 2),), max_wait=5)
    await time.go(limiter, "a:chat")
    await time.go(limiter, "a:chat")
    with pytest.raises(RetryLater) as held:
        await time.go(limiter, "a:chat")
    assert held.value.retry_after == pytest.approx(3600)
    await time.go(limiter, "a:other")  # other conversations are not held up
    assert time.slots[-1] < 0.1


def test_the_documented_limits():
    assert (Window(1, 7), Window(2, 8), Window(30, 60), Window(3600, 1800)) == PER_CONVERSATION
    assert (Window(1, 50),) == PER_TENANT


async def test_a_fan_out_against_enforced_limits_is_delivered_once_each(connector):
    """40 intros under a tenant limit of 20 a second (documented limits scaled down to keep this quick)."""
    tenant = (Window(1, 20),)
    limits = Limits(
        per_conversation=tuple((w.seconds, w.requests) for w in PER_CONVERSATION),
        per_tenant=tuple((w.seconds, w.requests) for w in tenant),
    )
    world = TeamsHospital(connector, dev_config(), limiter=TeamsRateLimiter(per_tenant=tenant))
    await world.start()
    try:
        people = [person(f"Person {n}") for n in range(40)]
        for n, who in enumerate(people):
            await world.join(who, "clinician" if n % 2 else "manager")
        connector.limits = limits  # from here on, like Teams, the connector answers 429 beyond them
        connector.calls.clear()
        run_round(world.ctx)
        report = await world.worker().drain()
    finally:
        await world.close()
    assert report.sent == 40 and report.failed == 0
    sends = connector.accepted("send")
    assert sorted(c.conversation_id for c in sends) == sorted(p.chat for p in people)  # none lost, none twice
    assert len(connector.rejected(429)) <= 2

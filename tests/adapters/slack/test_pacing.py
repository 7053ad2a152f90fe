"""The pacer spreads messages after a 429 instead of sending them all back at once."""

from __future__ import annotations

import itertools

import pytest

from adapters.slack.pacing import Pacer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_calls_go_straight_through_until_slack_refuses():
    pacer = Pacer(Clock())
    assert pacer.defer("a") is None
    pacer.accepted()
    assert pacer.defer("b") is None


def test_after_a_refusal_each_waiting_message_gets_its_own_slot():
    clock = Clock()
    pacer = Pacer(clock)
    for _ in range(20):  # Slack accepted 20 calls over the last second...
        pacer.accepted()
        clock.now += 0.05
    wait = pacer.refused("first", retry_after=1)  # ...then said 429, Retry-After: 1
    assert wait == pytest.approx(1)
    waits = [pacer.defer(n) for n in range(10)]
    assert waits == sorted(waits)
    gaps = {round(b - a, 3) for a, b in itertools.pairwise(waits)}
    assert gaps == {0.05}  # 20 a second, as Slack was accepting them
    assert waits[0] == pytest.approx(1.05)


def test_a_message_coming_back_at_its_slot_goes_through():
    clock = Clock()
    pacer = Pacer(clock)
    pacer.accepted()
    clock.now += 0.5
    pacer.accepted()
    pacer.refused("x", retry_after=2)
    wait = pacer.defer("y")
    clock.now += wait
    assert pacer.defer("y") is None
    assert pacer.defer("x") is None  # its slot (earlier) has passed too


def test_a_message_back_early_keeps_its_place():
    clock = Clock()
    pacer = Pacer(clock)
    pacer.refused("x", retry_after=3)
    clock.now += 1
    assert pacer.defer("x") == 2


def test_with_nothing_accepted_one_call_per_retry_after():
    clock = Clock()
    pacer = Pacer(clock)
    assert pacer.refused("a", retry_after=4) == 4
    assert pacer.defer("b") == 8


def test_once_the_queue_has_drained_calls_flow_freely_again():
    clock = Clock()
    pacer = Pacer(clock)
    pacer.refused("a", retry_after=1)
    pacer.defer("b")
    clock.now += 60
    assert pacer.defer("c") is None


def test_a_message_back_after_a_5xx_at_its_slot_is_not_queued_again():
    clock = Clock()
    pacer = Pacer(clock)
    pacer.refused("a", retry_after=1)
    wait = pacer.defer("m")
    for n in range(50):
        pacer.defer(n)  # a long queue behind it
    clock.now += wait
    assert pacer.defer("m") is None  # its slot: it goes, and Slack answers 500
    clock.now += 1.5  # the outbox's backoff
    assert pacer.defer("m") is None


def test_a_burst_before_the_refusal_is_not_taken_for_the_sustained_rate():
    clock = Clock()
    pacer = Pacer(clock)
    for _ in range(20):  # Slack let a burst of 20 through in 20 ms...
        pacer.accepted()
        clock.now += 0.001
    pacer.refused("first", retry_after=1)
    assert pacer.defer("next") == pytest.approx(1 + 1 / 20)  # ...which is 20 a second, not 1,000


def test_a_5xx_while_a_queue_forms_takes_a_place_in_it():
    clock = Clock()
    pacer = Pacer(clock)
    pacer.refused("a", retry_after=1)
    last = max(pacer.defer(n) for n in range(10))
    assert pacer.failed("fresh", backoff=0.7) > last  # behind everyone already waiting


def test_a_5xx_with_no_queue_is_just_the_backoff():
    clock = Clock()
    pacer = Pacer(clock)
    assert pacer.failed("x", backoff=0.7) == 0.7
    pacer.refused("a", retry_after=1)
    clock.now += pacer.defer("served")
    assert pacer.defer("served") is None  # its turn...
    assert pacer.failed("served", backoff=1.5) == 1.5  # ...and Slack failed it: no second queueing


def _accepted_at_twenty_a_second(pacer: Pacer, clock: Clock) -> None:
    for _ in range(20):
        pacer.accepted()
        clock.now += 0.05


def test_a_refusal_in_a_storm_keeps_the_rate_slack_last_accepted():
    clock = Clock()
    pacer = Pacer(clock)
    _accepted_at_twenty_a_second(pacer, clock)
    pacer.refused("first", retry_after=5)
    clock.now += 30  # still refused half a minute later, nothing accepted in the window
    pacer.refused("probe", retry_after=5)
    waits = [pacer.defer(n) for n in range(5)]
    assert {round(b - a, 3) for a, b in itertools.pairwise(waits)} == {0.05}  # not 5 s apart


def test_in_a_storm_the_queue_turns_without_calling_slack_and_flows_once_a_probe_is_accepted():
    clock = Clock()
    pacer = Pacer(clock)
    _accepted_at_twenty_a_second(pacer, clock)
    pacer.refused("first", retry_after=5)
    slots = {n: clock.now + pacer.defer(n) for n in range(200)}  # ten seconds of queue
    called = []
    storm_ends = clock.now + 60
    while len(called) < 200:
        ticket, slot = min(slots.items(), key=lambda item: item[1])
        clock.now = max(clock.now, slot)
        wait = pacer.defer(ticket)
        if wait is not None:
            slots[ticket] = clock.now + wait
            continue
        called.append((clock.now, ticket))
        if clock.now < storm_ends:
            slots[ticket] = clock.now + pacer.refused(ticket, retry_after=5)
        else:
            del slots[ticket]
            pacer.accepted()
    during_storm = [t for t, _ in called if t < storm_ends]
    assert len(during_storm) <= 60 / 5 + 1  # a probe per Retry-After, not 20 refusals a second
    after = [t for t, _ in called if t >= storm_ends]
    assert after[0] - storm_ends <= 5  # the first probe after the storm gets through...
    assert after[-1] - after[0] == pytest.approx((len(after) - 1) * 0.05, abs=0.1)  # ...then Slack's rate

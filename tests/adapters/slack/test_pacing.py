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

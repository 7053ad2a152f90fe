"""The signing keys are fetched once, kept for a day, refreshed behind the requests' backs, and a
made-up key id does not send us back to the identity provider more than once an hour."""

from __future__ import annotations

import asyncio

import pytest

from adapters.teams.signing_keys import (
    KEYS_FRESH_FOR_SECONDS,
    UNKNOWN_KEY_PAUSE_SECONDS,
    SigningKeys,
    SigningKeysUnavailable,
)
from tests.adapters.teams.fake_identity import KEY_ID, FakeIdentityProvider

METADATA = "/v1/.well-known/openidconfiguration"
JWKS = "/v1/.well-known/keys"


class Stopwatch:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.seconds += seconds


@pytest.fixture
async def identity():
    async with FakeIdentityProvider() as fake:
        yield fake


@pytest.fixture
def clock():
    return Stopwatch()


@pytest.fixture
async def keys(identity, clock):
    kept = SigningKeys(identity.metadata_url, timeout=2.0, now=clock)
    yield kept
    await kept.close()


async def asked_again(identity, times: int) -> bool:
    """Wait briefly for a background refresh to reach the loopback provider."""
    for _ in range(200):
        if len(identity.asked) >= times:
            return True
        await asyncio.sleep(0.01)
    return False


async def test_the_keys_are_fetched_once_and_kept_through_the_day(keys, identity, clock):
    first = await keys.find(KEY_ID)
    assert first is not None and first.endorsements == ("msteams", "emulator")
    clock.advance(KEYS_FRESH_FOR_SECONDS - 1)
    assert await keys.find(KEY_ID) == first
    assert identity.asked == [METADATA, JWKS]


async def test_a_day_later_old_keys_answer_at_once_while_new_ones_are_fetched(keys, identity, clock):
    await keys.find(KEY_ID)
    identity.hanging = True  # and the provider is in trouble today
    clock.advance(KEYS_FRESH_FOR_SECONDS)
    key = await asyncio.wait_for(keys.find(KEY_ID), 0.5)  # no waiting on the provider
    assert key is not None
    assert await asked_again(identity, 3)


async def test_a_new_key_appears_after_a_day(keys, identity, clock):
    await keys.find(KEY_ID)
    identity.key_id = "rotated-key"
    clock.advance(KEYS_FRESH_FOR_SECONDS)
    await keys.find(KEY_ID)  # starts the refresh
    assert await asked_again(identity, 4)
    for _ in range(200):  # the JWKS answer has arrived; let the refresh finish
        if await keys.find("rotated-key") is not None:
            break
        await asyncio.sleep(0.01)
    assert await keys.find("rotated-key") is not None


async def test_a_made_up_key_id_asks_the_provider_again_once_an_hour_at_most(keys, identity, clock):
    await keys.find(KEY_ID)
    for _ in range(5):
        assert await keys.find("made-up") is None
    assert identity.asked == [METADATA, JWKS]
    clock.advance(UNKNOWN_KEY_PAUSE_SECONDS)
    assert await keys.find("made-up") is None
    assert identity.asked == [METADATA, JWKS, METADATA, JWKS]


async def test_with_no_keys_yet_a_hanging_provider_is_given_up_on_after_the_timeout(identity, clock):
    identity.hanging = True
    keys = SigningKeys(identity.metadata_url, timeout=0.3, now=clock)
    try:
        waiting = [asyncio.ensure_future(keys.find(KEY_ID)) for _ in range(3)]
        done = await asyncio.wait_for(asyncio.gather(*waiting, return_exceptions=True), 2.0)
        assert all(isinstance(outcome, SigningKeysUnavailable) for outcome in done)
        assert identity.asked == [METADATA]  # one fetch for all three
    finally:
        await keys.close()

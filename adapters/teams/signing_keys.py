"""The public keys an identity provider signs incoming Teams tokens with, fetched without blocking.

The SDK fetches these (`_OpenIdMetadata._refresh`) with blocking `requests.get` calls and no
timeout, inside async code: while login.botframework.com hangs, the whole server hangs with
it. Here they come over aiohttp with a timeout, one fetch at a time however many requests are
waiting, and are kept for a day as the SDK keeps them. Once keys are known, a stale set is
refreshed in the background, so a slow identity provider never delays a request that old
keys can still answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from jwt.algorithms import RSAAlgorithm

log = logging.getLogger("corridor.teams")

KEYS_FRESH_FOR_SECONDS = 24 * 3600  # the SDK's own refresh interval
# A token naming a key nobody knows makes us ask again once an hour at most, as the SDK does:
# made-up key ids must not turn into a stream of requests to the identity provider.
UNKNOWN_KEY_PAUSE_SECONDS = 3600


class SigningKeysUnavailable(Exception):
    """The identity provider did not give its keys (timeout, refused, not JSON). Never holds a token."""


@dataclass(frozen=True)
class SigningKey:
    public_key: Any
    endorsements: tuple[str, ...]  # the channels this key may sign for; empty means any


class SigningKeys:
    """`await find(key_id)` gives the key, None when the provider has no such key."""

    def __init__(self, metadata_url: str, *, timeout: float, now: Callable[[], float] = time.monotonic):
        self.metadata_url = metadata_url
        self.timeout = timeout
        self._now = now
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at: float | None = None
        self._tried_at: float | None = None
        self._fetching: asyncio.Task | None = None
        self._session: aiohttp.ClientSession | None = None

    async def find(self, key_id: str) -> SigningKey | None:
        now = self._now()
        if self._fetched_at is None:
            await self._refresh()
        elif now - self._fetched_at >= KEYS_FRESH_FOR_SECONDS and not self._busy():
            self._start_fetch().add_done_callback(self._log_failure)  # the old keys answer meanwhile
        key = self._keys.get(key_id)
        if key is None and (self._tried_at is None or now - self._tried_at >= UNKNOWN_KEY_PAUSE_SECONDS):
            await self._refresh()
            key = self._keys.get(key_id)
        return key

    async def close(self) -> None:
        if self._fetching is not None:
            self._fetching.cancel()
            with contextlib.suppress(asyncio.CancelledError, SigningKeysUnavailable):
                await self._fetching
        if self._session is not None:
            await self._session.close()

    async def _refresh(self) -> None:
        # Shielded: one caller giving up must not cancel the fetch others are waiting on.
        await asyncio.shield(self._start_fetch())

    def _busy(self) -> bool:
        return self._fetching is not None and not self._fetching.done()

    def _start_fetch(self) -> asyncio.Task:
        if self._fetching is None or self._fetching.done():
            self._fetching = asyncio.get_running_loop().create_task(self._fetch())
        return self._fetching

    def _log_failure(self, task: asyncio.Task) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.warning(
                "could not refresh Teams signing keys (%s); the known ones still serve", task.exception()
            )

    async def _fetch(self) -> None:
        self._tried_at = self._now()
        try:
            async with asyncio.timeout(self.timeout):
                metadata = await self._get_json(self.metadata_url)
                jwks = await self._get_json(metadata["jwks_uri"])
            keys = _parse(jwks["keys"])
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError) as problem:
            reason = "timed out" if isinstance(problem, TimeoutError) else type(problem).__name__
            raise SigningKeysUnavailable(reason) from None
        self._keys = keys
        self._fetched_at = self._now()

    async def _get_json(self, url: str) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.get(url) as response:
            response.raise_for_status()
            return await response.json(content_type=None)


def _parse(jwks: list[dict]) -> dict[str, SigningKey]:
    keys = {}
    for jwk in jwks:
        try:
            keys[jwk["kid"]] = SigningKey(
                RSAAlgorithm.from_jwk(json.dumps(jwk)), tuple(jwk.get("endorsements") or ())
            )
        except Exception:  # one odd key (another kty, no kid) must not cost the others
            continue
    return keys

"""Slack's request signature, checked on the raw bytes before anything reads them.

Slack signs "v0:{X-Slack-Request-Timestamp}:{body}" with HMAC-SHA256 under the app's
signing secret and refuses nothing older than five minutes itself, so neither do we.
The check comes first because anyone can reach the endpoint: a body nobody signed is
never parsed, so it can neither raise nor fill the log.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass

WINDOW_SECONDS = 5 * 60
# Far more than any real slash command or click; more is refused before it is hashed.
MAX_BODY_BYTES = 256 * 1024


class Unsigned(Exception):
    """The reason is a fixed phrase: it never holds the body or the headers' values."""

    def __init__(self, reason: str, status: int = 401):
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Signed:
    signature: str
    timestamp: int


def verify(headers: Mapping[str, str], body: bytes, secret: str, now: Callable[[], float]) -> Signed:
    if len(body) > MAX_BODY_BYTES:
        raise Unsigned("the body is too large", status=413)
    stamp = headers.get("X-Slack-Request-Timestamp")
    signature = headers.get("X-Slack-Signature")
    if not stamp or not signature:
        raise Unsigned("no signature headers")
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
        raise Unsigned("the timestamp is not a number")
    timestamp = int(stamp)
    if abs(now() - timestamp) > WINDOW_SECONDS:
        raise Unsigned("the timestamp is outside the five-minute window")
    expected = (
        "v0=" + hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    )
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        raise Unsigned("the signature does not match")
    return Signed(signature, timestamp)

"""What a failed Bot Connector call means for the outbox: try again later, or give up.

Teams asks bots to retry 429, 412, 502 and 504 (and 503) with backoff, honouring
Retry-After; the SDK does neither, so the outbox does. A 403 or 404 means the app was
removed or blocked, or the person left the tenant: retrying cannot fix that.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from msrest.exceptions import ClientRequestError, HttpOperationError

from bot.ports import PermanentFailure, RetryLater

# 401 too: a token the service rejected is usually an expiring secret or a clock problem, and
# the retries give an administrator time to put it right before the message is given up.
RETRY = {401, 408, 412, 429}


def classify(error: Exception) -> RetryLater | PermanentFailure | None:
    """The outbox's reading of an exception from the SDK; None when it is not a transport error."""
    if isinstance(error, HttpOperationError) and error.response is not None:
        return _http(error)
    if isinstance(error, ClientRequestError | TimeoutError | ConnectionError):
        return RetryLater(f"Teams could not be reached: {type(error).__name__}: {error}")
    return None


def _http(error: HttpOperationError) -> RetryLater | PermanentFailure:
    response = error.response
    status = response.status_code
    description = f"Teams answered HTTP {status} {_error_code(response)}".rstrip()
    if status in RETRY or status >= 500:
        wait = retry_after(response.headers.get("Retry-After"))
        return RetryLater(description, wait, rate_limited=status == 429)
    return PermanentFailure(description)


def _error_code(response) -> str:
    """The Bot Framework's error code, or Teams' subCode (e.g. MessageWritesBlocked), and message."""
    try:
        body = json.loads(response.text or "{}")
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    if isinstance(body.get("error"), dict):
        error = body["error"]
        return f"{error.get('code', '')}: {error.get('message', '')}".strip(": ")
    inner = body.get("message", "")
    try:
        inner = json.loads(inner)
    except (TypeError, ValueError):
        return f"{body.get('errorCode', '')}: {inner}".strip(": ")
    if isinstance(inner, dict):
        return f"{inner.get('subCode', '')}: {inner.get('details', '')}".strip(": ")
    return str(inner)


def retry_after(value: str | None) -> float | None:
    """Retry-After as seconds from now: either a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())

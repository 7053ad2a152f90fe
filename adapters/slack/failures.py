"""What a Slack failure means for the outbox: come back later, or give up now.

Slack's own error code always goes into the text, so `corridor status` shows e.g.
"user_not_found (conversations.open)" rather than a stack trace.
"""

from __future__ import annotations

import asyncio

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.ports import PermanentFailure, RetryLater

# ok:false codes that are Slack having a bad moment, not a problem with the message.
TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
# Everything else with ok:false (user_not_found, channel_not_found, not_in_channel,
# account_inactive, invalid_auth, ...) will fail the same way however often it is retried.

# Errors that mean this person can't be messaged at all, though their partner may be.
UNREACHABLE = frozenset(
    {"user_not_found", "users_not_found", "user_disabled", "account_inactive", "user_not_visible"}
)

NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError, SlackRequestError)


def failure_for(error: SlackApiError) -> RetryLater | PermanentFailure:
    response = error.response
    status = response.status_code
    code = error_code(error)
    where = f" ({method_of(response.api_url)})"
    if status == 429:
        return RetryLater(
            f"ratelimited{where}: HTTP 429", retry_after_of(response.headers), rate_limited=True
        )
    if status >= 500 or status == 408:
        return RetryLater(f"{code or 'server_error'}{where}: HTTP {status}")
    if code in TRANSIENT:
        limited = code == "ratelimited"
        return RetryLater(f"{code}{where}", retry_after_of(response.headers), rate_limited=limited)
    return PermanentFailure(f"{code or f'http_{status}'}{where}")


def unreachable(failure: PermanentFailure) -> bool:
    """Slack refused because this person can't be messaged at all (the code leads the error)."""
    return failure.error.split(" ", 1)[0] in UNREACHABLE


def network_failure(error: BaseException) -> RetryLater:
    detail = str(error).strip()
    return RetryLater(f"{type(error).__name__}{': ' + detail[:200] if detail else ''}")


def error_code(error: SlackApiError) -> str | None:
    data = error.response.data
    return data.get("error") if isinstance(data, dict) else None


def method_of(api_url: str) -> str:
    return api_url.rstrip("/").rsplit("/", 1)[-1]


def retry_after_of(headers) -> float | None:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                return None
    return None

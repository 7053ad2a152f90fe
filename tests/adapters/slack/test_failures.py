"""Which Slack failures the outbox retries, which it gives up on, and what it records."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.failures import failure_for
from bot.ports import PermanentFailure, RetryLater


def slack_error(status: int, data, headers: dict | None = None) -> SlackApiError:
    response = AsyncSlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data=data,
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError("failed", response)


@pytest.mark.parametrize(
    ("status", "data", "headers", "kind", "text", "retry_after"),
    [
        (
            429,
            {"ok": False, "error": "ratelimited"},
            {"Retry-After": "30"},
            RetryLater,
            "ratelimited (chat.postMessage): HTTP 429",
            30.0,
        ),
        (429, {}, {}, RetryLater, "ratelimited (chat.postMessage): HTTP 429", None),
        (
            503,
            {"ok": False, "error": "service_unavailable"},
            {},
            RetryLater,
            "service_unavailable (chat.postMessage): HTTP 503",
            None,
        ),
        (502, "<html>Bad gateway</html>", {}, RetryLater, "server_error (chat.postMessage): HTTP 502", None),
        (408, {}, {}, RetryLater, "server_error (chat.postMessage): HTTP 408", None),
        (
            200,
            {"ok": False, "error": "ratelimited"},
            {"retry-after": "2"},
            RetryLater,
            "ratelimited (chat.postMessage)",
            2.0,
        ),
        (200, {"ok": False, "error": "fatal_error"}, {}, RetryLater, "fatal_error (chat.postMessage)", None),
        (
            200,
            {"ok": False, "error": "user_not_found"},
            {},
            PermanentFailure,
            "user_not_found (chat.postMessage)",
            None,
        ),
        (
            200,
            {"ok": False, "error": "not_in_channel"},
            {},
            PermanentFailure,
            "not_in_channel (chat.postMessage)",
            None,
        ),
        (
            200,
            {"ok": False, "error": "invalid_auth"},
            {},
            PermanentFailure,
            "invalid_auth (chat.postMessage)",
            None,
        ),
        (400, {}, {}, PermanentFailure, "http_400 (chat.postMessage)", None),
    ],
)
def test_failure_for(status, data, headers, kind, text, retry_after):
    failure = failure_for(slack_error(status, data, headers))
    assert type(failure) is kind
    assert failure.error == text
    if kind is RetryLater:
        assert failure.retry_after == retry_after

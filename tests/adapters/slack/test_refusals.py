"""Anyone can reach /slack/events: what nobody signed is refused before it is read, quietly,
and what Slack signed but Corridor cannot use is a 400, never a 500 or a traceback."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode

import pytest

from tests.adapters.slack.conftest import CLINICIANS
from tests.adapters.slack.slack_side import FORM, signature_headers

AMARA = CLINICIANS[0][0]
NOW = str(int(time.time()))
NESTED = "[" * 50_000 + "]" * 50_000
SECRET_WORD = "Ward7Diazepam"  # a word that must never reach the log

UNSIGNED = {
    "a non-numeric timestamp": (
        f"command=/coffee&user_id={AMARA}&text={SECRET_WORD}",
        FORM,
        {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"},
    ),
    "a malformed body": (
        f"payload=%7B%22type%22%3A{SECRET_WORD}",
        FORM,
        {"X-Slack-Request-Timestamp": NOW, "X-Slack-Signature": "v0=" + "ab" * 32},
    ),
    "deeply nested JSON": (
        NESTED,
        "application/json",
        {"X-Slack-Request-Timestamp": NOW, "X-Slack-Signature": "v0=" + "cd" * 32},
    ),
    "missing headers": (json.dumps({"type": "event_callback", "text": SECRET_WORD}), "application/json", {}),
}


def refusal_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("corridor")]


@pytest.mark.parametrize("shape", list(UNSIGNED))
async def test_forty_unsigned_requests_get_401_one_quiet_line_and_no_traceback(slack, caplog, shape):
    body, content_type, headers = UNSIGNED[shape]
    caplog.set_level(logging.INFO)
    statuses = [
        (await slack.side.post(body, content_type, headers={"X-Test": "1", **headers})).status
        for _ in range(40)
    ]
    await slack.adapter.idle()

    assert statuses == [401] * 40
    lines = refusal_lines(caplog)
    assert len(lines) == 1  # the other 39 are counted, not written
    assert lines[0].levelno == logging.WARNING
    assert "refused with 401" in lines[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)
    assert SECRET_WORD not in caplog.text
    assert slack.fake.calls_to("users.info") == []


def interaction(**fields) -> str:
    payload = {
        "type": "block_actions",
        "user": {"id": AMARA, "team_id": "T0HOSPITAL"},
        "actions": [{"action_id": "corridor:button:0", "value": "status"}],
        "response_url": "http://127.0.0.1:9/nowhere",
        **fields,
    }
    return urlencode({"payload": json.dumps(payload)})


SIGNED_MALFORMED = {
    "payload not JSON": ("payload=%7Bnot-json", FORM),
    "payload a list": (urlencode({"payload": "[1, 2]"}), FORM),
    "payload without a type": (urlencode({"payload": "{}"}), FORM),
    "payload nested deeply": (urlencode({"payload": '{"type":' + "[" * 5000 + "]" * 5000 + "}"}), FORM),
    "click without a user": (interaction(user=None), FORM),
    "user a string": (interaction(user=AMARA), FORM),
    "user id a number": (interaction(user={"id": 7}), FORM),
    "user id a page long": (interaction(user={"id": "U" * 5000}), FORM),
    "user id with a newline": (interaction(user={"id": "U0\nADMIN"}), FORM),
    "command user id a page long": (f"command=%2Fcoffee&user_id={'U' * 300}", FORM),
    "actions a string": (interaction(actions="status"), FORM),
    "actions empty": (interaction(actions=[]), FORM),
    "an action a number": (interaction(actions=[1]), FORM),
    "a value a number": (interaction(actions=[{"action_id": "corridor:button:0", "value": 5}]), FORM),
    "an option a string": (interaction(actions=[{"action_id": "x", "selected_option": "St Mary's"}]), FORM),
    "an option's value a list": (interaction(actions=[{"selected_option": {"value": ["a"]}}]), FORM),
    "container a string": (interaction(container="view"), FORM),
    "channel a list": (interaction(channel=["C1"]), FORM),
    "team a number": (interaction(team=1), FORM),
    "response_url a dict": (interaction(response_url={"x": 1}), FORM),
    "authorizations of numbers": (interaction(authorizations=[5]), FORM),
    "command without a user": ("command=%2Fcoffee&text=status", FORM),
    "form that is no command": ("text=status&user_id=U1", FORM),
    "not UTF-8": ("command=/coffee&text=\udcff", FORM),
    "JSON null": ("null", "application/json"),
    "JSON a string": ('"event"', "application/json"),
    "event without a type": ('{"event": {}}', "application/json"),
    "event callback without event": ('{"type": "event_callback"}', "application/json"),
    "event a list": ('{"type": "event_callback", "event": []}', "application/json"),
    "event user a number": (
        '{"type": "event_callback", "event": {"type": "app_home_opened", "user": 5}}',
        "application/json",
    ),
    "event without a user": (
        '{"type": "event_callback", "event_id": "Ev9", "event": {"type": "app_home_opened"}}',
        "application/json",
    ),
    "challenge a number": ('{"type": "url_verification", "challenge": 5}', "application/json"),
    "event id a dict": (
        '{"type": "event_callback", "event_id": {}, "event": {"type": "x"}}',
        "application/json",
    ),
}


async def test_signed_but_malformed_payloads_get_400_and_never_a_traceback(slack, caplog):
    caplog.set_level(logging.INFO)
    answers = {}
    for shape, (body, content_type) in SIGNED_MALFORMED.items():
        raw = body.encode("utf-8", "surrogateescape")
        headers = {"Content-Type": content_type, **signature_headers(raw.decode("latin-1"))}
        if shape == "not UTF-8":
            headers = {"Content-Type": content_type, **_signed_bytes(raw)}
        async with slack.side.session.post(slack.side.events_url, data=raw, headers=headers) as response:
            answers[shape] = response.status
    await slack.adapter.idle()

    assert {s: a for s, a in answers.items() if a != 400} == {}
    assert not any(r.exc_info for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def _signed_bytes(raw: bytes) -> dict:
    import hashlib
    import hmac

    from tests.adapters.slack.slack_side import SIGNING_SECRET

    stamp = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{stamp}:".encode() + raw, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}

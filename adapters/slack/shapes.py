"""A signed body read into the dict Bolt expects, or refused as Malformed.

Slack sends three kinds of body: a slash command (form fields), an interaction (a form
field `payload` holding JSON) and an event (JSON). Only the fields Corridor reads are
checked, for their type, so that a payload Slack never sends (or a new kind it does) is
a 400, not an exception later.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

# Slack's payloads nest a few levels; this is room enough, and no parser recursion to trip.
MAX_DEPTH = 32
# Slack's ids are a dozen characters; the core keeps up to 255 (bot.context.ID_LIMIT).
MAX_ID = 255


class Malformed(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def parse(raw: bytes, content_type: str) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("the body is not UTF-8") from None
    if content_type == "application/json" or text.startswith("{"):
        body = _json(text)
        _check_event(body)
        return body
    fields = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in fields:
        body = _json(fields["payload"])
        _check_interaction(body)
        return body
    _check_command(fields)
    return fields


def _json(text: str) -> dict[str, Any]:
    if _too_deep(text):
        raise Malformed("the JSON is nested too deeply")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise Malformed("the body is not JSON") from None
    if not isinstance(value, dict):
        raise Malformed("the JSON is not an object")
    return value


def _too_deep(text: str) -> bool:
    # Counted on the text before parsing; brackets inside strings only make this stricter.
    depth = 0
    for char in text:
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _check_command(fields: dict[str, str]) -> None:
    if not fields.get("command", "").startswith("/"):
        raise Malformed("a form body that is neither a command nor an interaction")
    if not fields.get("user_id"):
        raise Malformed("a command without a user")
    for name in ("user_id", "team_id", "channel_id"):
        _id(fields, name)


def _check_interaction(body: dict[str, Any]) -> None:
    _typed(body, "type", str, required=True)
    for name in ("user", "container", "channel", "team", "view", "message"):
        _typed(body, name, dict)
    for name in ("response_url", "trigger_id", "api_app_id"):
        _typed(body, name, str)
    if body["type"] != "block_actions":
        return
    user = body.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str) or not user["id"]:
        raise Malformed("a click without a user")
    for name in ("team_id", "name", "username"):
        _typed(user, name, str)
    _id(user, "id")
    _id(user, "team_id")
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or not all(isinstance(a, dict) for a in actions):
        raise Malformed("a click without actions")
    for action in actions:
        _typed(action, "action_id", str)
        _typed(action, "value", str)
        _typed(action, "selected_option", dict)
        _typed(action.get("selected_option") or {}, "value", str)
    _typed(body.get("container") or {}, "type", str)
    _id(body.get("channel") or {}, "id")
    _id(body.get("team") or {}, "id")


def _check_event(body: dict[str, Any]) -> None:
    _typed(body, "type", str, required=True)
    if body["type"] == "url_verification":
        _typed(body, "challenge", str, required=True)
        return
    _typed(body, "team_id", str)
    _typed(body, "event_id", str)
    _typed(body, "authorizations", list)
    if body["type"] != "event_callback":
        return
    _typed(body, "event", dict, required=True)
    event = body["event"]
    _typed(event, "type", str, required=True)
    for name in ("user", "tab", "channel"):
        _typed(event, name, str)
    if event["type"] == "app_home_opened":
        _typed(event, "user", str, required=True)
        _id(event, "user")
    _id(body, "team_id")


def _id(where: dict[str, Any], name: str) -> None:
    value = where.get(name)
    if value is None:
        return
    if not isinstance(value, str) or len(value) > MAX_ID or not value.isprintable():
        raise Malformed(f"{name} is not an id")


def _typed(where: dict[str, Any], name: str, kind: type, *, required: bool = False) -> None:
    value = where.get(name)
    if value is None:
        if required:
            raise Malformed(f"no {name}")
        return
    if not isinstance(value, kind):
        raise Malformed(f"{name} has the wrong type")

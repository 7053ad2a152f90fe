"""Slack settings read from the environment: which tokens, which mode, which API, which organisers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.errors import CorridorError

DEFAULT_API_URL = "https://slack.com/api/"
PLATFORM = "slack"
# Slack's ids: people start with U (or W in Enterprise Grid), conversations with C, G or D.
USER_ID = re.compile(r"^[UW][A-Z0-9]+$")
CHANNEL = re.compile(r"^[CGD][A-Z0-9]+$")


@dataclass(frozen=True, repr=False)
class SlackConfig:
    bot_token: str
    app_token: str | None = None
    signing_secret: str | None = None
    api_url: str = DEFAULT_API_URL
    organisers: frozenset[str] = frozenset()
    digest_channel: str | None = None
    # None: the composition root chooses by database (corridor_cli/wiring.py, bench/RESULTS.md).
    core_threads: int | None = None

    @property
    def socket_mode(self) -> bool:
        """An app-level token means Socket Mode: no public URL, which suits a hospital network."""
        return self.app_token is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SlackConfig | None:
        """None when SLACK_BOT_TOKEN is unset: Slack is simply not switched on."""
        bot_token = _get(env, "SLACK_BOT_TOKEN")
        if bot_token is None:
            return None
        if not bot_token.startswith("xoxb-"):
            raise CorridorError("SLACK_BOT_TOKEN should be the app's bot token, which starts with xoxb-.")
        app_token = _get(env, "SLACK_APP_TOKEN")
        if app_token is not None and not app_token.startswith("xapp-"):
            raise CorridorError(
                "SLACK_APP_TOKEN should be an app-level token (starts with xapp-) with connections:write; "
                "unset it to run in HTTP mode."
            )
        signing_secret = _get(env, "SLACK_SIGNING_SECRET")
        if app_token is None and signing_secret is None:
            raise CorridorError(
                "SLACK_SIGNING_SECRET is required in HTTP mode (no SLACK_APP_TOKEN set): copy it from the "
                "app's Basic Information page, or set SLACK_APP_TOKEN to use Socket Mode."
            )
        return cls(
            bot_token=bot_token,
            app_token=app_token,
            signing_secret=signing_secret,
            api_url=_with_slash(_get(env, "CORRIDOR_SLACK_API_URL") or DEFAULT_API_URL),
            organisers=organisers_from_env(env),
            digest_channel=digest_channel_from_env(env),
            core_threads=_threads(_get(env, "CORRIDOR_SLACK_CORE_THREADS")),
        )

    def __repr__(self) -> str:
        # Secrets never reach logs or tracebacks: say only whether each is set.
        return (
            f"SlackConfig(mode={'socket' if self.socket_mode else 'http'}, "
            f"bot_token={_mask(self.bot_token)}, "
            f"app_token={_mask(self.app_token)}, signing_secret={_mask(self.signing_secret)}, "
            f"api_url={self.api_url!r}, organisers={sorted(self.organisers)!r}, "
            f"digest_channel={self.digest_channel!r}, core_threads={self.core_threads})"
        )

    __str__ = __repr__


def organisers_from_env(env: Mapping[str, str]) -> frozenset[str]:
    """CORRIDOR_SLACK_ORGANISERS, read by this one rule whether or not Slack is switched on."""
    ids = _ids(_get(env, "CORRIDOR_SLACK_ORGANISERS") or "")
    wrong = [i for i in ids if not USER_ID.match(i)]
    if wrong:
        raise CorridorError(
            f"CORRIDOR_SLACK_ORGANISERS should be Slack member ids like U0123ABCD, comma-separated; "
            f"'{wrong[0][:40]}' is not one (a profile's ⋮ menu has 'Copy member ID')."
        )
    return frozenset(ids)


def digest_channel_from_env(env: Mapping[str, str]) -> str | None:
    channel = _get(env, "CORRIDOR_SLACK_DIGEST_CHANNEL")
    if channel is not None and not CHANNEL.match(channel):
        raise CorridorError(
            "CORRIDOR_SLACK_DIGEST_CHANNEL should be a channel id like C0123ABCD (the channel's "
            f"details show it), not '{channel[:40]}'; or type `/coffee admin channel here` in the channel."
        )
    return channel


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = (env.get(name) or "").strip()
    return value or None


def _with_slash(url: str) -> str:
    # slack_sdk joins method names onto the base URL, which needs its trailing slash.
    return url if url.endswith("/") else url + "/"


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _threads(text: str | None) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 32:
        raise CorridorError("CORRIDOR_SLACK_CORE_THREADS should be a whole number from 1 to 32.")
    return int(text)


def _mask(secret: str | None) -> str:
    return "'(set)'" if secret else "None"

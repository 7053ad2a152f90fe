"""Every setting, read from the environment (and an optional .env), checked, with its default.

A bad value stops the program with one line naming the variable and what it should be.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from adapters.slack.config import digest_channel_from_env
from adapters.slack.config import organisers_from_env as slack_organisers
from adapters.teams.config import organisers_from_env as teams_organisers
from bot.config import EngineSettings
from bot.errors import CorridorError

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

DEFAULTS = {
    "CORRIDOR_DATABASE_URL": "sqlite:///corridor.db",
    "CORRIDOR_TIMEZONE": "Europe/London",
    "CORRIDOR_PROGRAMME_NAME": "Corridor",
    "CORRIDOR_ROUND_DAY": "monday",
    "CORRIDOR_ROUND_TIME": "09:00",
    "CORRIDOR_DIGEST_TIME": "09:00",
    "CORRIDOR_FOLLOWUP_AFTER_DAYS": "3",
    "CORRIDOR_AUTO_PAUSE_AFTER_ROUNDS": "3",
    "CORRIDOR_REPEAT_WINDOW": "12",
    "CORRIDOR_MAX_ATTEMPTS": "8",
    "CORRIDOR_OUTBOX_RETENTION_DAYS": "30",
    "CORRIDOR_LEAVER_RETENTION_DAYS": "90",
    "CORRIDOR_DELIVERY_INTERVAL_SECONDS": "2",
    "CORRIDOR_DELIVERY_CONCURRENCY": "1",
    "CORRIDOR_PORT": "3000",
    "CORRIDOR_LOG_LEVEL": "INFO",
}


@dataclass(frozen=True)
class Settings:
    database_url: str
    port: int
    log_level: str
    delivery_interval: float
    engine: EngineSettings
    env: Mapping[str, str]
    # Where the erasure register's key lives; None: beside a SQLite file (corridor_cli/erasure_key.py).
    erasure_key_file: str | None = None
    # Messages the delivery worker sends at once: a worker killed mid-send repeats at most these.
    delivery_concurrency: int = 1
    # The name the worker's outbox leases carry (storage/worker_names.py): the host's by default.
    worker_name: str = field(default_factory=socket.gethostname)


def load(env: Mapping[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    value = {name: (env.get(name) or default).strip() for name, default in DEFAULTS.items()}
    engine = EngineSettings(
        programme_name=value["CORRIDOR_PROGRAMME_NAME"],
        timezone=_zone(value["CORRIDOR_TIMEZONE"]),
        repeat_window=_int(value, "CORRIDOR_REPEAT_WINDOW", 0, 104),
        round_weekday=_day(value["CORRIDOR_ROUND_DAY"]),
        round_time=_time(value, "CORRIDOR_ROUND_TIME"),
        digest_time=_time(value, "CORRIDOR_DIGEST_TIME"),
        followup_after_days=_int(value, "CORRIDOR_FOLLOWUP_AFTER_DAYS", 1, 6),
        auto_pause_after_rounds=_int(value, "CORRIDOR_AUTO_PAUSE_AFTER_ROUNDS", 0, 52),
        max_attempts=_int(value, "CORRIDOR_MAX_ATTEMPTS", 1, 50),
        outbox_retention_days=_int(value, "CORRIDOR_OUTBOX_RETENTION_DAYS", 1, 3650),
        leaver_retention_days=_int(value, "CORRIDOR_LEAVER_RETENTION_DAYS", 1, 3650),
        digest_channels=_channels(env),
        organisers=_organisers(env),
    )
    port = _int(value, "CORRIDOR_PORT", 1, 65535)
    engine = replace(engine, public_url=_public_url(env.get("CORRIDOR_PUBLIC_URL"), port))
    level = value["CORRIDOR_LOG_LEVEL"].upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise CorridorError(f"CORRIDOR_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not '{level}'.")
    return Settings(
        database_url=value["CORRIDOR_DATABASE_URL"],
        port=port,
        log_level=level,
        delivery_interval=_float(value, "CORRIDOR_DELIVERY_INTERVAL_SECONDS", 0.1, 3600),
        engine=engine,
        env=env,
        erasure_key_file=(env.get("CORRIDOR_ERASURE_KEY_FILE") or "").strip() or None,
        delivery_concurrency=_int(value, "CORRIDOR_DELIVERY_CONCURRENCY", 1, 16),
        worker_name=_worker_name(env.get("CORRIDOR_WORKER_NAME")),
    )


def _int(value: dict[str, str], name: str, low: int, high: int) -> int:
    text = value[name]
    if not re.fullmatch(r"\d+", text) or not low <= int(text) <= high:
        raise CorridorError(f"{name} must be a whole number from {low} to {high}, not '{text}'.")
    return int(text)


def _float(value: dict[str, str], name: str, low: float, high: float) -> float:
    try:
        number = float(value[name])
    except ValueError:
        number = -1.0
    if not low <= number <= high:
        raise CorridorError(f"{name} must be a number of seconds from {low} to {high}, not '{value[name]}'.")
    return number


def _worker_name(text: str | None) -> str:
    name = (text or "").strip() or socket.gethostname() or "corridor"
    if len(name) > 200 or not name.isprintable():
        raise CorridorError(
            "CORRIDOR_WORKER_NAME must be printable text of at most 200 characters, such as the host's name."
        )
    return name


def _time(value: dict[str, str], name: str) -> time:
    try:
        return time.fromisoformat(value[name])
    except ValueError:
        raise CorridorError(f"{name} must be a time like 09:00, not '{value[name]}'.") from None


def _day(text: str) -> int:
    if text.lower() not in DAYS:
        raise CorridorError(f"CORRIDOR_ROUND_DAY must be a day of the week such as monday, not '{text}'.")
    return DAYS.index(text.lower())


def _zone(text: str) -> ZoneInfo:
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise CorridorError(
            f"CORRIDOR_TIMEZONE must be a timezone name like Europe/London, not '{text}'."
        ) from None


def _ids(text: str | None) -> frozenset[str]:
    return frozenset(part.strip() for part in (text or "").split(",") if part.strip())


def _organisers(env: Mapping[str, str]) -> dict[str, frozenset[str]]:
    # Each platform's own config reads its organisers, by its own rule; the engine gets a copy.
    return {
        "slack": slack_organisers(env),
        "teams": teams_organisers(env),
        "console": _ids(env.get("CORRIDOR_CONSOLE_ORGANISERS")),
    }


def _channels(env: Mapping[str, str]) -> dict[str, str]:
    channel = digest_channel_from_env(env)
    return {"slack": channel} if channel else {}


def _public_url(text: str | None, port: int) -> str:
    """Where organisers' browsers reach `corridor serve`; sign-in links start with it."""
    text = (text or "").strip() or f"http://localhost:{port}"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - reading it checks the port is a number in range
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise CorridorError(
            f"CORRIDOR_PUBLIC_URL must be the address organisers open, starting http:// or https://, "
            f"such as https://corridor.trust.nhs.uk, not '{text}'."
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise CorridorError(
            f"CORRIDOR_PUBLIC_URL must be a plain address with no user, ?query or #fragment, not '{text}'."
        )
    return text.rstrip("/")

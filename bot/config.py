"""Engine settings as a plain value; the composition root fills it from the environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class EngineSettings:
    programme_name: str = "Corridor"
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    repeat_window: int = 12
    round_weekday: int = 0  # Monday
    round_time: time = time(9, 0)
    digest_time: time = time(9, 0)
    followup_after_days: int = 3
    # Rounds in a row with no answer before Corridor pauses someone, kindly; 0 turns it off.
    auto_pause_after_rounds: int = 3
    max_attempts: int = 8
    retry_base_seconds: float = 2.0
    retry_cap_seconds: float = 900.0
    delivery_lease_seconds: float = 120.0
    outbox_retention_days: int = 30
    leaver_retention_days: int = 90
    # Platforms where one conversation can hold both people and the bot (a Slack group DM).
    group_intro_platforms: frozenset[str] = frozenset({"slack"})
    # Digest channels set in configuration, by platform; an organiser's `admin channel here` wins.
    digest_channels: dict[str, str] = field(default_factory=dict)
    organisers: dict[str, frozenset[str]] = field(default_factory=dict)
    # Where organisers reach the dashboard; sign-in links start with it.
    public_url: str = "http://localhost:3000"

    def is_organiser(self, platform: str, user_id: str) -> bool:
        return user_id in self.organisers.get(platform, frozenset())

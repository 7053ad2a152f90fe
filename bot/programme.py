"""The programme's own settings: what organisers change on the dashboard, read by every job.

The environment seeds each one; once an organiser has saved the Settings page, the stored
value wins. They are read afresh each time they are needed, so a change takes effect at the
next round, follow-up sweep or digest without a restart.

All of them live under one key of the programme's key/value settings, as one JSON object,
so a save writes every field or none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import EngineSettings
from bot.model import Programme
from bot.ports import UnitOfWork
from bot.weeks import monday_of, month_bounds, week_of

SETTINGS_KEY = "programme_settings"
CADENCES = (1, 2, 4)


@dataclass(frozen=True)
class ProgrammeSettings:
    name: str
    round_weekday: int  # 0 is Monday
    round_time: time
    cadence_weeks: int
    # The ISO week the cadence counts from; None means every week is a round week.
    cadence_from: str | None
    followup_after_days: int
    repeat_window: int
    # The digest goes on the first weekday on or after this day of the month.
    digest_day: int
    digest_time: time
    timezone: ZoneInfo
    organisers: dict[str, frozenset[str]] = field(default_factory=dict)
    # False while the organisers are still the ones the environment gave.
    organisers_saved: bool = False
    # The relationship pulse comes round this many months after the baseline (0: never asked).
    pulse_every_months: int = 3

    def is_organiser(self, platform: str, user_id: str, *, vouched: bool = False) -> bool:
        """``vouched`` is the chat adapter's own view from its configuration: it counts only
        until the dashboard has saved a list, after which the saved list alone decides."""
        listed = user_id.casefold() in {o.casefold() for o in self.organisers.get(platform, frozenset())}
        return listed or (vouched and not self.organisers_saved)

    def round_week(self, week: str) -> bool:
        """Whether a scheduled round runs in this ISO week, given the cadence."""
        if self.cadence_weeks == 1 or self.cadence_from is None:
            return True
        apart = (monday_of(week) - monday_of(self.cadence_from)).days // 7
        return apart % self.cadence_weeks == 0

    def round_moment(self, week: str) -> datetime:
        day = monday_of(week) + timedelta(days=self.round_weekday)
        return datetime.combine(day, self.round_time, self.timezone)

    def next_round_after(self, now: datetime) -> datetime:
        """The first scheduled round moment later than ``now``."""
        week = week_of(now.astimezone(self.timezone).date())
        for _ in range(2 * max(CADENCES) + 1):
            moment = self.round_moment(week)
            if moment > now and self.round_week(week):
                return moment
            week = week_of(monday_of(week) + timedelta(days=7))
        raise AssertionError("a cadence always comes round within two of its longest cycles")

    def digest_date(self, month: str) -> date:
        day = month_bounds(month)[0] + timedelta(days=self.digest_day - 1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day

    def digest_moment(self, month: str) -> datetime:
        return datetime.combine(self.digest_date(month), self.digest_time, self.timezone)


def stored(uow: UnitOfWork, programme_id: int) -> dict[str, Any]:
    text = uow.settings.get(programme_id, SETTINGS_KEY)
    if not text:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def store(uow: UnitOfWork, programme_id: int, values: dict[str, Any]) -> None:
    uow.settings.put(programme_id, SETTINGS_KEY, json.dumps(values, sort_keys=True))


def effective(uow: UnitOfWork, seed: EngineSettings, programme: Programme) -> ProgrammeSettings:
    return from_values(stored(uow, programme.saved_id), seed)


def from_values(saved: dict[str, Any], seed: EngineSettings) -> ProgrammeSettings:
    organisers = saved.get("organisers")
    return ProgrammeSettings(
        name=str(saved.get("name") or seed.programme_name),
        round_weekday=int(saved.get("round_weekday", seed.round_weekday)),
        round_time=time.fromisoformat(saved["round_time"]) if "round_time" in saved else seed.round_time,
        cadence_weeks=int(saved.get("cadence_weeks", 1)),
        cadence_from=saved.get("cadence_from"),
        followup_after_days=int(saved.get("followup_after_days", seed.followup_after_days)),
        repeat_window=int(saved.get("repeat_window", seed.repeat_window)),
        digest_day=int(saved.get("digest_day", 1)),
        digest_time=seed.digest_time,
        timezone=seed.timezone,
        organisers=(
            {platform: frozenset(ids) for platform, ids in organisers.items()}
            if isinstance(organisers, dict)
            else dict(seed.organisers)
        ),
        organisers_saved=isinstance(organisers, dict),
        pulse_every_months=int(saved.get("pulse_every_months", 3)),
    )

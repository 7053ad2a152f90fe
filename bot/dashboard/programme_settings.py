"""The Settings page: the programme's name, schedule and organisers, as organisers change them.

A save checks every field first and writes all of them or none, with one audit entry naming
each change. The scheduler and the chat commands read the result at their next use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from bot.context import Context, find_programme
from bot.dashboard.audit import record
from bot.dashboard.sites import Change
from bot.model import Organiser
from bot.ports import UnitOfWork
from bot.programme import CADENCES, ProgrammeSettings, effective, store, stored
from bot.pulse import PULSE_EVERY
from bot.weeks import week_of

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CADENCE_LABELS = {1: "Every week", 2: "Every 2 weeks", 4: "Every 4 weeks"}
PLATFORMS = ("slack", "teams")
PLATFORM_LABELS = {"slack": "Slack", "teams": "Microsoft Teams", "console": "Console"}
NAME_LIMIT = 100
ORGANISER_ID = re.compile(r"[A-Za-z0-9._:@-]{1,100}")
FIELDS = (
    "name",
    "round_day",
    "round_time",
    "cadence",
    "followup_days",
    "repeat_window",
    "digest_day",
    "pulse_every",
)


@dataclass(frozen=True)
class SettingsView:
    form: dict[str, str]  # field name -> the value to show in it
    platforms: list[tuple[str, str]]  # (platform, label) with an organisers field each
    days: list[tuple[str, str]]
    cadences: list[tuple[str, str]]
    # How often the relationship pulse comes round after each person's baseline.
    pulses: list[tuple[str, str]] = field(default_factory=list)


def organisers_field(platform: str) -> str:
    return f"organisers_{platform}"


def settings_view(ctx: Context) -> SettingsView:
    with ctx.uow(read_only=True) as uow:
        chosen = effective(uow, ctx.settings, find_programme(uow, ctx.settings))
    platforms = _platforms(chosen)
    pulses = [(str(months), label) for months, label in PULSE_EVERY.items()]
    return SettingsView(_form_of(chosen, platforms), platforms, _days(), _cadences(), pulses)


def view_with(ctx: Context, form: dict[str, str]) -> SettingsView:
    """The page again with what the organiser typed, after a mistake."""
    view = settings_view(ctx)
    return SettingsView({**view.form, **form}, view.platforms, view.days, view.cadences, view.pulses)


def save_settings(ctx: Context, who: Organiser, form: dict[str, str]) -> Change:
    with ctx.uow() as uow:
        programme = find_programme(uow, ctx.settings)
        before = effective(uow, ctx.settings, programme)
        values, problems = _checked(form, _platforms(before), who)
        if problems:
            return Change(problems=problems)
        saved = stored(uow, programme.saved_id)
        if values["pulse_every_months"] is None:
            values["pulse_every_months"] = before.pulse_every_months
        if values["cadence_weeks"] != before.cadence_weeks or "cadence_from" not in saved:
            values["cadence_from"] = _cadence_start(uow, programme.saved_id, ctx)
        else:
            values["cadence_from"] = saved["cadence_from"]
        after = _settings_of(values, before)
        changes = _differences(before, after)
        if not changes:
            return Change(done="Nothing changed: the settings were already as shown.")
        store(uow, programme.saved_id, values)
        record(uow, ctx, programme, who, "Changed the settings", "; ".join(changes))
        uow.commit()
    return Change(done=f"Saved: {'; '.join(changes)}.")


def _cadence_start(uow: UnitOfWork, programme_id: int, ctx: Context) -> str:
    # The cadence counts from the latest round, so the next one comes a full cycle after it;
    # before any round, from this week.
    latest = uow.rounds.recent(programme_id, 1)
    return latest[0].week if latest else week_of(ctx.today())


def _checked(
    form: dict[str, str], platforms: list[tuple[str, str]], who: Organiser
) -> tuple[dict[str, Any], dict[str, str]]:
    problems: dict[str, str] = {}
    values: dict[str, Any] = {}
    name = " ".join(form.get("name", "").split())
    if not name:
        problems["name"] = "Enter the programme's name, for example Corridor or Tea & Talk."
    elif len(name) > NAME_LIMIT:
        problems["name"] = f"The name can be up to {NAME_LIMIT} characters; shorten it."
    values["name"] = name
    day = form.get("round_day", "")
    if day not in {d.lower() for d in DAYS}:
        problems["round_day"] = "Choose the day of the week the round goes out."
    else:
        values["round_weekday"] = [d.lower() for d in DAYS].index(day)
    values["round_time"] = _time(form.get("round_time", ""), problems)
    values["cadence_weeks"] = _whole(form, "cadence", problems, 1, 4, "Choose how often rounds run.")
    if "cadence" not in problems and values["cadence_weeks"] not in CADENCES:
        problems["cadence"] = "Choose every week, every 2 weeks or every 4 weeks."
    values["followup_after_days"] = _whole(
        form, "followup_days", problems, 1, 6, "Enter a whole number of days from 1 to 6, for example 3."
    )
    values["repeat_window"] = _whole(
        form,
        "repeat_window",
        problems,
        0,
        104,
        "Enter a whole number of rounds from 0 to 104; 0 lets people meet again at once.",
    )
    values["digest_day"] = _whole(
        form, "digest_day", problems, 1, 28, "Enter a day of the month from 1 to 28, for example 1."
    )
    # A form without the field (a page from before it existed) leaves the pulse as it was.
    pulse = form.get("pulse_every", "").strip()
    if pulse and pulse not in {str(months) for months in PULSE_EVERY}:
        problems["pulse_every"] = "Choose how often the relationship pulse comes round, or Off."
    values["pulse_every_months"] = int(pulse) if pulse and "pulse_every" not in problems else None
    values["organisers"] = _organisers(form, platforms, problems, who)
    return values, problems


def _time(text: str, problems: dict[str, str]) -> str:
    text = text.strip()
    if re.fullmatch(r"\d{1,2}:\d{2}", text):
        hour, minute = (int(part) for part in text.split(":"))
        if hour < 24 and minute < 60:
            return time(hour, minute).strftime("%H:%M")
    problems["round_time"] = "Enter a time on the 24-hour clock, like 09:00 or 13:30."
    return ""


def _whole(form: dict[str, str], name: str, problems: dict[str, str], low: int, high: int, help: str) -> int:
    text = form.get(name, "").strip()
    if re.fullmatch(r"\d{1,3}", text) and low <= int(text) <= high:
        return int(text)
    problems[name] = help
    return 0


def _organisers(
    form: dict[str, str], platforms: list[tuple[str, str]], problems: dict[str, str], who: Organiser
) -> dict[str, list[str]]:
    chosen: dict[str, list[str]] = {}
    for platform, label in platforms:
        field = organisers_field(platform)
        ids = [part for part in re.split(r"[\s,]+", form.get(field, "")) if part]
        wrong = [i for i in ids if not ORGANISER_ID.fullmatch(i)]
        if wrong:
            problems[field] = (
                f"{wrong[0][:40]} is not a {label} user id; enter ids such as U0123ABCD, one per line."
            )
        chosen[platform] = sorted(set(ids))
    mine = organisers_field(who.platform)
    listed = {i.casefold() for i in chosen.get(who.platform, [])}
    if mine not in problems and who.user_id.casefold() not in listed:
        problems[mine] = (
            f"Your own id ({who.user_id}) must stay on the list, or you would be signed out for good; "
            "another organiser can remove you."
        )
    return chosen


def _settings_of(values: dict[str, Any], before: ProgrammeSettings) -> ProgrammeSettings:
    return ProgrammeSettings(
        name=values["name"],
        round_weekday=values["round_weekday"],
        round_time=time.fromisoformat(values["round_time"]),
        cadence_weeks=values["cadence_weeks"],
        cadence_from=values.get("cadence_from"),
        followup_after_days=values["followup_after_days"],
        repeat_window=values["repeat_window"],
        digest_day=values["digest_day"],
        digest_time=before.digest_time,
        timezone=before.timezone,
        organisers={p: frozenset(ids) for p, ids in values["organisers"].items()},
        organisers_saved=True,
        pulse_every_months=values["pulse_every_months"],
    )


def _differences(before: ProgrammeSettings, after: ProgrammeSettings) -> list[str]:
    changes = []
    if before.name != after.name:
        changes.append(f"name {before.name} → {after.name}")
    if before.round_weekday != after.round_weekday:
        changes.append(f"round day {DAYS[before.round_weekday]} → {DAYS[after.round_weekday]}")
    if before.round_time != after.round_time:
        changes.append(f"round time {before.round_time:%H:%M} → {after.round_time:%H:%M}")
    if before.cadence_weeks != after.cadence_weeks:
        was, now = CADENCE_LABELS[before.cadence_weeks], CADENCE_LABELS[after.cadence_weeks]
        changes.append(f"cadence {was.lower()} → {now.lower()}")
    if before.followup_after_days != after.followup_after_days:
        changes.append(f"follow-up after {before.followup_after_days} → {after.followup_after_days} days")
    if before.repeat_window != after.repeat_window:
        changes.append(f"repeat window {before.repeat_window} → {after.repeat_window} rounds")
    if before.digest_day != after.digest_day:
        changes.append(f"digest day {before.digest_day} → {after.digest_day}")
    if before.pulse_every_months != after.pulse_every_months:
        was, now = PULSE_EVERY[before.pulse_every_months], PULSE_EVERY[after.pulse_every_months]
        changes.append(f"relationship pulse {was.lower()} → {now.lower()}")
    for platform in sorted(set(before.organisers) | set(after.organisers)):
        old = before.organisers.get(platform, frozenset())
        new = after.organisers.get(platform, frozenset())
        label = PLATFORM_LABELS.get(platform, platform)
        if new - old:
            changes.append(f"{label} organisers added {', '.join(sorted(new - old))}")
        if old - new:
            changes.append(f"{label} organisers removed {', '.join(sorted(old - new))}")
    return changes


def _form_of(chosen: ProgrammeSettings, platforms: list[tuple[str, str]]) -> dict[str, str]:
    form = {
        "name": chosen.name,
        "round_day": DAYS[chosen.round_weekday].lower(),
        "round_time": chosen.round_time.strftime("%H:%M"),
        "cadence": str(chosen.cadence_weeks),
        "followup_days": str(chosen.followup_after_days),
        "repeat_window": str(chosen.repeat_window),
        "digest_day": str(chosen.digest_day),
        "pulse_every": str(chosen.pulse_every_months),
    }
    for platform, _ in platforms:
        form[organisers_field(platform)] = "\n".join(sorted(chosen.organisers.get(platform, frozenset())))
    return form


def _platforms(chosen: ProgrammeSettings) -> list[tuple[str, str]]:
    extra = sorted(p for p, ids in chosen.organisers.items() if ids and p not in PLATFORMS)
    return [(p, PLATFORM_LABELS.get(p, p)) for p in (*PLATFORMS, *extra)]


def _days() -> list[tuple[str, str]]:
    return [(day.lower(), day) for day in DAYS]


def _cadences() -> list[tuple[str, str]]:
    return [(str(weeks), label) for weeks, label in CADENCE_LABELS.items()]

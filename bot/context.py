"""What every use case is handed: the ports, wired by the composition root or by a test."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date

from bot.config import EngineSettings
from bot.errors import Conflict
from bot.messages import Button
from bot.model import Programme
from bot.ports import (
    ChartRenderer,
    Clock,
    Pseudonymiser,
    ReportRenderer,
    SeedSource,
    UnitOfWork,
    UnitOfWorkFactory,
)
from bot.programme import ProgrammeSettings, effective
from bot.pseudonyms import KeyedDigests
from bot.results import Result
from bot.wording import command_spans


@dataclass
class Context:
    uow: UnitOfWorkFactory
    clock: Clock
    seeds: SeedSource
    settings: EngineSettings = field(default_factory=EngineSettings)
    # Without one, digests go out with their figures and no chart.
    charts: ChartRenderer | None = None
    # Without one, the dashboard offers no board report to download (`corridor report` draws its own).
    reports: ReportRenderer | None = None
    # The composition root passes the key kept beside the database (corridor_cli/erasure_key.py);
    # a key for this process alone suits tests and the demo, whose databases die with them.
    pseudonyms: Pseudonymiser = field(default_factory=KeyedDigests.for_this_process)

    def today(self) -> date:
        return self.clock.now().astimezone(self.settings.timezone).date()


# What the database holds of a person (storage/tables.py NAME and IDENTIFIER).
NAME_LIMIT = 200
ID_LIMIT = 255
# Bidirectional overrides and isolates: they make a name read differently from what it is.
_BIDI = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class BadSender(ValueError):
    """A platform id that cannot stand for anyone (empty, too long, or with control characters)."""


def clean_text(value: object, limit: int = NAME_LIMIT) -> str | None:
    """Text from a platform as the core may keep it: control characters and bidi overrides
    gone, runs of whitespace (newlines too) one space, at most `limit` characters; None if
    nothing is left. Format characters such as the zero-width joiner in emoji stay."""
    if not isinstance(value, str):
        return None
    kept = []
    for char in value:
        kind = unicodedata.category(char)
        if char.isspace():
            kept.append(" ")
        elif kind not in ("Cc", "Cs", "Co", "Cn") and char not in _BIDI:
            kept.append(char)
    text = " ".join("".join(kept).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text or None


def clean_id(value: object) -> str:
    if not isinstance(value, str) or not value or len(value) > ID_LIMIT or not value.isprintable():
        raise BadSender("a platform id must be 1 to 255 printable characters")
    return value


@dataclass(frozen=True)
class Sender:
    """Who typed a command, as the platform told us. Adapters build it with `from_platform`,
    which bounds and cleans what the platform sent before the core sees it."""

    platform: str
    user_id: str
    display_name: str
    workspace_id: str = ""
    email: str | None = None
    department: str | None = None
    # Teams' user principal name, when the roster gave one.
    upn: str | None = None
    channel_id: str | None = None
    is_organiser: bool = False
    # Said where others can read the answer (a Teams team channel): only some commands are taken there.
    shared: bool = False

    @classmethod
    def from_platform(
        cls,
        platform: str,
        user_id: object,
        display_name: object,
        *,
        workspace_id: object = "",
        email: object = None,
        department: object = None,
        upn: object = None,
        channel_id: object = None,
        is_organiser: bool = False,
        shared: bool = False,
    ) -> Sender:
        """Raises BadSender for ids no person can have; every text is cleaned (clean_text)."""
        who = clean_id(user_id)
        address = clean_text(email, ID_LIMIT)
        return cls(
            platform=platform,
            user_id=who,
            display_name=clean_text(display_name) or who[:NAME_LIMIT],
            workspace_id=clean_id(workspace_id) if workspace_id else "",
            email=address if address and " " not in address and "@" in address else None,
            department=clean_text(department),
            upn=clean_text(upn, ID_LIMIT) or None,
            channel_id=clean_id(channel_id) if channel_id else None,
            is_organiser=is_organiser,
            shared=shared,
        )


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: list[Button] = field(default_factory=list)
    # True when the command changed nothing because the input was wrong.
    rejected: bool = False
    # What the command did, for adapters that show more than the words (see bot.results).
    result: Result | None = None
    # Set when the buttons are alternatives to choose one of (a site): the prompt for a picker.
    pick_one: str | None = None
    # A part of `text` whose lines line up in columns (the command list), to show in fixed width.
    columns: str | None = None

    @property
    def commands(self) -> tuple[str, ...]:
        """The commands quoted in the text (`pause 2w`), for adapters that prefix them (Slack)."""
        return command_spans(self.text)


def ensure_default_programme(ctx: Context) -> Programme:
    """Creates the programme at start-up, so it exists before anyone joins or any job runs."""
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        uow.commit()
    return programme


def default_programme(uow: UnitOfWork, settings: EngineSettings) -> Programme:
    """The one programme, carrying the name and repeat window its organisers chose."""
    programme = find_programme(uow, settings)
    chosen = effective(uow, settings, programme)
    return replace(programme, name=chosen.name, repeat_window=chosen.repeat_window)


def programme_settings(ctx: Context) -> ProgrammeSettings:
    with ctx.uow(read_only=True) as uow:
        return effective(uow, ctx.settings, find_programme(uow, ctx.settings))


def programme_settings_in(uow: UnitOfWork, settings: EngineSettings) -> ProgrammeSettings:
    return effective(uow, settings, find_programme(uow, settings))


def find_programme(uow: UnitOfWork, settings: EngineSettings) -> Programme:
    # Found as the first one made, never by name: the name is a setting organisers change,
    # and looking it up by name once made a renamed programme look empty.
    existing = uow.programmes.list()
    if existing:
        return existing[0]
    try:
        return uow.programmes.add(
            Programme(name=settings.programme_name, repeat_window=settings.repeat_window)
        )
    except Conflict:
        # Another process created it a moment ago; theirs is the one.
        programme = uow.programmes.by_name(settings.programme_name)
        if programme is None:
            raise
        return programme

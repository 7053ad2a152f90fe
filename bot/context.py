"""What every use case is handed: the ports, wired by the composition root or by a test."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from bot.config import EngineSettings
from bot.errors import Conflict
from bot.messages import Button
from bot.model import Programme
from bot.ports import ChartRenderer, Clock, SeedSource, UnitOfWork, UnitOfWorkFactory
from bot.programme import ProgrammeSettings, effective
from bot.results import Result


@dataclass
class Context:
    uow: UnitOfWorkFactory
    clock: Clock
    seeds: SeedSource
    settings: EngineSettings = field(default_factory=EngineSettings)
    # Without one, digests go out with their figures and no chart.
    charts: ChartRenderer | None = None

    def today(self) -> date:
        return self.clock.now().astimezone(self.settings.timezone).date()


@dataclass(frozen=True)
class Sender:
    """Who typed a command, as the platform told us."""

    platform: str
    user_id: str
    display_name: str
    workspace_id: str = ""
    email: str | None = None
    department: str | None = None
    channel_id: str | None = None
    is_organiser: bool = False
    # Said where others can read the answer (a Teams team channel): only some commands are taken there.
    shared: bool = False


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
    with ctx.uow() as uow:
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

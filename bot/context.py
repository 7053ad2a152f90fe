"""What every use case is handed: the ports, wired by the composition root or by a test."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.config import EngineSettings
from bot.errors import Conflict
from bot.messages import Button
from bot.model import Programme
from bot.ports import ChartRenderer, Clock, Pseudonymiser, SeedSource, UnitOfWork, UnitOfWorkFactory
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
    # The composition root passes the key kept beside the database (corridor_cli/erasure_key.py);
    # a key for this process alone suits tests and the demo, whose databases die with them.
    pseudonyms: Pseudonymiser = field(default_factory=KeyedDigests.for_this_process)

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
    # Teams' user principal name, when the roster gave one.
    upn: str | None = None
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
    programme = uow.programmes.by_name(settings.programme_name)
    if programme is None:
        try:
            programme = uow.programmes.add(
                Programme(name=settings.programme_name, repeat_window=settings.repeat_window)
            )
        except Conflict:
            # Another process created it a moment ago; theirs is the one.
            programme = uow.programmes.by_name(settings.programme_name)
            if programme is None:
                raise
    return programme

"""Every command and every button value the core makes, typed, clicked (Action.Submit) and
executed (Action.Execute), through the Teams endpoint over HTTP with the core on SQLite and on
PostgreSQL: always a reply, never an exception.

Each value once, deterministically, then Hypothesis's variants of them.
"""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.teams.limiter import TeamsRateLimiter
from bot.config import EngineSettings
from corridor_cli.wiring import build_context, teams_adapter
from storage.engine import make_engine
from storage.schema import upgrade
from tests.adapters.teams.conftest import MONDAY_9AM, ORGANISER_AAD, TeamsHospital, dev_config, person
from tests.every_value import EVERY, variants
from tests.fakes import FakeClock, FixedSeeds
from tests.hospital import seed_hospital
from tests.integration.conftest import POSTGRES_SKIP_REASON, POSTGRES_URL, reset_postgres

# The endpoint's apology for a failed turn, and the core's for a command it could not finish.
SORRIES = ("something went wrong", "couldn't finish")


def sorry(text: str) -> bool:
    return any(phrase in text for phrase in SORRIES)


class StoredTeamsHospital(TeamsHospital):
    """The Teams world of conftest, with the core on a real database instead of the fakes."""

    def __init__(self, connector, url: str):
        self.connector = connector
        self.beside = []
        self.clock = FakeClock(MONDAY_9AM)
        self.ctx = build_context(url, EngineSettings(), clock=self.clock, seeds=FixedSeeds())
        self.uow = self.ctx.uow
        self.teams = teams_adapter(self.ctx, dev_config(), limiter=TeamsRateLimiter(max_wait=0.5))
        self.client = None
        seed_hospital(self.uow, self.ctx.settings)


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.skipif(not POSTGRES_URL, reason=POSTGRES_SKIP_REASON)),
    ]
)
async def stored(request, connector, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'corridor.db'}"
    else:
        reset_postgres(POSTGRES_URL)
        url = POSTGRES_URL
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    world = StoredTeamsHospital(connector, url)
    await world.start()
    yield world
    await world.close()
    world.ctx.uow.engine.dispose()


def answered(world, before: int) -> list[str]:
    """The texts of what reached the connector since `before`: replies, and cards' text blocks."""
    said = []
    for call in world.connector.calls[before:]:
        if call.kind in ("reply", "send", "update") and call.ok:
            said.append(str(call.body))
    return said


async def typed_clicked_and_executed(world, who, value: str) -> None:
    before = len(world.connector.calls)
    status, _ = await world.post(world.message(who, value))
    assert status in (200, 201), (value, status)
    typed = answered(world, before)
    assert typed and not any(map(sorry, typed)), (value, typed)

    before = len(world.connector.calls)
    status, _ = await world.post(world.submit(who, {"command": value}, reply_to="1"))
    assert status in (200, 201), (value, status)
    clicked = answered(world, before)
    assert clicked and not any(map(sorry, clicked)), (value, clicked)

    status, body = await world.post(world.execute(who, {"command": value}, reply_to="1"))
    assert status == 200, (value, status)
    assert isinstance(body, dict) and body.get("value"), (value, body)
    assert not sorry(str(body))


def assert_quiet(caplog) -> None:
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR], caplog.text


async def test_every_command_and_button_value_gets_a_reply_on_both_databases(stored, caplog):
    caplog.set_level(logging.WARNING)
    organiser = person("Olivia", aad=ORGANISER_AAD)
    await stored.install(organiser)
    for n, value in enumerate(EVERY):
        nurse = person(f"Nurse {n}")
        await stored.install(nurse)
        await stored.say(nurse, "join clinician St Mary's")
        await typed_clicked_and_executed(stored, nurse, value)
        if value.startswith("admin"):
            await typed_clicked_and_executed(stored, organiser, value)
    assert_quiet(caplog)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=variants(), organiser=st.booleans())
async def test_variants_of_every_value_get_a_reply_on_both_databases(stored, caplog, value, organiser):
    caplog.set_level(logging.WARNING)
    caplog.clear()
    who = person("Olivia", aad=ORGANISER_AAD) if organiser else person("Someone")
    await stored.install(who)
    await typed_clicked_and_executed(stored, who, value)
    assert_quiet(caplog)

"""Storage's classes and the tests' fakes really are what the core's ports ask for.

mypy reads this module when `make lint` runs (it is in `[tool.mypy] files`), so the return
types of `_factories`, `_clocks` and `_seed_sources` fail the lint if a class stops fitting its
port. The tests repeat the check at run time, member by member, on units of work actually opened.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import get_type_hints

import pytest
from sqlalchemy import Engine, create_engine

from bot import ports
from bot.ports import Clock, SeedSource, UnitOfWork, UnitOfWorkFactory
from corridor_cli.wiring import RandomSeeds, SystemClock
from storage.uow import SqlUnitOfWorkFactory
from tests.fakes import FakeClock, FakeUnitOfWorkFactory, FixedSeeds


def _factories(engine: Engine) -> dict[str, UnitOfWorkFactory]:
    """mypy rejects either line if its class stops fitting the port."""
    return {"sql": SqlUnitOfWorkFactory(engine), "fake": FakeUnitOfWorkFactory()}


def _clocks() -> list[Clock]:
    return [SystemClock(), FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))]


def _seed_sources() -> list[SeedSource]:
    return [RandomSeeds(), FixedSeeds()]


def _repository_ports() -> dict[str, type]:
    """Each repository the unit of work offers, with the protocol it is declared as."""
    return {
        name: get_type_hints(member.fget, vars(ports))["return"]
        for name, member in vars(UnitOfWork).items()
        if isinstance(member, property)
    }


def _missing(implementation: object, port: type) -> list[str]:
    """The port's methods the implementation lacks, or takes with other parameter names."""
    missing = []
    for name, declared in vars(port).items():
        if name.startswith("_") or not callable(declared):
            continue
        offered = getattr(implementation, name, None)
        wanted = list(inspect.signature(declared).parameters)[1:]  # without self
        if offered is None or list(inspect.signature(offered).parameters) != wanted:
            missing.append(f"{type(implementation).__name__}.{name}")
    return missing


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = create_engine("sqlite://")
    yield engine
    engine.dispose()


def test_the_unit_of_work_port_lists_every_repository_the_core_uses() -> None:
    assert set(_repository_ports()) == {
        "programmes",
        "sites",
        "places",
        "participants",
        "exclusions",
        "rounds",
        "pairs",
        "sit_outs",
        "outcomes",
        "outbox",
        "digests",
        "settings",
        "platform_state",
        "sign_ins",
        "organiser_sessions",
        "audit",
        "erasure_register",
        "seen_requests",
        "figures",
        "pulse",
        "shadowing",
    }


@pytest.mark.parametrize("kind", ["sql", "fake"])
def test_an_opened_unit_of_work_offers_every_repository_method_the_ports_declare(
    engine: Engine, kind: str
) -> None:
    with _factories(engine)[kind]() as uow:
        missing = [
            gap for name, port in _repository_ports().items() for gap in _missing(getattr(uow, name), port)
        ]
        missing += _missing(uow, UnitOfWork)
    assert missing == []


def test_every_clock_tells_the_time_in_utc_and_every_seed_source_gives_whole_numbers() -> None:
    assert [clock.now().utcoffset() for clock in _clocks()] == [timedelta(0), timedelta(0)]
    assert all(isinstance(source.new_seed(), int) for source in _seed_sources())

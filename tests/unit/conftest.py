"""The test hospital (tests/hospital.py) for the unit tests: in memory, on a clock that moves when told."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.charts.png import PngCharts
from adapters.console import ConsoleChat, ConsoleNotifier
from bot.config import EngineSettings
from bot.context import Context
from bot.delivery import DeliveryWorker
from bot.gateway import CoreChat
from tests.fakes import FakeClock, FakeUnitOfWorkFactory, FixedSeeds
from tests.hospital import seed_hospital

MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Europe/London is UTC in November


class Hospital:
    def __init__(self):
        self.uow = FakeUnitOfWorkFactory()
        self.clock = FakeClock(MONDAY_9AM)
        self.ctx = Context(self.uow, self.clock, FixedSeeds(), EngineSettings(), charts=PngCharts())
        self.chat = ConsoleChat(CoreChat(self.ctx), organisers=frozenset({"olivia"}))
        self.notifier = ConsoleNotifier(quiet=True)
        self.worker = DeliveryWorker(self.ctx, {"console": self.notifier})
        self.programme_id = seed_hospital(self.uow, self.ctx.settings).programme.id

    def join(self, user: str, role: str, site: str = "St Mary's", **details) -> str:
        return self.chat.send(user, f"join {role} {site}", name=details.pop("name", user.title()), **details)

    def store(self):
        return self.uow.store

    def outbox(self, kind: str | None = None):
        return [m for m in self.store().outbox.values() if kind is None or m.kind == kind]

    def pairs(self):
        return list(self.store().pairs.values())

    def person(self, user: str):
        return next(p for p in self.store().participants.values() if p.user_id == user)


@pytest.fixture
def hospital() -> Hospital:
    return Hospital()

"""A small hospital for the unit tests: two sites with kitchens and coffee points, in memory."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.charts.png import PngCharts
from adapters.console import ConsoleChat, ConsoleNotifier
from bot.config import EngineSettings
from bot.context import Context, default_programme
from bot.delivery import DeliveryWorker
from bot.gateway import CoreChat
from bot.model import Place, PlaceKind, Site
from tests.fakes import FakeClock, FakeUnitOfWorkFactory, FixedSeeds

MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Europe/London is UTC in November


class Hospital:
    def __init__(self):
        self.uow = FakeUnitOfWorkFactory()
        self.clock = FakeClock(MONDAY_9AM)
        self.ctx = Context(self.uow, self.clock, FixedSeeds(), EngineSettings(), charts=PngCharts())
        self.chat = ConsoleChat(CoreChat(self.ctx), organisers=frozenset({"olivia"}))
        self.notifier = ConsoleNotifier(quiet=True)
        self.worker = DeliveryWorker(self.ctx, {"console": self.notifier})
        with self.uow() as uow:
            programme = default_programme(uow, self.ctx.settings)
            marys = uow.sites.add(Site(programme.id, "St Mary's"))
            cross = uow.sites.add(Site(programme.id, "Charing Cross"))
            uow.places.add(Place(marys.id, "Level 2 staff kitchen", PlaceKind.KITCHEN, "Beside Ward 7"))
            uow.places.add(Place(marys.id, "Clinic C coffee point", PlaceKind.CORRIDOR, "By the lifts"))
            uow.places.add(Place(marys.id, "Main canteen", PlaceKind.CANTEEN, "Ground floor"))
            uow.places.add(Place(cross.id, "Theatres kitchen", PlaceKind.KITCHEN, "After theatre reception"))
            uow.commit()
            self.programme_id = programme.id

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

"""A week in the test hospital on a real database, ending with one person asking to be forgotten.

Shared by the tests that then look for what is left of her: in every table and JSON column,
and byte by byte in the SQLite file, its WAL and its shared-memory file.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from adapters.console import ConsoleChat, ConsoleNotifier
from bot.config import EngineSettings
from bot.context import Context
from bot.delivery import DeliveryWorker
from bot.digest import send_digest
from bot.gateway import CoreChat, StateDocument, StoredPlatformState
from bot.rounds import run_round
from corridor_cli.wiring import build_context
from scheduler.jobs import Jobs
from tests.fakes import FakeClock, FixedSeeds
from tests.hospital import seed_hospital

MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    email: str
    department: str
    role: str

    def values(self) -> list[str]:
        """Everything that would name her, as it could be found written down."""
        return [self.user_id, self.name, self.name.split()[-1], self.email, self.department]


AMARA = Person("U0AMARA7", "Sister Amara Okafor", "amara.okafor@nhs.net", "Coronary Care Unit", "clinician")
COLLEAGUES = [
    Person("U0BEN", "Ben Hughes", "ben.hughes@nhs.net", "Estates and Facilities", "manager"),
    Person("U0CHLOE", "Chloe Patel", "chloe.patel@nhs.net", "Theatres Recovery", "clinician"),
    Person("U0DEV", "Dev Walsh", "dev.walsh@nhs.net", "Finance Directorate", "manager"),
]
ORGANISER = "U0OLIVIA"


class Week:
    def __init__(self, database_url: str):
        self.clock = FakeClock(MONDAY_9AM)
        settings = EngineSettings(organisers={"console": frozenset({ORGANISER})})
        self.ctx: Context = build_context(database_url, settings, clock=self.clock, seeds=FixedSeeds())
        self.chat = ConsoleChat(CoreChat(self.ctx), organisers=frozenset({ORGANISER}))
        self.jobs = Jobs(self.ctx, DeliveryWorker(self.ctx, {"console": ConsoleNotifier(quiet=True)}))

    def say(self, person: Person, text: str) -> str:
        return self.chat.send(
            person.user_id, text, name=person.name, email=person.email, department=person.department
        )

    def deliver(self) -> None:
        asyncio.run(self.jobs.worker.drain())

    def live(self) -> None:
        """Joins, a round, intros delivered, a follow-up, everyone's answer, a digest."""
        programme = seed_hospital(self.ctx.uow, self.ctx.settings).programme.saved_id
        self.chat.send(ORGANISER, "admin channel here", name="Olivia Organiser")
        for person in [AMARA, *COLLEAGUES]:
            self.say(person, f"join {person.role} St Mary's")
        # Her working week, kept until she changes it: personal data like the rest.
        for words in ("shifts nights", "off mon tue", "every 2w"):
            self.say(AMARA, words)
        # What an adapter keeps about her: a way back to her chat, tied to her row.
        StoredPlatformState(self.ctx, "console").put_many(
            [
                StateDocument(
                    f"ref:{AMARA.user_id}",
                    {"user": AMARA.user_id, "name": AMARA.name},
                    owner_user_id=AMARA.user_id,
                )
            ]
        )
        run_round(self.ctx)
        self.jobs.evidence()  # everyone's first baseline question
        self.deliver()
        self.agree_a_time(programme)
        self.say(AMARA, "pulse baseline relationship tension")
        self.clock.advance(days=3)
        self.jobs.followups()
        self.deliver()
        everyone = {p.user_id: p for p in [AMARA, *COLLEAGUES]}
        with self.ctx.uow() as uow:
            user_of = {p.saved_id: p.user_id for p in uow.participants.list(programme)}
            pairs = uow.pairs.for_rounds([r.saved_id for r in uow.rounds.recent(programme, 1)])
        for pair in pairs:
            for member in pair.member_ids():
                self.say(everyone[user_of[member]], f"outcome {pair.saved_id} met")
            for member in pair.member_ids():  # both met, so both are offered shadowing
                self.say(everyone[user_of[member]], f"shadow {pair.saved_id} offer yes")
        self.say(AMARA, "status")
        self.clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
        send_digest(self.ctx)
        self.deliver()

    def agree_a_time(self, programme: int) -> None:
        """Amara proposes Wednesday's handover and her partner agrees: both get a calendar entry."""
        everyone = {p.user_id: p for p in [AMARA, *COLLEAGUES]}
        with self.ctx.uow() as uow:
            user_of = {p.saved_id: p.user_id for p in uow.participants.list(programme)}
            amara = next(pid for pid, user in user_of.items() if user == AMARA.user_id)
            [pair] = [p for p in uow.pairs.for_participant(amara, 1)]
        partner = everyone[user_of[pair.partner_of(amara)]]
        for person in (AMARA, partner):
            self.say(person, f"time {pair.saved_id} 2026-11-25T19:30")
        self.deliver()

    def forget_amara(self) -> str:
        self.say(AMARA, "forget-me")
        return self.say(AMARA, "forget-me confirm")

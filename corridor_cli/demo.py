"""`corridor demo`: November at a two-site trust, start to finish, in a few seconds.

Everything goes through the real engine, storage, scheduler job bodies and delivery worker;
only the clock is simulated and the "platform" is the console.
"""

from __future__ import annotations

import asyncio
import base64
import random
import tempfile
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path

from adapters.console import ConsoleChat, ConsoleNotifier
from adapters.console.render import addressees, render
from bot.delivery import DeliveryWorker
from bot.digest import month_figures
from bot.gateway import CoreChat
from bot.imports import PlaceSpec, SiteSpec, import_exclusions, import_places
from bot.model import PlaceKind
from corridor_cli.settings import Settings
from corridor_cli.wiring import build_context
from scheduler.jobs import Jobs

MONDAYS = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]
ORGANISER = "od-lead"
SITES = [
    SiteSpec(
        "St Mary's",
        [
            PlaceSpec("Level 2 staff kitchen", PlaceKind.KITCHEN, "Through the double doors beside Ward 7"),
            PlaceSpec(
                "Outpatients corridor coffee point", PlaceKind.CORRIDOR, "By the lifts opposite Clinic C"
            ),
            PlaceSpec("Main canteen", PlaceKind.CANTEEN, "Ground floor, east wing"),
        ],
    ),
    SiteSpec(
        "Charing Cross",
        [
            PlaceSpec(
                "Theatres kitchen", PlaceKind.KITCHEN, "Second door on the left after theatre reception"
            ),
            PlaceSpec("Atrium coffee point", PlaceKind.CORRIDOR, "Under the stairs in the main atrium"),
        ],
    ),
]
FIRST = [
    "Amara",
    "Ben",
    "Chloe",
    "Dev",
    "Esther",
    "Femi",
    "Grace",
    "Hamid",
    "Isla",
    "Jonah",
    "Kemi",
    "Liam",
    "Maya",
    "Nikhil",
    "Olu",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
]
LAST = ["Okafor", "Hughes", "Patel", "Walsh", "Nguyen", "Adeyemi", "Clarke", "Khan", "Murphy", "Reid"]
CLINICAL = ["Cardiology", "Emergency Department", "Paediatrics", "Theatres", "Respiratory", "Maternity"]
MANAGEMENT = ["Operations", "Finance", "Workforce", "Estates", "Patient Flow"]


class DemoClock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def at(self, day: date, hour: int = 9, minute: int = 0, tz: tzinfo | None = None) -> None:
        self.moment = datetime.combine(day, time(hour, minute), tz).astimezone(UTC)


def run_demo(settings: Settings, database_url: str | None, out_dir: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="corridor-demo-") as scratch:
        url = database_url or f"sqlite:///{scratch}/demo.db"
        return Demo(settings, url, out_dir).run()


class Demo:
    def __init__(self, settings: Settings, url: str, out_dir: Path):
        self.clock = DemoClock()
        engine_settings = settings.engine
        engine_settings.organisers["console"] = frozenset({ORGANISER})
        self.ctx = build_context(url, engine_settings, clock=self.clock, seeds=_Seeds())
        self.tz = self.ctx.settings.timezone
        self.chat = ConsoleChat(CoreChat(self.ctx), organisers=frozenset({ORGANISER}))
        self.notifier = ConsoleNotifier(quiet=True)
        self.jobs = Jobs(self.ctx, DeliveryWorker(self.ctx, {"console": self.notifier}))
        self.rng = random.Random(2026)
        self.out_dir = out_dir
        self.people: list[str] = []

    def run(self) -> int:
        _title("Corridor demo: November at Riverside Hospitals NHS Trust (two sites)")
        print("Each Monday Corridor pairs one clinician with one manager for ten minutes over coffee,")
        print("suggests a kitchen or corridor coffee point they share, asks whether they met, and")
        print("sends the organisers a monthly digest. Everything below runs on the real engine.")
        self.set_up()
        self.enrol()
        for number, monday in enumerate(MONDAYS, start=1):
            self.week(number, monday)
        self.digest()
        self.erasure()
        return 0

    # --- set-up --------------------------------------------------------------------------
    def set_up(self) -> None:
        self.clock.at(date(2026, 11, 1), 8, tz=self.tz)
        _title("1. The organiser lists the sites and their shared spaces")
        sites, places = import_places(self.ctx, SITES)
        for site in SITES:
            print(f"  {site.name}: " + "; ".join(f"{p.name} ({p.kind.label})" for p in site.places))
        print(f"  ({sites} sites and {places} places imported, as `corridor places import places.yml` does)")
        self.say(ORGANISER, "admin channel here", name="Olivia (OD lead)", show=True)

    def enrol(self) -> None:
        _title("2. Staff opt in with one message each")
        shown = 0
        for index in range(40):
            user, name = f"c{index:02d}", _name(index, clinical=True)
            site = SITES[index % 2].name
            department = CLINICAL[index % len(CLINICAL)]
            show = shown < 2
            self.say(user, f"/coffee join clinician {site}", name=name, department=department, show=show)
            shown += show
            self.people.append(user)
        for index in range(15):
            user, name = f"m{index:02d}", _name(index + 7, clinical=False)
            self.say(
                user,
                f"join manager {SITES[index % 2].name}",
                name=name,
                department=MANAGEMENT[index % 5],
                show=index == 0,
            )
            if index < 10:
                self.say(user, f"capacity {2 if index < 7 else 3}", show=index == 0)
            self.people.append(user)
        print(
            "  … 40 clinicians and 15 managers have joined (10 managers will meet two or three clinicians)."
        )
        print("  A clinician shouldn't be paired with her own line manager, so the organiser says so:")
        import_exclusions(
            self.ctx,
            "clinician_platform,clinician_user_id,manager_platform,manager_user_id\nconsole,c00,console,m00\n",
        )
        print(f"    {self.chat.names['c00']} will never be paired with {self.chat.names['m00']}.")
        self.say("c05", "join nurse", show=True)
        self.say("c05", "join clinician Hammersmith", show=True)

    # --- a week ----------------------------------------------------------------------------
    def week(self, number: int, monday: date) -> None:
        _title(f"{2 + number}. Week of {monday:%d %B}")
        self.before_round(number, monday)
        self.clock.at(monday, 9, tz=self.tz)
        report = self.jobs.round_if_due()
        if report is None:
            raise RuntimeError(f"the round for {monday} was not due at 09:00 on its Monday")
        print(f"  Monday 09:00: {report.summary()}")
        self.deliver(show=2 if number == 1 else 0)
        if number == 3:
            self.late_joiner(monday)
        self.answers(monday, followup=False)
        self.clock.at(monday + timedelta(days=3), 10, tz=self.tz)
        asked = self.jobs.followups()
        self.deliver(show=1 if number == 1 else 0)
        print(f"  Thursday: {asked} pair(s) hadn't answered and got one follow-up each.")
        self.answers(monday, followup=True)

    def before_round(self, number: int, monday: date) -> None:
        self.clock.at(monday - timedelta(days=1), 18, tz=self.tz)
        if number == 2:
            self.say("c07", "pause 2w", show=True)
        if number == 3:
            self.say("m14", "leave", show=True)
        if number == 4:
            self.say("c07", "status", show=True)

    def late_joiner(self, monday: date) -> None:
        self.clock.at(monday + timedelta(days=1), 11, tz=self.tz)
        print("  Tuesday: a new ward sister joins and the organiser tops up the round.")
        self.say(
            "c40", "join clinician St Mary's", name="Sister Nadia Haddad", department="Ward 7", show=True
        )
        self.say("m15", "join manager St Mary's", name="Tom Barker", department="Patient Flow", show=False)
        self.say(ORGANISER, "admin round now", show=True)
        self.deliver(show=0)

    def answers(self, monday: date, *, followup: bool) -> None:
        self.clock.at(monday + timedelta(days=4 if followup else 2), 13, tz=self.tz)
        counts = {"met": 0, "not_yet": 0, "could_not_meet": 0}
        for pair_id, members in self.pairs_of_week(monday):
            for user in members:
                choice = self.simulated_answer(followup)
                if choice is None:
                    continue
                command = f"outcome {pair_id} {choice}"
                if choice == "could_not_meet":
                    command += " " + self.rng.choice(
                        ["clinical_pressure", "shift_clash", "no_reply", "other"]
                    )
                self.chat.ask(user, command)
                counts[choice] += 1
        when = "Friday, after the nudge" if followup else "Wednesday"
        print(
            f"  {when}: {counts['met']} said 'We met', {counts['not_yet']} 'Not yet', "
            f"{counts['could_not_meet']} 'Can't make it this time'."
        )

    def simulated_answer(self, followup: bool) -> str | None:
        roll = self.rng.random()
        if followup:
            return "met" if roll < 0.5 else ("could_not_meet" if roll < 0.65 else None)
        if roll < 0.55:
            return "met"
        if roll < 0.65:
            return "could_not_meet"
        return "not_yet" if roll < 0.7 else None

    def pairs_of_week(self, monday: date) -> list[tuple[int, list[str]]]:
        from bot.context import default_programme
        from bot.weeks import week_of

        with self.ctx.uow() as uow:
            programme = default_programme(uow, self.ctx.settings)
            round_ = uow.rounds.get(programme.saved_id, week_of(monday))
            pairs = uow.pairs.for_rounds([round_.saved_id]) if round_ else []
            answered = {
                (o.pair_id, o.participant_id) for o in uow.outcomes.for_pairs([p.saved_id for p in pairs])
            }
            people = uow.participants.get_many({i for p in pairs for i in p.member_ids()})
        return [
            (
                p.saved_id,
                [
                    people[i].user_id
                    for i in p.member_ids()
                    if (p.saved_id, i) not in answered and not people[i].erased
                ],
            )
            for p in pairs
        ]

    # --- the month's end -----------------------------------------------------------------
    def digest(self) -> None:
        _title("8. 1 December, 09:00: the monthly digest reaches the organisers' channel")
        self.clock.at(date(2026, 12, 1), 9, 5, tz=self.tz)
        self.jobs.digest_if_due()
        before = len(self.notifier.sent)
        self.deliver(show=0)
        digest = next(m for m in self.notifier.sent[before:] if m.kind == "digest")
        for line in render(digest.payload):
            print(f"  {line}")
        self.out_dir.mkdir(parents=True, exist_ok=True)
        chart = (self.out_dir / "digest-2026-11.png").resolve()
        chart.write_bytes(base64.b64decode(digest.payload["chart_png_base64"]))
        print(f"\n  Chart of pairs made vs meetings confirmed: {chart}")

    def erasure(self) -> None:
        _title("9. Information governance: a leaver asks to be forgotten")
        self.say("m14", "forget-me", show=True)
        with self.ctx.uow() as uow:
            from bot.context import default_programme

            programme = default_programme(uow, self.ctx.settings)
            before = month_figures(uow, programme, "2026-11")
        self.say("m14", "forget-me confirm", show=True)
        with self.ctx.uow() as uow:
            after = month_figures(uow, programme, "2026-11")
        same = (before.pairs, before.confirmed) == (after.pairs, after.confirmed)
        print(
            f"  November's counts after erasure: {after.pairs} pairs, {after.confirmed} confirmed "
            f"({'unchanged' if same else 'CHANGED'}); the name, id and email are gone."
        )
        print("\nThat was Corridor. `make test` runs the suite; the README explains Slack and Teams set-up.")

    # --- helpers ---------------------------------------------------------------------------
    def say(self, user: str, text: str, *, show: bool, name: str | None = None, **details: str) -> None:
        reply = self.chat.send(user, text, name=name, **details)
        if show:
            print(f"  {self.chat.names.get(user, user)}: {text}")
            for line in reply.splitlines():
                print(f"    Corridor: {line}")

    def deliver(self, show: int) -> None:
        before = len(self.notifier.sent)
        asyncio.run(self.jobs.deliver())
        fresh = self.notifier.sent[before:]
        for message in [m for m in fresh if m.kind == "intro"][:show]:
            lines = render(message.payload)
            print(f"  → to {addressees(message.payload)}: {lines[0]}")
            for line in lines[1:]:
                print(f"      {line}")
        if fresh:
            kinds: dict[str, int] = {}
            for message in fresh:
                kinds[message.kind] = kinds.get(message.kind, 0) + 1
            print("  Delivered: " + ", ".join(f"{n} {k.replace('_', '-')}" for k, n in sorted(kinds.items())))


class _Seeds:
    def __init__(self) -> None:
        self.rng = random.Random(48)

    def new_seed(self) -> int:
        return self.rng.getrandbits(62)


def _name(index: int, *, clinical: bool) -> str:
    first, last = FIRST[index % len(FIRST)], LAST[(index * 3 + (0 if clinical else 5)) % len(LAST)]
    if clinical:
        title = ["Dr", "Sister", "Charge Nurse", "Dr", "Physio"][index % 5]
        return f"{title} {first} {last}"
    return f"{first} {last}"


def _title(text: str) -> None:
    print(f"\n{text}\n{'─' * len(text)}")

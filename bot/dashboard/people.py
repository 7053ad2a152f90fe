"""The people in the programme, as organisers look after them: find, pause, resume, move,
change role, remove, and erase.

Each change is checked whole before anything is written and audited in its own transaction.
Erased people are never listed: they have no name left to list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.context import NAME_LIMIT, Context, default_programme
from bot.dashboard.audit import record
from bot.dashboard.sites import Change
from bot.erasure import erase
from bot.errors import Conflict
from bot.model import MAX_CAPACITY, Organiser, Participant, Programme, Role, Site, Status
from bot.ports import UnitOfWork

SHOWN = 50
LONGEST_PAUSE = timedelta(days=731)
PLATFORM_LABELS = {"slack": "Slack", "teams": "Teams", "console": "the console"}
GONE = "That person is no longer in the programme; go back to the list of people."


@dataclass(frozen=True)
class PersonView:
    id: int
    name: str
    email: str
    department: str
    platform: str
    user_id: str
    role: str
    site_id: int
    site_name: str
    status: str  # a bot.model.Status value
    status_label: str  # "Active", "Paused until Monday 7 December 2026", "Left"
    capacity: int

    @property
    def role_label(self) -> str:
        return self.role.capitalize()

    @property
    def platform_label(self) -> str:
        return PLATFORM_LABELS.get(self.platform, self.platform)


@dataclass(frozen=True)
class PeopleFound:
    query: str
    people: list[PersonView]  # one page of them, by name
    matched: int  # may be more than are shown
    page: int = 1
    page_size: int = SHOWN

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.people else 0

    @property
    def last_shown(self) -> int:
        return self.first_shown + len(self.people) - 1 if self.people else 0

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page * self.page_size < self.matched else None

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None


@dataclass(frozen=True)
class ErasureView:
    """What erasing a person takes away, named item by item for the confirmation page."""

    person: PersonView
    erased: list[tuple[str, str]] = field(default_factory=list)


def day_label(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def search_people(ctx: Context, query: str, page: int = 1, limit: int = SHOWN) -> PeopleFound:
    """Everyone whose name or email contains the words typed, case aside; all when none are.
    One page of `limit` at a time, by name: the database searches and pages (thousands of staff)."""
    wanted = " ".join(query.split()).casefold()[:NAME_LIMIT]
    page = max(1, page)
    with ctx.uow(read_only=True) as uow:
        programme = default_programme(uow, ctx.settings)
        found, matched = uow.participants.search(programme.saved_id, wanted, limit, (page - 1) * limit)
        sites = _site_names(uow, programme)
    today = ctx.today()
    return PeopleFound(wanted, [_view(p, sites, today) for p in found], matched, page, limit)


def find_person(ctx: Context, person_id: int) -> PersonView | None:
    with ctx.uow(read_only=True) as uow:
        programme = default_programme(uow, ctx.settings)
        person = _person_of(uow, programme, person_id)
        return _view(person, _site_names(uow, programme), ctx.today()) if person else None


def site_choices(ctx: Context) -> list[tuple[int, str]]:
    """The sites a person can be moved to: retired ones are gone from every picker."""
    with ctx.uow(read_only=True) as uow:
        programme = default_programme(uow, ctx.settings)
        sites = [s for s in uow.sites.list(programme.saved_id) if not s.retired]
    return sorted(((s.saved_id, s.name) for s in sites), key=lambda s: s[1].casefold())


def erasure_preview(ctx: Context, person_id: int) -> ErasureView | None:
    person = find_person(ctx, person_id)
    if person is None:
        return None
    erased = [
        ("Name", person.name),
        (f"{person.platform_label} id", person.user_id),
        ("Email", person.email or "none recorded"),
        ("Department", person.department or "none recorded"),
    ]
    return ErasureView(person, erased)


# Changing


def pause_person(ctx: Context, who: Organiser, person_id: int, until: str) -> Change:
    def pause(uow: UnitOfWork, programme: Programme, person: Participant) -> Change:
        day, problem = _return_day(until, ctx.today())
        if person.left_at is not None:
            problem = f"{person.display_name} has left the programme; they can join again from chat."
        if problem:
            return Change(problems={"until": problem})
        person.paused_until = day
        uow.participants.save(person)
        record(uow, ctx, programme, who, "Paused a person", f"{person.display_name} until {day_label(day)}")
        return Change(f"Paused {person.display_name} until {day_label(day)}.")

    return _change(ctx, person_id, "until", pause)


def resume_person(ctx: Context, who: Organiser, person_id: int) -> Change:
    def resume(uow: UnitOfWork, programme: Programme, person: Participant) -> Change:
        if person.status_on(ctx.today()) is not Status.PAUSED:
            return Change(problems={"resume": f"{person.display_name} is not paused, so nothing changed."})
        person.paused_until = None
        uow.participants.save(person)
        record(uow, ctx, programme, who, "Resumed a person", person.display_name)
        return Change(f"{person.display_name} is back in the next round.")

    return _change(ctx, person_id, "resume", resume)


def move_person(ctx: Context, who: Organiser, person_id: int, site_id: str) -> Change:
    def move(uow: UnitOfWork, programme: Programme, person: Participant) -> Change:
        site = uow.sites.get(int(site_id)) if site_id.isdigit() else None
        if site is None or site.programme_id != programme.saved_id or site.retired:
            return Change(problems={"site": "Choose one of the sites listed."})
        before = uow.sites.get(person.site_id)
        if site.saved_id == person.site_id:
            return Change(f"Nothing to change: {person.display_name} is already based at {site.name}.")
        person.site_id = site.saved_id
        uow.participants.save(person)
        detail = f"{person.display_name}: {before.name if before else 'no site'} → {site.name}"
        record(uow, ctx, programme, who, "Moved a person to another site", detail)
        return Change(f"{person.display_name} is now based at {site.name}.")

    return _change(ctx, person_id, "site", move)


def change_role(ctx: Context, who: Organiser, person_id: int, role: str, capacity: str) -> Change:
    def change(uow: UnitOfWork, programme: Programme, person: Participant) -> Change:
        problems = _role_problems(role, capacity)
        if problems:
            return Change(problems=problems)
        new_role = Role(role)
        # Clinicians meet one person a week; only managers can offer more.
        new_capacity = int(capacity) if new_role is Role.MANAGER else 1
        if (new_role, new_capacity) == (person.role, person.capacity):
            return Change(f"Nothing to change: {person.display_name} is already {_role_text(person)}.")
        before = _role_text(person)
        dropped = _drop_rules(uow, programme, person) if new_role is not person.role else 0
        person.role, person.capacity = new_role, new_capacity
        uow.participants.save(person)
        detail = f"{person.display_name}: {before} → {_role_text(person)}"
        rules = f"{dropped} do-not-pair rule(s) no longer fit and were removed." if dropped else ""
        record(uow, ctx, programme, who, "Changed a person's role", "; ".join(filter(None, [detail, rules])))
        return Change(" ".join(filter(None, [f"{person.display_name} is now {_role_text(person)}.", rules])))

    return _change(ctx, person_id, "role", change)


def remove_person(ctx: Context, who: Organiser, person_id: int) -> Change:
    def remove(uow: UnitOfWork, programme: Programme, person: Participant) -> Change:
        if person.left_at is not None:
            return Change(problems={"person": f"{person.display_name} has already left the programme."})
        person.left_at = ctx.clock.now()
        uow.participants.save(person)
        record(uow, ctx, programme, who, "Removed a person", f"{person.display_name} left the programme")
        return Change(f"Removed {person.display_name}: they won't be paired again.")

    return _change(ctx, person_id, "person", remove)


def erase_person(ctx: Context, who: Organiser, person_id: int) -> Change:
    def forget(uow: UnitOfWork, programme: Programme, person: Participant) -> Change:
        site = uow.sites.get(person.site_id)
        described = f"a {person.role.value} at {site.name if site else 'a site no longer known'}"
        erase(uow, ctx, person)
        # Written after the erasure and without the name: this entry must not bring it back.
        detail = f"Participant {person.saved_id}, {described}: name, platform id, email and department"
        record(uow, ctx, programme, who, "Erased a person", detail)
        return Change(f"Erased participant {person.saved_id}'s details. Anonymous counts remain.")

    return _change(ctx, person_id, "person", forget)


# Helpers


def _change(
    ctx: Context,
    person_id: int,
    field_name: str,
    change: Callable[[UnitOfWork, Programme, Participant], Change],
) -> Change:
    """Runs one change to one person in one transaction; nothing is written unless it worked."""
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        person = _person_of(uow, programme, person_id)
        if person is None:
            return Change(problems={field_name: GONE})
        done = change(uow, programme, person)
        if not done.ok:
            return done  # it stopped at a problem, before writing anything
        try:
            uow.commit()
        except Conflict:
            return Change(problems={field_name: "Someone else changed this just now; try again."})
    return done


def _drop_rules(uow: UnitOfWork, programme: Programme, person: Participant) -> int:
    """A rule names a clinician and a manager; once the person's role changes, theirs cannot hold."""
    rules = uow.exclusions.list(programme.saved_id)
    theirs = [r for r in rules if person.saved_id in (r.clinician_id, r.manager_id)]
    for rule in theirs:
        uow.exclusions.remove(rule)
    return len(theirs)


def _person_of(uow: UnitOfWork, programme: Programme, person_id: int) -> Participant | None:
    person = uow.participants.get(person_id)
    if person is None or person.erased or person.programme_id != programme.saved_id:
        return None
    return person


def _site_names(uow: UnitOfWork, programme: Programme) -> dict[int, str]:
    sites: list[Site] = uow.sites.list(programme.saved_id)
    return {s.saved_id: s.name for s in sites}


def _view(person: Participant, sites: dict[int, str], today: date) -> PersonView:
    status = person.status_on(today)
    label = {Status.ACTIVE: "Active", Status.LEFT: "Left"}.get(status, "")
    if status is Status.PAUSED and person.paused_until is not None:
        label = f"Paused until {day_label(person.paused_until)}"
    return PersonView(
        id=person.saved_id,
        name=person.display_name,
        email=person.email or "",
        department=person.department or "",
        platform=person.platform,
        user_id=person.user_id,
        role=person.role.value,
        site_id=person.site_id,
        site_name=sites.get(person.site_id, "no site"),
        status=status.value,
        status_label=label,
        capacity=person.capacity,
    )


def _return_day(text: str, today: date) -> tuple[date, str]:
    text = text.strip()
    if not text:
        return today, "Enter the date they are back, for example 2027-01-04."
    day = _read_day(text)
    if day is None:
        return today, "Enter a real date, for example 2027-01-04 or 04/01/2027."
    if day <= today:
        return today, "The date they are back must be after today."
    if day - today > LONGEST_PAUSE:
        return today, "A pause can last up to two years; choose an earlier date, or remove them instead."
    return day, ""


def _read_day(text: str) -> date | None:
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _role_problems(role: str, capacity: str) -> dict[str, str]:
    if role not in {r.value for r in Role}:
        return {"role": "Choose clinician or manager."}
    if role == Role.MANAGER and not (capacity.isdigit() and 1 <= int(capacity) <= MAX_CAPACITY):
        return {"capacity": f"Choose how many people a week, from 1 to {MAX_CAPACITY}."}
    return {}


def _role_text(person: Participant) -> str:
    if person.role is Role.CLINICIAN:
        return "a clinician"
    weekly = "1 person" if person.capacity == 1 else f"{person.capacity} people"
    return f"a manager meeting up to {weekly} a week"

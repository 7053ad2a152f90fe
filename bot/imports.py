"""Bulk set-up from files: sites and places (YAML), a staff list (CSV), do-not-pair lists (CSV).

Every file is checked whole before anything is written; the first problem is reported with
its line and field, and nothing partial is imported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.context import Context, default_programme
from bot.errors import CorridorError
from bot.model import MAX_CAPACITY, Exclusion, Participant, Place, PlaceKind, Role, Site
from bot.quiet import welcome

PLATFORMS = ("slack", "teams", "console")
PARTICIPANT_COLUMNS = ("platform", "user_id", "name", "email", "role", "site", "department", "capacity")
EXCLUSION_COLUMNS = ("clinician_platform", "clinician_user_id", "manager_platform", "manager_user_id")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ImportRejected(CorridorError):
    def __init__(self, problems: list[str]):
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}. Nothing was imported.")
        self.problems = problems


# --- places ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceSpec:
    name: str
    kind: PlaceKind
    directions: str


@dataclass(frozen=True)
class SiteSpec:
    name: str
    places: list[PlaceSpec]


def read_places(document: object, line_of: Callable[[str], int | None] = lambda path: None) -> list[SiteSpec]:
    """Check a loaded places document; `line_of(path)` gives the line of a field when known."""
    problems: list[str] = []

    def problem(path: str, text: str) -> None:
        line = line_of(path)
        problems.append(f"{'line ' + str(line) + ', ' if line else ''}{path}: {text}")

    sites_data = document.get("sites") if isinstance(document, dict) else None
    if not isinstance(sites_data, list) or not sites_data:
        raise ImportRejected(["the file must start with `sites:` followed by a list of sites"])
    sites, seen = [], set()
    for i, site in enumerate(sites_data):
        path = f"sites[{i}]"
        if not isinstance(site, dict) or not _text(site.get("name")):
            problem(f"{path}.name", "every site needs a name")
            continue
        name = site["name"].strip()
        if name.casefold() in seen:
            problem(f"{path}.name", f"the site '{name}' is listed twice")
        seen.add(name.casefold())
        sites.append(SiteSpec(name, _read_site_places(site.get("places") or [], path, problem)))
    if problems:
        raise ImportRejected(problems)
    return sites


def _read_site_places(places_data: object, path: str, problem: Callable[[str, str], None]) -> list[PlaceSpec]:
    if not isinstance(places_data, list):
        problem(f"{path}.places", "must be a list of places")
        return []
    places = []
    for j, place in enumerate(places_data):
        where = f"{path}.places[{j}]"
        if not isinstance(place, dict) or not _text(place.get("name")):
            problem(f"{where}.name", "every place needs a name")
            continue
        kind = str(place.get("kind", "other")).strip().lower()
        if kind not in PlaceKind.__members__.values():
            problem(f"{where}.kind", f"'{kind}' is not one of {', '.join(k.value for k in PlaceKind)}")
            continue
        directions = place.get("directions") or ""
        if not isinstance(directions, str):
            problem(f"{where}.directions", "must be text")
            continue
        places.append(PlaceSpec(place["name"].strip(), PlaceKind(kind), directions.strip()))
    return places


def import_places(ctx: Context, sites: list[SiteSpec]) -> tuple[int, int]:
    """Adds what is new (re-importing the same file changes nothing); returns (sites, places) added."""
    added_sites = added_places = 0
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        known_places = {(p.site_id, p.name.casefold()) for p in uow.places.list(programme.saved_id)}
        for spec in sites:
            site = uow.sites.by_name(programme.saved_id, spec.name)
            if site is None:
                site = uow.sites.add(Site(programme.saved_id, spec.name))
                added_sites += 1
            for place in spec.places:
                if (site.saved_id, place.name.casefold()) not in known_places:
                    uow.places.add(Place(site.saved_id, place.name, place.kind, place.directions))
                    known_places.add((site.saved_id, place.name.casefold()))
                    added_places += 1
        uow.commit()
    return added_sites, added_places


# --- participants ------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffRow:
    platform: str
    user_id: str
    name: str
    email: str | None
    role: Role
    site: str
    department: str | None
    capacity: int


def read_csv(text: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in columns if c not in header]
    if missing:
        raise ImportRejected(
            [f"line 1: the header is missing column(s) {', '.join(missing)}; expected {','.join(columns)}"]
        )
    reader.fieldnames = header
    rows = [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]
    if not rows:
        raise ImportRejected(["the file has a header but no rows"])
    return rows


def read_staff(text: str, known_sites: list[str]) -> list[StaffRow]:
    sites = {s.casefold(): s for s in known_sites}
    problems, rows, seen = [], [], set()
    for line, row in read_csv(text, PARTICIPANT_COLUMNS):
        try:
            staff = _staff_row(row, sites)
        except ValueError as problem:
            problems.append(f"line {line}, {problem}")
            continue
        if (staff.platform, staff.user_id) in seen:
            problems.append(f"line {line}, user_id: {staff.platform} user {staff.user_id} appears twice")
        seen.add((staff.platform, staff.user_id))
        rows.append(staff)
    if problems:
        raise ImportRejected(problems)
    return rows


def _staff_row(row: dict[str, str], sites: dict[str, str]) -> StaffRow:
    platform = row["platform"].lower()
    if platform not in PLATFORMS:
        raise ValueError(f"platform: '{platform}' is not one of {', '.join(PLATFORMS)}")
    for field in ("user_id", "name"):
        if not row[field]:
            raise ValueError(f"{field}: is empty")
    if row["email"] and not _EMAIL.match(row["email"]):
        raise ValueError(f"email: '{row['email']}' is not an email address")
    if row["role"].lower() not in ("clinician", "manager"):
        raise ValueError(f"role: '{row['role']}' is not clinician or manager")
    role = Role(row["role"].lower())
    if row["site"].casefold() not in sites:
        known = ", ".join(sites.values()) or "none yet; import a places file first"
        raise ValueError(f"site: there is no site called '{row['site']}' (known sites: {known})")
    return StaffRow(
        platform=platform,
        user_id=row["user_id"],
        name=row["name"],
        email=row["email"] or None,
        role=role,
        site=sites[row["site"].casefold()],
        department=row["department"] or None,
        capacity=_capacity(row["capacity"], role),
    )


def _capacity(text: str, role: Role) -> int:
    if not text:
        return 1
    if not text.isdigit() or not 1 <= int(text) <= MAX_CAPACITY:
        raise ValueError(f"capacity: '{text}' must be a whole number from 1 to {MAX_CAPACITY}")
    if role is Role.CLINICIAN and int(text) != 1:
        raise ValueError("capacity: only managers meet more than one person a week")
    return int(text)


def import_staff(ctx: Context, text: str) -> tuple[int, int]:
    """Enrols everyone in the file (or updates them); returns (added, updated)."""
    added = updated = 0
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        sites = {s.name: s for s in uow.sites.list(programme.saved_id)}
        for row in read_staff(text, list(sites)):
            person = uow.participants.find(programme.saved_id, row.platform, row.user_id)
            if person is None:
                person = uow.participants.add(
                    _participant(programme.saved_id, row, sites[row.site].saved_id, ctx)
                )
                welcome(uow, programme.saved_id, person, sites, ctx.clock.now())
                added += 1
            else:
                _update(person, row, sites[row.site].saved_id)
                uow.participants.save(person)
                updated += 1
        uow.commit()
    return added, updated


def _participant(programme_id: int, row: StaffRow, site_id: int, ctx: Context) -> Participant:
    return Participant(
        programme_id=programme_id,
        platform=row.platform,
        user_id=row.user_id,
        display_name=row.name,
        email=row.email,
        role=row.role,
        site_id=site_id,
        department=row.department,
        capacity=row.capacity,
        joined_at=ctx.clock.now(),
    )


def _update(person: Participant, row: StaffRow, site_id: int) -> None:
    person.display_name, person.email, person.role = row.name, row.email, row.role
    person.site_id, person.department, person.capacity = site_id, row.department, row.capacity


# --- do-not-pair -------------------------------------------------------------------------


def import_exclusions(ctx: Context, text: str) -> int:
    """Pairs that must never be made (e.g. a clinician and their own line manager)."""
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        problems, exclusions = [], []
        for line, row in read_csv(text, EXCLUSION_COLUMNS):
            clinician = uow.participants.find(
                programme.saved_id, row["clinician_platform"].lower(), row["clinician_user_id"]
            )
            manager = uow.participants.find(
                programme.saved_id, row["manager_platform"].lower(), row["manager_user_id"]
            )
            if clinician is None or clinician.role is not Role.CLINICIAN:
                problems.append(
                    f"line {line}, clinician_user_id: no clinician {row['clinician_user_id']} is enrolled"
                )
            elif manager is None or manager.role is not Role.MANAGER:
                problems.append(
                    f"line {line}, manager_user_id: no manager {row['manager_user_id']} is enrolled"
                )
            else:
                exclusions.append(Exclusion(programme.saved_id, clinician.saved_id, manager.saved_id))
        if problems:
            raise ImportRejected(problems)
        for exclusion in exclusions:
            uow.exclusions.add(exclusion)
        uow.commit()
    return len(exclusions)


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())

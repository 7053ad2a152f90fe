"""Bulk set-up from files: sites and places (YAML), a staff list (CSV), do-not-pair lists (CSV).

Every file is checked whole before anything is written; each problem is reported with its
line and field, and nothing partial is imported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.context import Context, default_programme, programme_settings_in
from bot.erasure_register import digests_of
from bot.errors import CorridorError
from bot.model import ERASED_NAME, MAX_CAPACITY, Exclusion, Participant, Place, PlaceKind, Role, Site
from bot.ports import UnitOfWork
from bot.pseudonyms import normalise_user_id
from bot.quiet import welcome_all
from bot.shifts import parse_opening

PLATFORMS = ("slack", "teams", "console")
PARTICIPANT_COLUMNS = ("platform", "user_id", "name", "email", "role", "site", "department", "capacity")
EXCLUSION_COLUMNS = ("clinician_platform", "clinician_user_id", "manager_platform", "manager_user_id")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# Enough to fix a file in one go without a screenful per typo; the rest are counted.
SHOWN_PROBLEMS = 50
# Column widths in storage/tables.py: checked here so nothing fails inside the database.
LONGEST = {"user_id": 255, "email": 255, "name": 200, "site": 200, "department": 200, "directions": 1000}
_SHORTEST_LIMIT = min(200, *LONGEST.values())
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class ImportRejected(CorridorError):
    """Every problem in the file, with its line and field; nothing was written."""

    def __init__(self, problems: list[str]):
        shown = "; ".join(problems[:SHOWN_PROBLEMS])
        hidden = len(problems) - SHOWN_PROBLEMS
        more = f"; and {hidden} more problem(s)" if hidden > 0 else ""
        super().__init__(f"{shown}{more}. Nothing was imported.")
        self.problems = problems


# --- places ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceSpec:
    name: str
    kind: PlaceKind
    directions: str
    retired: bool = False  # `retired: true` in the file (bot/file_imports.py)
    # Opening hours, "07:00-19:00"; None: open whenever the site is.
    hours: str | None = None


@dataclass(frozen=True)
class SiteSpec:
    name: str
    places: list[PlaceSpec]
    retired: bool = False


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
        if bad := _unstorable(name, LONGEST["site"]):
            problem(f"{path}.name", bad)
            continue
        if name.casefold() in seen:
            problem(f"{path}.name", f"the site '{name}' is listed twice")
        seen.add(name.casefold())
        retired = _retired(site, path, problem)
        sites.append(SiteSpec(name, _read_site_places(site.get("places") or [], path, problem), retired))
    if problems:
        raise ImportRejected(problems)
    return sites


def _read_site_places(places_data: object, path: str, problem: Callable[[str, str], None]) -> list[PlaceSpec]:
    if not isinstance(places_data, list):
        problem(f"{path}.places", "must be a list of places")
        return []
    places, seen = [], set()
    for j, place in enumerate(places_data):
        where = f"{path}.places[{j}]"
        if not isinstance(place, dict) or not _text(place.get("name")):
            problem(f"{where}.name", "every place needs a name")
            continue
        if place["name"].strip().casefold() in seen:
            problem(f"{where}.name", f"the place '{place['name'].strip()}' is listed twice at this site")
            continue
        seen.add(place["name"].strip().casefold())
        kind = str(place.get("kind", "other")).strip().lower()
        if kind not in PlaceKind.__members__.values():
            problem(f"{where}.kind", f"'{kind}' is not one of {', '.join(k.value for k in PlaceKind)}")
            continue
        directions = place.get("directions") or ""
        if not isinstance(directions, str):
            problem(f"{where}.directions", "must be text")
            continue
        unstorable = [
            (field, bad)
            for field, value in (("name", place["name"].strip()), ("directions", directions.strip()))
            if (bad := _unstorable(value, LONGEST[field]))
        ]
        for field, bad in unstorable:
            problem(f"{where}.{field}", bad)
        if unstorable:
            continue
        retired = _retired(place, where, problem)
        try:
            hours = _opening_hours(place.get("hours"))
        except ValueError:
            problem(f"{where}.hours", "must be opening hours written like 07:00-19:00")
            continue
        places.append(
            PlaceSpec(
                place["name"].strip(), PlaceKind(kind), directions.strip(), retired=retired, hours=hours
            )
        )
    return places


def _retired(entry: dict[str, object], path: str, problem: Callable[[str, str], None]) -> bool:
    value = entry.get("retired", False)
    if not isinstance(value, bool):
        problem(f"{path}.retired", "write `retired: true` to retire it, or leave the line out")
        return False
    return value


def _opening_hours(value: object) -> str | None:
    """The hours as stored ("07:00-19:00"), or None when not given; ValueError when unreadable."""
    if value is None or value == "":
        return None
    opening = parse_opening(str(value))
    if opening is None or opening[0] >= opening[1]:
        raise ValueError("opening hours must open before they close")
    return f"{opening[0]:%H:%M}-{opening[1]:%H:%M}"


def import_places(ctx: Context, sites: list[SiteSpec]) -> tuple[int, int]:
    """Adds what is new (re-importing the same file changes nothing); returns (sites, places) added.

    The programme's sites and places are read once and what is new is written in bulk, so
    10,000 sites cost about what one does ten thousand times, not a look-up per site."""
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        by_name = {_site_key(site.name): site for site in uow.sites.list(programme.saved_id)}
        new_sites = []
        for spec in sites:
            if _site_key(spec.name) not in by_name:
                by_name[_site_key(spec.name)] = site = Site(programme.saved_id, spec.name)
                new_sites.append(site)
        uow.sites.add_many(new_sites)
        known_places = {(p.site_id, p.name.casefold()) for p in uow.places.list(programme.saved_id)}
        new_places = []
        for spec in sites:
            site = by_name[_site_key(spec.name)]
            for place in spec.places:
                if (site.saved_id, place.name.casefold()) not in known_places:
                    new_places.append(
                        Place(site.saved_id, place.name, place.kind, place.directions, hours=place.hours)
                    )
                    known_places.add((site.saved_id, place.name.casefold()))
        uow.places.add_many(new_places)
        uow.commit()
    return len(new_sites), len(new_places)


def _site_key(name: str) -> str:
    # As SiteRepository.by_name compares: full case folding, outer spaces ignored.
    return name.strip().casefold()


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
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    if ";" in first and "," not in first:
        raise ImportRejected(
            ["line 1: the columns are separated by semicolons; use commas (in Excel: Save As > CSV UTF-8)"]
        )
    # newline="": a lone carriage return (an old Mac export) ends a line rather than break the reader.
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _rows(reader, columns)
    except csv.Error as problem:
        raise ImportRejected(
            [f"line {reader.line_num}: this is not laid out as CSV ({problem}); {_SAVE_AS_CSV}"]
        ) from None


_SAVE_AS_CSV = "save it from Excel with Save As > CSV UTF-8"


def _rows(reader: csv.DictReader[str], columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
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


@dataclass(frozen=True)
class StaffProblem:
    line: int
    field: str
    text: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.text}"


def check_staff(text: str, known_sites: list[str]) -> tuple[list[tuple[int, StaffRow]], list[StaffProblem]]:
    """Every row that reads well, with its line, and every problem in the file, field by field."""
    try:
        lines = read_csv(text, PARTICIPANT_COLUMNS)
    except ImportRejected as rejected:
        return [], [StaffProblem(1, "file", said.removeprefix("line 1: ")) for said in rejected.problems]
    sites = {s.casefold(): s for s in known_sites}
    problems: list[StaffProblem] = []
    rows: list[tuple[int, StaffRow]] = []
    seen: set[tuple[str, str]] = set()
    for line, row in lines:
        found = field_problems(row) or _row_problems(row, sites)
        platform = row["platform"].lower()
        who = (
            platform,
            normalise_user_id(platform, row["user_id"]) if platform in PLATFORMS else row["user_id"],
        )
        if who in seen and who[1]:
            found.append(("user_id", f"{who[0]} user {who[1]} appears twice"))
        seen.add(who)
        problems += [StaffProblem(line, field, complaint) for field, complaint in found]
        if not found:
            rows.append((line, _staff_row(row, sites)))
    return rows, problems


def read_staff(text: str, known_sites: list[str]) -> list[StaffRow]:
    rows, problems = check_staff(text, known_sites)
    if problems:
        raise ImportRejected([str(problem) for problem in problems])
    return [row for _, row in rows]


def _row_problems(row: dict[str, str], sites: dict[str, str]) -> list[tuple[str, str]]:
    problems = []
    platform = row["platform"].lower()
    if platform not in PLATFORMS:
        problems.append(("platform", f"'{platform}' is not one of {', '.join(PLATFORMS)}"))
    problems += [(field, "is empty") for field in ("user_id", "name") if not row[field]]
    if row["email"] and not _EMAIL.match(row["email"]):
        problems.append(("email", f"'{row['email']}' is not an email address"))
    role = row["role"].lower()
    if role not in ("clinician", "manager"):
        problems.append(("role", f"'{row['role']}' is not clinician or manager"))
    if row["site"].casefold() not in sites:
        known = ", ".join(sites.values()) or "none yet; import a places file first"
        problems.append(("site", f"there is no site called '{row['site']}' (known sites: {known})"))
    try:
        _capacity(row["capacity"], Role(role) if role in ("clinician", "manager") else Role.MANAGER)
    except ValueError as problem:
        problems.append(("capacity", str(problem).removeprefix("capacity: ")))
    return problems


def field_problems(row: dict[str, str]) -> list[tuple[str, str]]:
    """Lengths and control characters, before any value can reach the database."""
    # Nearly every row is fine: one search over the whole row, then the field by field
    # look only for a row that has something to say (100,000 rows: 4 s -> 0.4 s).
    values = row.values()
    if max(map(len, values), default=0) <= _SHORTEST_LIMIT and not _CONTROL.search("\t".join(values)):
        return []
    found = ((field, _unstorable(value, LONGEST.get(field, 200))) for field, value in row.items())
    return [(field, complaint) for field, complaint in found if complaint]


def _unstorable(value: str, longest: int) -> str | None:
    if _CONTROL.search(value):
        return "contains a control character (such as NUL); retype it"
    if len(value) > longest:
        return f"is {len(value)} characters; at most {longest} fit"
    return None


def _staff_row(row: dict[str, str], sites: dict[str, str]) -> StaffRow:
    """A row `_row_problems` found nothing wrong with."""
    platform = row["platform"].lower()
    role = Role(row["role"].lower())
    return StaffRow(
        platform=platform,
        # As the platform will send it back: otherwise the person is told they haven't joined.
        user_id=normalise_user_id(platform, row["user_id"]),
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


@dataclass(frozen=True)
class StaffImport:
    added: int
    updated: int
    # On the erasure register: they asked to be forgotten, and only they can undo that.
    skipped_erased: int = 0

    def summary(self, source: str) -> str:
        text = f"Enrolled {self.added} new participant(s) and updated {self.updated} from {source}."
        if self.skipped_erased:
            who = "person" if self.skipped_erased == 1 else "people"
            text += (
                f" Skipped {self.skipped_erased} {who} who asked to be erased: Corridor will not enrol "
                "them again from a list; they can come back by typing `join` themselves."
            )
        return text


def import_staff(ctx: Context, text: str) -> StaffImport:
    """Enrols everyone in the file (or updates them), except anyone on the erasure register."""
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        # Not the placeholder erased people are moved to: nobody is based there.
        sites = {s.name: s.saved_id for s in uow.sites.list(programme.saved_id) if s.name != ERASED_NAME}
        done = enrol_staff(uow, ctx, programme.saved_id, read_staff(text, list(sites)), sites)
        uow.commit()
    return done


def erased_rows(uow: UnitOfWork, ctx: Context, rows: list[StaffRow]) -> set[int]:
    """Indexes of the rows whose id or email is on the register, asked in one go."""
    owner: dict[str, int] = {}
    for index, row in enumerate(rows):
        for found in digests_of(ctx, row.platform, row.user_id, row.email):
            owner[found] = index
    return {owner[found] for found in uow.erasure_register.registered(owner)}


def enrol_staff(
    uow: UnitOfWork, ctx: Context, programme_id: int, rows: list[StaffRow], site_ids: dict[str, int]
) -> StaffImport:
    """Adds or updates each row's person, inside the caller's transaction, except anyone on the
    erasure register: whatever path a staff list takes, it never brings an erased person back."""
    updated = 0
    erased = erased_rows(uow, ctx, rows)
    # One read of everyone, not one query a row; a checked file names nobody twice. The new
    # are written in one bulk insert, and only people whose details changed are saved.
    known = {(p.platform, p.user_id): p for p in uow.participants.list(programme_id)}
    sites = {site.name: site for site in uow.sites.list(programme_id)}
    weeks = programme_settings_in(uow, ctx.settings).cadence_weeks
    new: list[Participant] = []
    now = ctx.clock.now()  # one moment for the whole list, as one transaction writes it
    for index, row in enumerate(rows):
        if index in erased:
            continue
        person = known.get((row.platform, row.user_id))
        if person is None:
            new.append(_participant(programme_id, row, site_ids[row.site], now))
            continue
        if _update(person, row, site_ids[row.site]):
            uow.participants.save(person)
        updated += 1
    uow.participants.add_many(new)
    # They never chose Corridor: before any intro, say what it is and how to leave.
    welcome_all(uow, programme_id, new, sites, now, weeks)
    return StaffImport(len(new), updated, len(erased))


def _participant(programme_id: int, row: StaffRow, site_id: int, now: datetime) -> Participant:
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
        joined_at=now,
    )


def _update(person: Participant, row: StaffRow, site_id: int) -> bool:
    """True when the row changed anything."""
    before = (
        person.display_name,
        person.email,
        person.role,
        person.site_id,
        person.department,
        person.capacity,
    )
    person.display_name, person.email, person.role = row.name, row.email, row.role
    person.site_id, person.department, person.capacity = site_id, row.department, row.capacity
    return before != (row.name, row.email, row.role, site_id, row.department, row.capacity)


# --- do-not-pair -------------------------------------------------------------------------


def import_exclusions(ctx: Context, text: str) -> int:
    """Pairs that must never be made (e.g. a clinician and their own line manager)."""
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        problems, exclusions = [], []
        for line, row in read_csv(text, EXCLUSION_COLUMNS):
            if found := field_problems(row):
                problems += [f"line {line}, {field}: {complaint}" for field, complaint in found]
                continue
            clinician = enrolled(uow, programme.saved_id, row["clinician_platform"], row["clinician_user_id"])
            manager = enrolled(uow, programme.saved_id, row["manager_platform"], row["manager_user_id"])
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


def enrolled(uow: UnitOfWork, programme_id: int, platform: str, user_id: str) -> Participant | None:
    platform = platform.lower()
    return uow.participants.find(programme_id, platform, normalise_user_id(platform, user_id))


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())

"""The places file and the do-not-pair file, as changes to preview and then confirm.

The same rules as the dashboard's staff-list import (bot/dashboard/staff_import.py): reading a
file changes nothing and lists every change it would make and every problem in it at once; a
file with any problem cannot be confirmed; confirming plans the file again, afresh, and writes
only if the plan is still the one previewed (its fingerprint), all in one transaction, with
each change in the audit log under whoever confirmed it.

What a file means:

- A places file (YAML) is the full list of places for each site it names. A place listed is
  added, or brought up to date (its kind, its directions); a place of a named site that is
  not listed, or is listed with `retired: true`, is retired (no longer suggested; pairs sent
  there keep its name). A site with `retired: true` is retired (it leaves the join picker;
  its people stay where they are), and a retired site listed again is back in use. Sites the
  file does not name are left as they are, so a file can cover one site.
- A do-not-pair file (CSV) is the full list of the programme's do-not-pair rules: rules in it
  are added, and rules not in it are removed (rules naming someone erased are left alone:
  nobody can name them in a file any more).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.context import Context, default_programme
from bot.errors import Conflict
from bot.imports import (
    EXCLUSION_COLUMNS,
    ImportRejected,
    PlaceSpec,
    SiteSpec,
    enrolled,
    field_problems,
    read_csv,
    read_places,
)
from bot.model import AuditEntry, Exclusion, Organiser, Participant, Place, Programme, Role, Site
from bot.ports import UnitOfWork


@dataclass(frozen=True)
class FileChange:
    action: str  # what the audit log calls it, e.g. "Retired a place"
    detail: str


@dataclass(frozen=True)
class FilePreview:
    changes: list[FileChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def can_confirm(self) -> bool:
        return not self.problems and bool(self.changes)


@dataclass(frozen=True)
class Confirmed:
    preview: FilePreview
    done: str = ""  # what was written, when it was
    problem: str = ""  # why nothing was written

    @property
    def ok(self) -> bool:
        return not self.problem


Write = Callable[[UnitOfWork], None]
# Reads the file against the database: each change with how to write it, and the problems.
Plan = Callable[[UnitOfWork, Programme], tuple[list[tuple[FileChange, Write]], list[str]]]


@dataclass
class _Additions:
    """New sites and places, gathered by the plan's writes and written in bulk at the end:
    a file of 10,000 sites is a few statements, not 30,000 (bench/imports.py)."""

    sites: list[Site] = field(default_factory=list)
    places: list[tuple[PlaceSpec, Callable[[], int]]] = field(default_factory=list)

    def write(self, uow: UnitOfWork) -> None:
        uow.sites.add_many(self.sites)  # gives each its id, which the places below then read
        uow.places.add_many(
            [Place(site_id(), p.name, p.kind, p.directions, hours=p.hours) for p, site_id in self.places]
        )
        self.sites, self.places = [], []


# --- previewing and confirming, the same for both files ------------------------------------


def _preview(changes: list[tuple[FileChange, Write]], problems: list[str]) -> FilePreview:
    listed = [change for change, _ in changes]
    text = "\n".join(f"{c.action}\t{c.detail}" for c in listed) + "\n--\n" + "\n".join(problems)
    return FilePreview(listed, problems, hashlib.sha256(text.encode("utf-8")).hexdigest())


def _confirm(
    ctx: Context,
    who: Organiser,
    fingerprint: str,
    plan: Plan,
    finish: Write | None = None,
) -> Confirmed:
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        changes, problems = plan(uow, programme)
        preview = _preview(changes, problems)
        if preview.problems:
            return Confirmed(
                preview, problem="The file has problems; fix them and try again. Nothing changed."
            )
        if preview.fingerprint != fingerprint:
            return Confirmed(
                preview, problem="Something changed since the preview; check it again. Nothing changed."
            )
        if not preview.changes:
            return Confirmed(preview, done="Nothing to change: everything in the file is already so.")
        for _, write in changes:
            write(uow)
        if finish is not None:
            finish(uow)
        now = ctx.clock.now()
        uow.audit.add_many([AuditEntry(programme.saved_id, now, who, c.action, c.detail) for c, _ in changes])
        try:
            uow.commit()
        except Conflict:
            return Confirmed(
                preview, problem="Someone else changed this just now; try again. Nothing changed."
            )
    return Confirmed(preview, done=f"Made {len(changes)} change(s).")


def _previewed(ctx: Context, plan: Plan) -> FilePreview:
    with ctx.uow(read_only=True) as uow:
        programme = default_programme(uow, ctx.settings)
        return _preview(*plan(uow, programme))


# --- places --------------------------------------------------------------------------------


def preview_places(ctx: Context, document: object, line_of: Callable[[str], int | None]) -> FilePreview:
    return _previewed(ctx, _places_plan(ctx, document, line_of))


def confirm_places(
    ctx: Context, who: Organiser, document: object, line_of: Callable[[str], int | None], fingerprint: str
) -> Confirmed:
    additions = _Additions()
    plan = _places_plan(ctx, document, line_of, additions)
    return _confirm(ctx, who, fingerprint, plan, additions.write)


def _places_plan(
    ctx: Context,
    document: object,
    line_of: Callable[[str], int | None],
    additions: _Additions | None = None,
) -> Plan:
    adding = additions or _Additions()  # a preview never writes, so its additions go nowhere

    def plan(uow: UnitOfWork, programme: Programme) -> tuple[list[tuple[FileChange, Write]], list[str]]:
        try:
            specs = read_places(document, line_of)
        except ImportRejected as rejected:
            return [], rejected.problems
        # Read once and looked up by key: one query per site made 10,000 sites take minutes.
        sites = {_site_key(site.name): site for site in uow.sites.list(programme.saved_id)}
        places: dict[int, list[Place]] = defaultdict(list)
        for place in uow.places.list(programme.saved_id):
            places[place.site_id].append(place)
        changes: list[tuple[FileChange, Write]] = []
        for spec in specs:
            site = sites.get(_site_key(spec.name))
            theirs = places[site.saved_id] if site is not None else []
            changes += _site_changes(ctx, programme, spec, site, theirs, adding)
        return changes, []

    return plan


def _site_key(name: str) -> str:
    # As SiteRepository.by_name compares: full case folding, outer spaces ignored.
    return name.strip().casefold()


def _site_changes(
    ctx: Context,
    programme: Programme,
    spec: SiteSpec,
    site: Site | None,
    places: list[Place],
    additions: _Additions,
) -> list[tuple[FileChange, Write]]:
    now = ctx.clock.now()
    if spec.retired:
        if site is None or site.retired:
            return []  # nothing to retire: never made, or retired already

        def retire_site(uow: UnitOfWork, site: Site = site) -> None:
            site.retired_at = now
            uow.sites.save(site)

        return [(FileChange("Retired a site", site.name), retire_site)]
    changes: list[tuple[FileChange, Write]] = []
    if site is None:
        new_site = Site(programme.saved_id, spec.name)

        def add_site(uow: UnitOfWork) -> None:
            additions.sites.append(new_site)

        changes.append((FileChange("Added a site", spec.name), add_site))
        for place in spec.places:
            if not place.retired:
                changes.append(
                    (_new_place(place, spec.name), _adder(place, lambda: new_site.saved_id, additions))
                )
        return changes
    if site.retired:

        def reopen(uow: UnitOfWork, site: Site = site) -> None:
            site.retired_at = None
            uow.sites.save(site)

        changes.append((FileChange("Brought a site back into use", site.name), reopen))
    theirs = {p.name.casefold(): p for p in places}
    for place in spec.places:
        known = theirs.pop(place.name.casefold(), None)
        if known is None and not place.retired:
            changes.append((_new_place(place, site.name), _adder(place, lambda: site.saved_id, additions)))
        elif known is not None:
            changes += _place_changes(known, place, site.name, now)
    for left_out in theirs.values():
        if not left_out.retired:
            changes += _place_changes(
                left_out, PlaceSpec(left_out.name, left_out.kind, "", retired=True), site.name, now
            )
    return changes


def _hours(hours: str | None) -> str:
    return hours or "whenever the site is open"


def _new_place(place: PlaceSpec, site: str) -> FileChange:
    return FileChange(
        "Added a place", f"{place.name} ({place.kind.label}) at {site}: {place.directions or 'no directions'}"
    )


def _adder(place: PlaceSpec, site_id: Callable[[], int], additions: _Additions) -> Write:
    def add(uow: UnitOfWork) -> None:
        additions.places.append((place, site_id))

    return add


def _place_changes(
    known: Place, wanted: PlaceSpec, site: str, now: datetime
) -> list[tuple[FileChange, Write]]:
    def save(uow: UnitOfWork) -> None:
        uow.places.save(known)

    if wanted.retired:
        if known.retired:
            return []

        def retire(uow: UnitOfWork) -> None:
            known.retired_at = now
            save(uow)

        return [(FileChange("Retired a place", f"{known.name} at {site}"), retire)]
    said = []
    if known.retired:
        said.append("back in use")
    if known.kind is not wanted.kind:
        said.append(f"kind {known.kind.label} → {wanted.kind.label}")
    if known.directions != wanted.directions:
        said.append(f"directions “{known.directions}” → “{wanted.directions}”")
    if known.hours != wanted.hours:
        said.append(f"hours {_hours(known.hours)} → {_hours(wanted.hours)}")
    if not said:
        return []

    def update(uow: UnitOfWork) -> None:
        known.kind, known.directions, known.hours = wanted.kind, wanted.directions, wanted.hours
        known.retired_at = None
        save(uow)

    return [(FileChange("Changed a place", f"{known.name} at {site}: {'; '.join(said)}"), update)]


# --- do-not-pair rules ---------------------------------------------------------------------


def preview_exclusions(ctx: Context, text: str) -> FilePreview:
    return _previewed(ctx, _exclusions_plan(text))


def confirm_exclusions(ctx: Context, who: Organiser, text: str, fingerprint: str) -> Confirmed:
    return _confirm(ctx, who, fingerprint, _exclusions_plan(text))


def _exclusions_plan(text: str) -> Plan:
    def plan(uow: UnitOfWork, programme: Programme) -> tuple[list[tuple[FileChange, Write]], list[str]]:
        try:
            rows = read_csv(text, EXCLUSION_COLUMNS)
        except ImportRejected as rejected:
            return [], rejected.problems
        wanted, problems = _wanted_rules(uow, programme, rows)
        standing = uow.exclusions.list(programme.saved_id)
        stands = {(r.clinician_id, r.manager_id) for r in standing}
        people = uow.participants.get_many({i for r in standing for i in (r.clinician_id, r.manager_id)})
        changes: list[tuple[FileChange, Write]] = []
        for (clinician_id, manager_id), names in wanted.items():
            if (clinician_id, manager_id) not in stands:
                rule = Exclusion(programme.saved_id, clinician_id, manager_id)
                changes.append((FileChange("Added a do-not-pair rule", names), _rule_adder(rule)))
        for rule in standing:
            clinician, manager = people.get(rule.clinician_id), people.get(rule.manager_id)
            if (rule.clinician_id, rule.manager_id) in wanted or not clinician or not manager:
                continue
            if clinician.erased or manager.erased:
                continue
            names = f"{clinician.display_name} and {manager.display_name}"
            changes.append((FileChange("Removed a do-not-pair rule", names), _rule_remover(rule)))
        return changes, problems

    return plan


def _wanted_rules(
    uow: UnitOfWork, programme: Programme, rows: list[tuple[int, dict[str, str]]]
) -> tuple[dict[tuple[int, int], str], list[str]]:
    """(clinician id, manager id) of each rule in the file, with the two names; and problems."""
    wanted: dict[tuple[int, int], str] = {}
    problems: list[str] = []
    for line, row in rows:
        if found := field_problems(row):
            problems += [f"line {line}, {name}: {complaint}" for name, complaint in found]
            continue
        clinician = _member(uow, programme, row, "clinician", Role.CLINICIAN)
        manager = _member(uow, programme, row, "manager", Role.MANAGER)
        if clinician is None:
            problems.append(
                f"line {line}, clinician_user_id: no clinician {row['clinician_user_id']} is enrolled"
            )
        if manager is None:
            problems.append(f"line {line}, manager_user_id: no manager {row['manager_user_id']} is enrolled")
        if clinician and manager:
            wanted[clinician.saved_id, manager.saved_id] = (
                f"{clinician.display_name} and {manager.display_name}"
            )
    return wanted, problems


def _member(
    uow: UnitOfWork, programme: Programme, row: dict[str, str], who: str, role: Role
) -> Participant | None:
    person = enrolled(uow, programme.saved_id, row[f"{who}_platform"], row[f"{who}_user_id"])
    if person is None or person.role is not role or person.erased or person.left_at is not None:
        return None
    return person


def _rule_adder(rule: Exclusion) -> Write:
    return lambda uow: uow.exclusions.add(rule)


def _rule_remover(rule: Exclusion) -> Write:
    def remove(uow: UnitOfWork) -> None:
        uow.exclusions.remove(rule)

    return remove

"""Sites and their meeting places, as organisers keep them: rename, add, edit, retire.

Every change is checked whole before anything is written, so bad input changes nothing,
and each one is written to the audit log in the same transaction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.context import Context, default_programme
from bot.dashboard.audit import record
from bot.errors import Conflict
from bot.model import Organiser, Place, PlaceKind, Site, Status
from bot.ports import UnitOfWork

NAME_LIMIT = 200
DIRECTIONS_LIMIT = 1000


@dataclass(frozen=True)
class Change:
    """What a form did: ``done`` says what changed; ``problems`` maps a field to what to fix."""

    done: str = ""
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class PlaceView:
    id: int
    site_id: int
    site_name: str
    name: str
    kind: str
    kind_label: str
    directions: str
    retired: bool = False  # no longer suggested (a places file left it out)


@dataclass(frozen=True)
class SiteView:
    id: int
    name: str
    retired: bool
    people: int
    places: list[PlaceView] = field(default_factory=list)


def place_kinds() -> list[tuple[str, str]]:
    return [(kind.value, kind.label) for kind in PlaceKind]


def list_sites(ctx: Context) -> list[SiteView]:
    with ctx.uow(read_only=True) as uow:
        programme = default_programme(uow, ctx.settings)
        sites = uow.sites.list(programme.saved_id)
        places = uow.places.list(programme.saved_id)
        counts = uow.figures.people(programme.saved_id, ctx.today())
    based_at = Counter[int]()
    for count in counts:
        if count.status is not Status.LEFT:
            based_at[count.site_id] += count.count
    views = []
    for site in sites:
        mine = [_place_view(p, site) for p in places if p.site_id == site.saved_id]
        based = based_at[site.saved_id]
        views.append(SiteView(site.saved_id, site.name, site.retired, based, mine))
    return sorted(views, key=lambda s: (s.retired, s.name.casefold()))


def find_site(ctx: Context, site_id: int) -> SiteView | None:
    return next((s for s in list_sites(ctx) if s.id == site_id), None)


def find_place(ctx: Context, place_id: int) -> PlaceView | None:
    for site in list_sites(ctx):
        for place in site.places:
            if place.id == place_id:
                return place
    return None


def _place_view(place: Place, site: Site) -> PlaceView:
    return PlaceView(
        place.saved_id,
        site.saved_id,
        site.name,
        place.name,
        place.kind.value,
        place.kind.label,
        place.directions,
        place.retired,
    )


def rename_site(ctx: Context, who: Organiser, site_id: int, name: str) -> Change:
    name = _tidy(name)
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        site = _site_of(uow, programme.saved_id, site_id)
        if site is None:
            return Change(problems={"name": "That site no longer exists; go back to the list of sites."})
        problem = _site_name_problem(uow, programme.saved_id, site, name)
        if problem:
            return Change(problems={"name": problem})
        before, site.name = site.name, name
        uow.sites.save(site)
        record(uow, ctx, programme, who, "Renamed a site", f"{before} → {name}")
        return _commit(uow, f"Renamed {before} to {name}.", "name", "Another site has that name.")


def retire_site(ctx: Context, who: Organiser, site_id: int) -> Change:
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        site = _site_of(uow, programme.saved_id, site_id)
        if site is None or site.retired:
            return Change(problems={"site": "That site is already retired or no longer exists."})
        site.retired_at = ctx.clock.now()
        uow.sites.save(site)
        record(uow, ctx, programme, who, "Retired a site", site.name)
        return _commit(uow, f"Retired {site.name}: it no longer appears when people join.", "site", "")


def add_place(ctx: Context, who: Organiser, site_id: int, name: str, kind: str, directions: str) -> Change:
    name, directions = _tidy(name), directions.strip()
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        site = _site_of(uow, programme.saved_id, site_id)
        if site is None:
            return Change(problems={"name": "That site no longer exists; go back to the list of sites."})
        problems = _place_problems(name, kind, directions)
        if problems:
            return Change(problems=problems)
        uow.places.add(Place(site.saved_id, name, PlaceKind(kind), directions))
        record(uow, ctx, programme, who, "Added a place", f"{name} ({PlaceKind(kind).label}) at {site.name}")
        return _commit(uow, f"Added {name} at {site.name}.", "name", "")


def edit_place(ctx: Context, who: Organiser, place_id: int, name: str, kind: str, directions: str) -> Change:
    name, directions = _tidy(name), directions.strip()
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        place = uow.places.get(place_id)
        site = _site_of(uow, programme.saved_id, place.site_id) if place is not None else None
        if place is None or site is None:
            return Change(problems={"name": "That place no longer exists; go back to the list of sites."})
        problems = _place_problems(name, kind, directions)
        if problems:
            return Change(problems=problems)
        changes = _described_changes(place, name, PlaceKind(kind), directions)
        if not changes:
            return Change(done=f"Nothing to change: {place.name} already reads like that.")
        place.name, place.kind, place.directions = name, PlaceKind(kind), directions
        uow.places.save(place)
        record(uow, ctx, programme, who, "Changed a place", f"{site.name}: " + "; ".join(changes))
        return _commit(uow, f"Saved {name} at {site.name}.", "name", "")


def _described_changes(place: Place, name: str, kind: PlaceKind, directions: str) -> list[str]:
    changes = []
    if name != place.name:
        changes.append(f"name {place.name} → {name}")
    if kind is not place.kind:
        changes.append(f"kind {place.kind.label} → {kind.label}")
    if directions != place.directions:
        changes.append(f"directions for {name} now “{directions}”")
    return changes


def _site_of(uow: UnitOfWork, programme_id: int, site_id: int) -> Site | None:
    site = uow.sites.get(site_id)
    return site if site is not None and site.programme_id == programme_id else None


def _site_name_problem(uow: UnitOfWork, programme_id: int, site: Site, name: str) -> str:
    if not name:
        return "Enter the site's new name."
    if len(name) > NAME_LIMIT:
        return f"A site's name can be up to {NAME_LIMIT} characters; shorten it."
    other = uow.sites.by_name(programme_id, name)
    if other is not None and other.id != site.saved_id:
        return f"There is already a site called {other.name}; choose another name."
    return ""


def _place_problems(name: str, kind: str, directions: str) -> dict[str, str]:
    problems = {}
    if not name:
        problems["name"] = "Enter the place's name, for example Level 3 staff kitchen."
    elif len(name) > NAME_LIMIT:
        problems["name"] = f"A place's name can be up to {NAME_LIMIT} characters; shorten it."
    if kind not in {k.value for k in PlaceKind}:
        problems["kind"] = "Choose what kind of place it is."
    if len(directions) > DIRECTIONS_LIMIT:
        problems["directions"] = f"Directions can be up to {DIRECTIONS_LIMIT} characters; shorten them."
    return problems


def _commit(uow: UnitOfWork, done: str, field_name: str, conflict: str) -> Change:
    try:
        uow.commit()
    except Conflict:
        # Someone else made the same change a moment ago; nothing of ours was written.
        return Change(problems={field_name: conflict or "Someone else changed this just now; try again."})
    return Change(done=done)


def _tidy(text: str) -> str:
    return " ".join(text.split())

"""Big staff lists and places files go in through the bulk path (COPY on PostgreSQL,
executemany on SQLite) and come back exactly as the row-by-row path would store them; an
import that fails leaves nothing written. Times live in bench/imports.py, not here."""

from __future__ import annotations

import pytest

from bot.config import EngineSettings
from bot.context import default_programme
from bot.errors import CorridorError
from bot.imports import PlaceSpec, SiteSpec, import_places, import_staff
from bot.messages import NOTICE
from bot.model import PlaceKind, Role
from corridor_cli.wiring import build_context
from storage.repositories.bulk import BULK_FROM
from storage.schema import upgrade
from tests.fakes import FakeClock, FixedSeeds
from tests.integration.conftest import NOW, engine_for

PEOPLE = BULK_FROM * 3
SITES = BULK_FROM + 50


def _ctx(database_url):
    upgrade(engine_for(database_url))
    return build_context(database_url, EngineSettings(), clock=FakeClock(NOW), seeds=FixedSeeds())


def _staff(count: int, site: str, *, name: str = "Staff Member") -> str:
    lines = ["platform,user_id,name,email,role,site,department,capacity"]
    for n in range(count):
        manager = n % 4 == 0
        lines.append(
            f"slack,u{n:06d},{name} {n},staff.{n}@nhs.example,{'manager' if manager else 'clinician'},"
            f"{site},Ward {n % 9},{2 if manager else ''}"
        )
    return "\n".join(lines) + "\n"


def _sites(count: int) -> list[SiteSpec]:
    return [
        SiteSpec(
            f"Site {n:04d}",
            [
                PlaceSpec(f"Kitchen {n}", PlaceKind.KITCHEN, "By the lifts"),
                PlaceSpec(f"Canteen {n}", PlaceKind.CANTEEN, ""),
            ],
        )
        for n in range(count)
    ]


def test_a_places_file_of_hundreds_of_sites_goes_in_whole_and_a_second_time_adds_nothing(database_url):
    ctx = _ctx(database_url)
    assert import_places(ctx, _sites(SITES)) == (SITES, 2 * SITES)
    assert import_places(ctx, [*_sites(SITES), SiteSpec("site 0001", [])]) == (0, 0)  # same names, any case

    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        sites = {s.id: s for s in uow.sites.list(programme.saved_id)}
        places = uow.places.list(programme.saved_id)
    assert len(sites) == SITES and len(places) == 2 * SITES
    kitchen = next(p for p in places if p.name == "Kitchen 7")
    assert sites[kitchen.site_id].name == "Site 0007"
    assert kitchen.kind is PlaceKind.KITCHEN and kitchen.directions == "By the lifts"


def test_a_big_staff_list_enrols_everyone_with_a_welcome_and_a_second_import_only_updates(database_url):
    ctx = _ctx(database_url)
    import_places(ctx, _sites(1))

    first = import_staff(ctx, _staff(PEOPLE, "Site 0000"))
    again = import_staff(ctx, _staff(PEOPLE, "Site 0000", name="Renamed"))

    assert (first.added, first.updated) == (PEOPLE, 0)
    assert (again.added, again.updated) == (0, PEOPLE)
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        people = uow.participants.list(programme.saved_id)
        welcomes = [m for m in uow.outbox.mentioning(people[7].saved_id) if m.kind == NOTICE]
        counts = uow.outbox.counts(programme.saved_id)
    assert len(people) == PEOPLE and len({p.id for p in people}) == PEOPLE
    seventh = people[7]
    assert (seventh.user_id, seventh.display_name, seventh.email) == (
        "U000007",
        "Renamed 7",
        "staff.7@nhs.example",
    )
    assert seventh.role is Role.CLINICIAN and seventh.department == "Ward 7" and seventh.joined_at == NOW
    assert people[8].role is Role.MANAGER and people[8].capacity == 2
    assert len(welcomes) == 1 and welcomes[0].payload["recipient"]["participant_id"] == seventh.id
    assert counts["pending"] == PEOPLE  # one welcome each, never a second


def test_a_big_staff_list_with_one_bad_row_writes_nothing(database_url):
    ctx = _ctx(database_url)
    import_places(ctx, _sites(1))
    text = _staff(PEOPLE, "Site 0000") + "slack,U999999,Nobody,,nurse,Site 0000,,\n"

    with pytest.raises(CorridorError, match="nurse"):
        import_staff(ctx, text)

    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        assert uow.participants.list(programme.saved_id) == []
        assert uow.outbox.counts(programme.saved_id)["pending"] == 0


def _places_document(count: int, *, directions: str = "By the lifts") -> dict:
    return {
        "sites": [
            {
                "name": f"Site {n:04d}",
                "places": [
                    {"name": f"Kitchen {n}", "kind": "kitchen", "directions": directions},
                    {"name": f"Canteen {n}", "kind": "canteen"},
                ],
            }
            for n in range(count)
        ]
    }


def test_a_big_places_file_confirmed_from_the_command_line_goes_in_whole_with_every_change_audited(
    database_url,
):
    from bot.file_imports import confirm_places, preview_places
    from bot.model import Organiser

    ctx = _ctx(database_url)
    it_staff = Organiser("console", "it", "IT (command line)")
    document = _places_document(SITES)
    preview = preview_places(ctx, document, lambda path: None)
    assert len(preview.changes) == 3 * SITES  # each site and its two places
    assert confirm_places(ctx, it_staff, document, lambda path: None, preview.fingerprint).ok

    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        sites = {site.id: site.name for site in uow.sites.list(programme.id)}
        places = uow.places.list(programme.id)
        audited = uow.audit.recent(programme.id, 10 * SITES)
    assert len(sites) == SITES and len(places) == 2 * SITES
    kitchens = {sites[p.site_id]: p.name for p in places if p.kind is PlaceKind.KITCHEN}
    assert kitchens["Site 0007"] == "Kitchen 7"  # each place under its own new site
    assert len(audited) == 3 * SITES

    # The same file with new directions: only the kitchens change, and nothing is added.
    closed = _places_document(SITES, directions="CLOSED for refurbishment")
    again = preview_places(ctx, closed, lambda path: None)
    assert {c.action for c in again.changes} == {"Changed a place"} and len(again.changes) == SITES
    assert confirm_places(ctx, it_staff, closed, lambda path: None, again.fingerprint).ok
    with ctx.uow() as uow:
        places = uow.places.list(default_programme(uow, ctx.settings).id)
    assert len(places) == 2 * SITES
    assert {p.directions for p in places if p.kind is PlaceKind.KITCHEN} == {"CLOSED for refurbishment"}

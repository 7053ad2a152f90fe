"""The test hospital: one programme, two sites and the spots where people meet, the same in every
suite. It is seeded through whatever unit of work a test runs on, so the in-memory fake and
SQLAlchemy over SQLite or PostgreSQL start from the same hospital.

    hospital = seed_hospital(ctx.uow, ctx.settings)
    hospital.sites[ST_MARYS].id
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import EngineSettings
from bot.context import default_programme
from bot.model import Place, PlaceKind, Programme, Site

ST_MARYS = "St Mary's"
CHARING_CROSS = "Charing Cross"


@dataclass(frozen=True)
class Spot:
    name: str
    kind: PlaceKind
    directions: str


# St Mary's has the canteen so tests can show it is offered only when nothing quieter is free.
SPOTS: dict[str, tuple[Spot, ...]] = {
    ST_MARYS: (
        Spot("Level 2 staff kitchen", PlaceKind.KITCHEN, "Beside Ward 7"),
        Spot("Clinic C coffee point", PlaceKind.CORRIDOR, "By the lifts"),
        Spot("Main canteen", PlaceKind.CANTEEN, "Ground floor"),
    ),
    CHARING_CROSS: (Spot("Theatres kitchen", PlaceKind.KITCHEN, "After theatre reception"),),
}


@dataclass(frozen=True)
class SeededHospital:
    programme: Programme
    sites: dict[str, Site]
    places: dict[str, Place]


def seed_hospital(uow_factory, settings: EngineSettings | None = None) -> SeededHospital:
    """Add the sites and their spots to the default programme, in one transaction."""
    settings = settings or EngineSettings()
    with uow_factory() as uow:
        programme = default_programme(uow, settings)
        sites = {name: uow.sites.add(Site(programme.id, name)) for name in SPOTS}
        places = {
            spot.name: uow.places.add(Place(sites[name].id, spot.name, spot.kind, spot.directions))
            for name, spots in SPOTS.items()
            for spot in spots
        }
        uow.commit()
    return SeededHospital(programme, sites, places)

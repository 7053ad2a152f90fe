"""Programmes, their sites and places, and the people taking part."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from bot.model import Exclusion, Participant, Place, PlaceKind, Programme, Role, Site
from bot.ports import PeoplePage
from storage.repositories._sql import casefold_in, chunks, conflicts_as, dialect_insert, rows_touched
from storage.repositories.bulk import insert_with_ids
from storage.tables import exclusions, participants, places, programmes, sites


def _programme(row: Row[Any]) -> Programme:
    return Programme(name=row.name, repeat_window=row.repeat_window, id=row.id)


class SqlProgrammeRepository:
    def __init__(self, session: Session):
        self._session = session

    def get(self, programme_id: int) -> Programme | None:
        row = self._session.execute(select(programmes).where(programmes.c.id == programme_id)).first()
        return _programme(row) if row else None

    def by_name(self, name: str) -> Programme | None:
        row = self._session.execute(select(programmes).where(programmes.c.name == name)).first()
        return _programme(row) if row else None

    def add(self, programme: Programme) -> Programme:
        statement = (
            insert(programmes)
            .values(name=programme.name, repeat_window=programme.repeat_window)
            .returning(programmes.c.id)
        )
        with conflicts_as(self._session, f"programme '{programme.name}' exists"):
            programme.id = self._session.execute(statement).scalar_one()
        return programme

    def list(self) -> list[Programme]:
        rows = self._session.execute(select(programmes).order_by(programmes.c.id))
        return [_programme(row) for row in rows]


def _site(row: Row[Any]) -> Site:
    return Site(programme_id=row.programme_id, name=row.name, id=row.id, retired_at=row.retired_at)


class SqlSiteRepository:
    def __init__(self, session: Session):
        self._session = session

    def list(self, programme_id: int) -> list[Site]:
        query = select(sites).where(sites.c.programme_id == programme_id).order_by(sites.c.id)
        return [_site(row) for row in self._session.execute(query)]

    def by_name(self, programme_id: int, name: str) -> Site | None:
        # SQLite's lower() folds ASCII only, so "Übergang" would miss "übergang" in SQL;
        # a programme has a handful of sites, so compare them here with full case folding.
        wanted = name.strip().casefold()
        return next(
            (site for site in self.list(programme_id) if site.name.strip().casefold() == wanted), None
        )

    def add(self, site: Site) -> Site:
        statement = (
            insert(sites)
            .values(programme_id=site.programme_id, name=site.name, retired_at=site.retired_at)
            .returning(sites.c.id)
        )
        with conflicts_as(self._session, f"site '{site.name}' exists"):
            site.id = self._session.execute(statement).scalar_one()
        return site

    def add_many(self, new_sites: Sequence[Site]) -> None:
        rows = [
            {"programme_id": s.programme_id, "name": s.name, "retired_at": s.retired_at} for s in new_sites
        ]
        for site, new_id in zip(new_sites, insert_with_ids(self._session, sites, rows), strict=True):
            site.id = new_id

    def get(self, site_id: int) -> Site | None:
        row = self._session.execute(select(sites).where(sites.c.id == site_id)).first()
        return _site(row) if row else None

    def save(self, site: Site) -> None:
        statement = (
            update(sites).where(sites.c.id == site.id).values(name=site.name, retired_at=site.retired_at)
        )
        with conflicts_as(self._session, f"site '{site.name}' exists"):
            self._session.execute(statement)


def _place(row: Row[Any]) -> Place:
    return Place(
        site_id=row.site_id,
        name=row.name,
        kind=PlaceKind(row.kind),
        directions=row.directions,
        id=row.id,
        retired_at=row.retired_at,
        hours=row.hours,
    )


class SqlPlaceRepository:
    def __init__(self, session: Session):
        self._session = session

    def list(self, programme_id: int) -> list[Place]:
        query = (
            select(places)
            .join(sites, sites.c.id == places.c.site_id)
            .where(sites.c.programme_id == programme_id)
            .order_by(places.c.id)
        )
        return [_place(row) for row in self._session.execute(query)]

    def add(self, place: Place) -> Place:
        statement = insert(places).values(_place_values(place)).returning(places.c.id)
        place.id = self._session.execute(statement).scalar_one()
        return place

    def add_many(self, new_places: Sequence[Place]) -> None:
        rows = [_place_values(place) for place in new_places]
        for place, new_id in zip(new_places, insert_with_ids(self._session, places, rows), strict=True):
            place.id = new_id

    def get(self, place_id: int) -> Place | None:
        row = self._session.execute(select(places).where(places.c.id == place_id)).first()
        return _place(row) if row else None

    def save(self, place: Place) -> None:
        self._session.execute(update(places).where(places.c.id == place.id).values(_place_values(place)))


def _place_values(place: Place) -> dict[str, Any]:
    return {
        "site_id": place.site_id,
        "name": place.name,
        "kind": place.kind.value,
        "directions": place.directions,
        "retired_at": place.retired_at,
        "hours": place.hours,
    }


def _participant(row: Row[Any]) -> Participant:
    return Participant(
        programme_id=row.programme_id,
        platform=row.platform,
        user_id=row.user_id,
        display_name=row.display_name,
        role=Role(row.role),
        site_id=row.site_id,
        workspace_id=row.workspace_id,
        email=row.email,
        department=row.department,
        capacity=row.capacity,
        paused_until=row.paused_until,
        joined_at=row.joined_at,
        left_at=row.left_at,
        erased=row.erased,
        id=row.id,
        upn=row.upn,
        active_since=row.active_since,
        shift_pattern=row.shift_pattern,
        days_off=row.days_off,
        every_weeks=row.every_weeks,
    )


def _participant_values(person: Participant) -> dict[str, Any]:
    return {
        "programme_id": person.programme_id,
        "platform": person.platform,
        "user_id": person.user_id,
        "workspace_id": person.workspace_id,
        "display_name": person.display_name,
        "role": person.role.value,
        "site_id": person.site_id,
        "email": person.email,
        "department": person.department,
        "capacity": person.capacity,
        "paused_until": person.paused_until,
        "joined_at": person.joined_at,
        "left_at": person.left_at,
        "erased": person.erased,
        "upn": person.upn,
        "active_since": person.active_since,
        "shift_pattern": person.shift_pattern,
        "days_off": person.days_off,
        "every_weeks": person.every_weeks,
    }


class SqlParticipantRepository:
    def __init__(self, session: Session):
        self._session = session

    def get(self, participant_id: int) -> Participant | None:
        row = self._session.execute(select(participants).where(participants.c.id == participant_id)).first()
        return _participant(row) if row else None

    def find(self, programme_id: int, platform: str, user_id: str) -> Participant | None:
        query = select(participants).where(
            participants.c.programme_id == programme_id,
            participants.c.platform == platform,
            participants.c.user_id == user_id,
        )
        row = self._session.execute(query).first()
        return _participant(row) if row else None

    def list(self, programme_id: int) -> list[Participant]:
        query = (
            select(participants)
            .where(participants.c.programme_id == programme_id)
            .order_by(participants.c.id)
        )
        return [_participant(row) for row in self._session.execute(query)]

    def add(self, participant: Participant) -> Participant:
        statement = insert(participants).values(_participant_values(participant)).returning(participants.c.id)
        conflict = f"{participant.platform} user {participant.user_id} has already joined"
        with conflicts_as(self._session, conflict):
            participant.id = self._session.execute(statement).scalar_one()
        return participant

    def add_many(self, people: Sequence[Participant]) -> None:
        rows = [_participant_values(person) for person in people]
        for person, new_id in zip(people, insert_with_ids(self._session, participants, rows), strict=True):
            person.id = new_id

    def save(self, participant: Participant) -> None:
        statement = (
            update(participants)
            .where(participants.c.id == participant.id)
            .values(_participant_values(participant))
        )
        conflict = f"another participant is already {participant.platform} user {participant.user_id}"
        with conflicts_as(self._session, conflict):
            self._session.execute(statement)

    def comings_and_goings(self, programme_id: int) -> Sequence[tuple[str, datetime | None, datetime | None]]:
        query = select(participants.c.role, participants.c.joined_at, participants.c.left_at).where(
            participants.c.programme_id == programme_id
        )
        return [(role, joined, left) for role, joined, left in self._session.execute(query)]

    def get_many(self, ids: Iterable[int]) -> dict[int, Participant]:
        found: dict[int, Participant] = {}
        for batch in chunks(set(ids)):
            query = select(participants).where(participants.c.id.in_(batch))
            found.update((row.id, _participant(row)) for row in self._session.execute(query))
        return found

    def search(self, programme_id: int, words: str, limit: int, offset: int = 0) -> PeoplePage:
        fold = casefold_in(self._session)
        wanted = [participants.c.programme_id == programme_id, participants.c.erased.is_(False)]
        if words:
            wanted.append(
                or_(
                    fold(participants.c.display_name).contains(words, autoescape=True),
                    # Many people have no email recorded: no need to fold nothing.
                    and_(
                        participants.c.email.is_not(None),
                        fold(participants.c.email).contains(words, autoescape=True),
                    ),
                )
            )
        # One pass over everyone: the page and, on each of its rows, how many matched in all.
        query = (
            select(participants, func.count().over().label("matched"))
            .where(*wanted)
            .order_by(fold(participants.c.display_name), participants.c.id)
            .limit(limit)
            .offset(offset)
        )
        rows = self._session.execute(query).all()
        if rows:
            return [_participant(row) for row in rows], rows[0].matched
        # A page past the end has no rows to carry the count.
        total = self._session.execute(
            select(func.count()).select_from(participants).where(*wanted)
        ).scalar_one()
        return [], total


class SqlExclusionRepository:
    def __init__(self, session: Session):
        self._session = session

    def list(self, programme_id: int) -> list[Exclusion]:
        query = select(exclusions).where(exclusions.c.programme_id == programme_id).order_by(exclusions.c.id)
        return [
            Exclusion(programme_id=row.programme_id, clinician_id=row.clinician_id, manager_id=row.manager_id)
            for row in self._session.execute(query)
        ]

    def add(self, exclusion: Exclusion) -> None:
        # Saying "never pair these two" twice is not an error; the rule simply stands.
        statement = (
            dialect_insert(self._session, exclusions)
            .values(
                programme_id=exclusion.programme_id,
                clinician_id=exclusion.clinician_id,
                manager_id=exclusion.manager_id,
            )
            .on_conflict_do_nothing(index_elements=["programme_id", "clinician_id", "manager_id"])
        )
        self._session.execute(statement)

    def remove(self, exclusion: Exclusion) -> bool:
        statement = delete(exclusions).where(
            exclusions.c.programme_id == exclusion.programme_id,
            exclusions.c.clinician_id == exclusion.clinician_id,
            exclusions.c.manager_id == exclusion.manager_id,
        )
        return rows_touched(self._session.execute(statement)) > 0

"""The dashboard's tables: one-time links, sessions, the audit log, and sites that retire."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.errors import Conflict
from bot.model import AuditEntry, Organiser, OrganiserSession, Place, PlaceKind, SignInToken, Site
from tests.integration.conftest import NOW

OLIVIA = Organiser("slack", "U0ORGANISER", "Olivia Organiser")


def test_a_link_is_used_once_even_when_two_clicks_race(uow_factory):
    with uow_factory() as uow:
        uow.sign_ins.add(SignInToken("a" * 64, OLIVIA, NOW, NOW + timedelta(minutes=10)))
        uow.commit()
    with uow_factory() as uow:
        found = uow.sign_ins.get("a" * 64)
        assert (found.organiser, found.expires_at, found.used_at) == (
            OLIVIA,
            NOW + timedelta(minutes=10),
            None,
        )
        assert uow.sign_ins.use("a" * 64, NOW)
        assert not uow.sign_ins.use("a" * 64, NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.sign_ins.get("a" * 64).used_at == NOW
        assert not uow.sign_ins.use("a" * 64, NOW)
        assert uow.sign_ins.get("b" * 64) is None


def test_a_session_ends_on_sign_out(uow_factory):
    with uow_factory() as uow:
        uow.organiser_sessions.add(OrganiserSession("s" * 64, OLIVIA, NOW, NOW + timedelta(hours=10)))
        uow.commit()
    with uow_factory() as uow:
        assert uow.organiser_sessions.get("s" * 64).ended_at is None
        uow.organiser_sessions.end("s" * 64, NOW + timedelta(hours=1))
        uow.commit()
    with uow_factory() as uow:
        assert uow.organiser_sessions.get("s" * 64).ended_at == NOW + timedelta(hours=1)


def test_the_audit_log_lists_changes_newest_first(uow_factory, hospital):
    programme_id = hospital.programme.id
    with uow_factory() as uow:
        for minutes, action in ((0, "Renamed a site"), (5, "Added a place"), (5, "Retired a site")):
            uow.audit.add(AuditEntry(programme_id, NOW + timedelta(minutes=minutes), OLIVIA, action, "x"))
        uow.commit()
    with uow_factory() as uow:
        entries = uow.audit.recent(programme_id, 2)
    assert [e.action for e in entries] == ["Retired a site", "Added a place"]
    assert entries[0].organiser == OLIVIA and entries[0].at == NOW + timedelta(minutes=5)


def test_sites_are_renamed_and_retired_and_places_edited(uow_factory, hospital):
    with uow_factory() as uow:
        south = uow.sites.add(Site(hospital.programme.id, "South Wing"))
        kitchen = uow.places.add(Place(south.id, "Kitchen", PlaceKind.KITCHEN, "Left"))
        uow.commit()
    with uow_factory() as uow:
        site = uow.sites.get(south.id)
        site.name, site.retired_at = "South Block", NOW
        uow.sites.save(site)
        place = uow.places.get(kitchen.id)
        place.directions, place.kind = "CLOSED for refurbishment", PlaceKind.OTHER
        uow.places.save(place)
        uow.commit()
    with uow_factory() as uow:
        assert uow.sites.get(south.id) == Site(hospital.programme.id, "South Block", south.id, NOW)
        assert uow.places.get(kitchen.id).directions == "CLOSED for refurbishment"
        assert uow.places.get(kitchen.id).kind is PlaceKind.OTHER
        clash = uow.sites.get(south.id)
        clash.name = "st mary's"
        with pytest.raises(Conflict):
            uow.sites.save(clash)

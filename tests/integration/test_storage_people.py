"""Programmes, sites, places and people survive the trip to the database and back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from bot.errors import Conflict
from bot.model import Exclusion, Participant, Place, PlaceKind, Programme, Role, Site

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_an_organiser_sets_up_a_programme_with_sites_and_places(uow_factory):
    with uow_factory() as uow:
        programme = uow.programmes.add(Programme(name="St Elsewhere", repeat_window=8))
        north = uow.sites.add(Site(programme_id=programme.id, name="North Wing"))
        uow.sites.add(Site(programme_id=programme.id, name="Übergang"))
        kitchen = uow.places.add(
            Place(
                site_id=north.id, name="Ward 7 kitchen", kind=PlaceKind.KITCHEN, directions="past the lifts"
            )
        )
        uow.commit()

    with uow_factory() as uow:
        assert uow.programmes.get(programme.id) == programme
        assert uow.programmes.by_name("St Elsewhere") == programme
        assert uow.programmes.by_name("Nowhere") is None
        assert uow.programmes.list() == [programme]
        assert uow.sites.by_name(programme.id, "north wing") == north
        assert uow.sites.by_name(programme.id, "ÜBERGANG").name == "Übergang"
        assert uow.sites.by_name(programme.id, "South Wing") is None
        assert [site.name for site in uow.sites.list(programme.id)] == ["North Wing", "Übergang"]
        assert uow.places.list(programme.id) == [kitchen]
        assert uow.places.list(programme.id)[0].kind is PlaceKind.KITCHEN


def test_the_same_site_cannot_be_added_twice_whatever_its_case(uow_factory):
    with uow_factory() as uow:
        programme = uow.programmes.add(Programme(name="St Elsewhere"))
        uow.sites.add(Site(programme_id=programme.id, name="North Wing"))
        with pytest.raises(Conflict):
            uow.sites.add(Site(programme_id=programme.id, name="NORTH WING"))
        # The unit of work is still usable after the conflict.
        uow.sites.add(Site(programme_id=programme.id, name="South Wing"))
        uow.commit()

    with uow_factory() as uow:
        assert [site.name for site in uow.sites.list(programme.id)] == ["North Wing", "South Wing"]


def test_a_clinician_joins_pauses_and_leaves(uow_factory, hospital):
    ann = hospital.join(Role.CLINICIAN, "Ann", email="ann@example.org", department="Cardiology")

    with uow_factory() as uow:
        stored = uow.participants.find(hospital.programme.id, "slack", ann.user_id)
        assert stored == ann
        assert stored.role is Role.CLINICIAN
        assert stored.joined_at.tzinfo is not None
        stored.paused_until = date(2026, 4, 1)
        stored.capacity = 2
        uow.participants.save(stored)
        uow.commit()

    with uow_factory() as uow:
        paused = uow.participants.get(ann.id)
        assert paused.paused_until == date(2026, 4, 1)
        assert paused.capacity == 2
        paused.left_at = NOW + timedelta(days=3)
        paused.erased = True
        paused.display_name = "(erased)"
        paused.email = None
        uow.participants.save(paused)
        uow.commit()

    with uow_factory() as uow:
        gone = uow.participants.get(ann.id)
        assert (gone.erased, gone.display_name, gone.email) == (True, "(erased)", None)
        assert gone.left_at == NOW + timedelta(days=3)
        assert uow.participants.get(9999) is None


def test_datetimes_come_back_in_utc_whatever_zone_they_went_in(uow_factory, hospital):
    eight_in_kolkata = datetime(2026, 3, 2, 8, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    bob = hospital.join(Role.MANAGER, "Bob")
    with uow_factory() as uow:
        bob.left_at = eight_in_kolkata
        uow.participants.save(bob)
        uow.commit()
    with uow_factory() as uow:
        left_at = uow.participants.get(bob.id).left_at
    assert left_at == eight_in_kolkata
    assert left_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(uow_factory, hospital):
    bob = hospital.join(Role.MANAGER, "Bob")
    with uow_factory() as uow:
        bob.left_at = datetime(2026, 3, 2, 8, 0)
        with pytest.raises(Exception, match="naive datetime"):
            uow.participants.save(bob)


def test_joining_twice_on_the_same_platform_is_a_conflict(uow_factory, hospital):
    ann = hospital.join(Role.CLINICIAN, "Ann")
    again = Participant(
        programme_id=hospital.programme.id,
        platform="slack",
        user_id=ann.user_id,
        display_name="Ann again",
        role=Role.CLINICIAN,
        site_id=hospital.site.id,
    )
    with uow_factory() as uow, pytest.raises(Conflict):
        uow.participants.add(again)
    # The same user id on another platform is another person.
    again.platform = "teams"
    with uow_factory() as uow:
        uow.participants.add(again)
        uow.commit()
    assert again.id != ann.id


def test_a_round_looks_up_many_people_at_once(uow_factory, hospital):
    people = [hospital.join(Role.CLINICIAN) for _ in range(5)]
    with uow_factory() as uow:
        found = uow.participants.get_many([people[0].id, people[3].id, 424242])
        everyone = uow.participants.list(hospital.programme.id)
    assert found == {people[0].id: people[0], people[3].id: people[3]}
    assert everyone == people


def test_get_many_copes_with_more_ids_than_sqlite_binds_at_once(uow_factory, hospital):
    ann = hospital.join(Role.CLINICIAN, "Ann")
    with uow_factory() as uow:
        found = uow.participants.get_many([ann.id, *range(100_000, 102_500)])
    assert list(found) == [ann.id]


def test_do_not_pair_exclusions_are_kept_once(uow_factory, hospital):
    ann, bob = hospital.join(Role.CLINICIAN, "Ann"), hospital.join(Role.MANAGER, "Bob")
    rule = Exclusion(programme_id=hospital.programme.id, clinician_id=ann.id, manager_id=bob.id)
    with uow_factory() as uow:
        uow.exclusions.add(rule)
        uow.exclusions.add(rule)
        uow.commit()
    with uow_factory() as uow:
        assert uow.exclusions.list(hospital.programme.id) == [rule]

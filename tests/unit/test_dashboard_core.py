"""The organisers' desk in the core: sign-in links, sessions, sites and places, the audit log."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.dashboard import Dashboard
from bot.dashboard.signin import NotAnOrganiser, issue_link
from bot.model import Organiser
from bot.rounds import run_round

OLIVIA = Organiser("console", "olivia", "Olivia Organiser")


@pytest.fixture
def desk(hospital) -> Dashboard:
    hospital.ctx.settings = replace(
        hospital.ctx.settings,
        organisers={"console": frozenset({"olivia"})},
        public_url="https://corridor.trust.example",
    )
    return Dashboard(hospital.ctx)


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def link_for(hospital, user: str = "olivia") -> str:
    reply = hospital.chat.ask(user, "admin dashboard", name="Olivia Organiser")
    assert not reply.rejected, reply.text
    return reply.text.split()[-1]


def test_an_organiser_asks_for_a_link_and_signs_in_once(hospital, desk):
    url = link_for(hospital)
    assert url.startswith("https://corridor.trust.example/admin/signin?token=")
    token = token_of(url)
    stored = list(hospital.store().sign_ins.values())
    assert [s.token_hash for s in stored] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in repr(hospital.store())

    started = desk.start_session(token)
    assert started.organiser == OLIVIA
    assert started.secret not in repr(hospital.store())
    assert desk.session(started.secret).organiser == OLIVIA

    assert desk.start_session(token) is None, "a link works once"


def test_a_link_lasts_ten_minutes(hospital, desk):
    late = token_of(link_for(hospital))
    in_time = token_of(link_for(hospital))
    hospital.clock.advance(minutes=9, seconds=59)
    assert desk.start_session(in_time) is not None
    hospital.clock.advance(seconds=1)
    assert desk.start_session(late) is None
    assert len(hospital.store().organiser_sessions) == 1


def test_someone_who_is_not_an_organiser_gets_a_polite_no_and_no_link(hospital, desk):
    reply = hospital.chat.ask("amara", "admin dashboard")
    assert reply.rejected and "Only organisers" in reply.text and "http" not in reply.text
    assert not hospital.store().sign_ins
    with pytest.raises(NotAnOrganiser):
        issue_link(hospital.ctx, Organiser("console", "amara", "Amara"))
    assert not hospital.store().sign_ins


def test_a_session_lasts_a_working_day_or_until_sign_out(hospital, desk):
    first = desk.start_session(token_of(link_for(hospital)))
    second = desk.start_session(token_of(link_for(hospital)))
    desk.sign_out(first.secret)
    assert desk.session(first.secret) is None
    assert desk.session(second.secret) is not None
    hospital.clock.advance(hours=10)
    assert desk.session(second.secret) is None
    assert desk.session("") is None and desk.session("made-up") is None


def test_the_form_token_belongs_to_one_session(hospital, desk):
    one = desk.session(desk.start_session(token_of(link_for(hospital))).secret)
    other = desk.session(desk.start_session(token_of(link_for(hospital))).secret)
    assert one.csrf_token and one.csrf_token != other.csrf_token


def test_an_organiser_removed_from_the_list_is_signed_out(hospital, desk):
    started = desk.start_session(token_of(link_for(hospital)))
    hospital.ctx.settings = replace(hospital.ctx.settings, organisers={})
    assert desk.session(started.secret) is None


def site_named(desk, name):
    return next(s for s in desk.sites() if s.name == name)


def test_renaming_a_site_is_audited_and_a_clash_changes_nothing(hospital, desk):
    marys = site_named(desk, "St Mary's")
    change = desk.rename_site(OLIVIA, marys.id, "  St Mary's   Hospital ")
    assert change.ok and "St Mary's Hospital" in change.done
    clash = desk.rename_site(OLIVIA, marys.id, "charing cross")
    assert clash.problems == {"name": "There is already a site called Charing Cross; choose another name."}
    empty = desk.rename_site(OLIVIA, marys.id, "   ")
    assert "Enter the site's new name" in empty.problems["name"]
    assert desk.site(marys.id).name == "St Mary's Hospital"
    [entry] = desk.audit_log()
    assert (entry.who, entry.action, entry.detail) == (
        "Olivia Organiser",
        "Renamed a site",
        "St Mary's → St Mary's Hospital",
    )


def test_new_directions_reach_the_next_intro(hospital, desk):
    hospital.join("amara", "clinician")
    hospital.join("sam", "manager")
    marys = site_named(desk, "St Mary's")
    for place in marys.places:
        change = desk.edit_place(OLIVIA, place.id, place.name, place.kind, "CLOSED: use Ward 9 kitchen")
        assert change.ok
    run_round(hospital.ctx)
    [intro, *_] = hospital.outbox("intro")
    assert "CLOSED: use Ward 9 kitchen" in str(intro.payload)
    assert [e.action for e in desk.audit_log()] == ["Changed a place"] * 3


def test_bad_place_input_is_named_field_by_field_and_nothing_is_saved(hospital, desk):
    marys = site_named(desk, "St Mary's")
    change = desk.add_place(OLIVIA, marys.id, "", "sofa", "x" * 1001)
    assert set(change.problems) == {"name", "kind", "directions"}
    assert len(desk.site(marys.id).places) == 3 and not desk.audit_log()
    added = desk.add_place(OLIVIA, marys.id, "Ward 9 kitchen", "kitchen", "Next to the lifts")
    assert added.ok and [p.name for p in desk.site(marys.id).places][-1] == "Ward 9 kitchen"
    assert desk.audit_log()[0].detail == "Ward 9 kitchen (staff kitchen) at St Mary's"


def test_a_retired_site_leaves_the_join_picker_but_history_keeps_its_name(hospital, desk):
    hospital.join("chloe", "clinician", "Charing Cross")
    cross = site_named(desk, "Charing Cross")
    assert desk.retire_site(OLIVIA, cross.id).ok
    assert not desk.retire_site(OLIVIA, cross.id).ok

    single_site = hospital.chat.send("ben", "join manager")
    assert "You're in" in single_site and "St Mary's" in single_site
    refused = hospital.chat.ask("dev", "join manager Charing Cross")
    assert refused.rejected and "no site called 'Charing Cross'" in refused.text
    assert site_named(desk, "Charing Cross").retired
    assert desk.audit_log()[0].detail == "Charing Cross"


def test_the_overview_hides_small_numbers_like_the_digest(hospital, desk):
    for n in range(5):
        hospital.join(f"c{n}", "clinician")
    hospital.join("sam", "manager")
    figures = desk.overview()
    assert (figures.clinicians, figures.managers) == ("5", "fewer than 5")
    assert figures.month == "November 2026"
    # Monday 23 November 2026, 09:00 exactly: the round is due now, so the next is a week on.
    assert f"{figures.next_round:%Y-%m-%d %H:%M}" == "2026-11-30 09:00"

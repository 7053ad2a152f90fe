"""A round runs: pairs are made, places suggested, intros queued once."""

import asyncio

from bot.messages import Intro
from bot.rounds import run_round
from bot.starters import STARTERS


def _ward(hospital, clinicians=4, managers=2, site="St Mary's"):
    for i in range(clinicians):
        hospital.join(f"c{i}-{site[:2]}", "clinician", site)
    for i in range(managers):
        hospital.join(f"m{i}-{site[:2]}", "manager", site)


def test_a_round_pairs_clinicians_with_managers_and_queues_intros(hospital):
    _ward(hospital, clinicians=3, managers=2)
    report = run_round(hospital.ctx)
    assert report.recorded and len(report.pairs) == 2 and len(report.sat_out) == 1
    for pair in hospital.pairs():
        roles = {hospital.store().participants[pid].role.value for pid in pair.member_ids()}
        assert roles == {"clinician", "manager"}
    intros = [Intro.from_payload(m.payload) for m in hospital.outbox("intro")]
    assert len(intros) == 4  # console has no group chats: one message each
    assert all(i.place_site == "St Mary's" and i.place_kind in ("kitchen", "corridor") for i in intros)
    assert [b.label for b in intros[0].buttons] == ["We met", "Not yet", "Can't make it this time"]
    assert len(hospital.outbox("sit_out")) == 1


def test_running_the_scheduled_round_twice_sends_nothing_twice(hospital):
    _ward(hospital)
    run_round(hospital.ctx)
    before = len(hospital.outbox())
    again = run_round(hospital.ctx, scheduled=True)
    assert again.already_done and len(hospital.outbox()) == before


def test_a_second_run_in_the_week_tops_up_only_newcomers(hospital):
    _ward(hospital, clinicians=2, managers=2)
    run_round(hospital.ctx)
    hospital.clock.advance(days=1)
    hospital.join("late", "clinician")
    hospital.join("late-m", "manager")
    report = run_round(hospital.ctx)
    assert report.top_up and len(report.pairs) == 1
    assert {report.pairs[0].clinician.name, report.pairs[0].manager.name} == {"Late", "Late-M"}
    assert "only people not yet paired" in report.summary()
    assert len(hospital.store().rounds) == 1 and len(hospital.pairs()) == 3


def test_a_round_with_nobody_to_pair_is_not_recorded(hospital):
    hospital.join("amara", "clinician")
    report = run_round(hospital.ctx)
    assert not report.recorded and "Nobody could be paired" in report.summary()
    assert not hospital.store().rounds and not hospital.outbox()


def test_a_dry_run_shows_pairs_and_writes_nothing(hospital):
    _ward(hospital)
    report = run_round(hospital.ctx, dry_run=True)
    assert len(report.pairs) == 2 and "would pair" in report.summary()
    assert not hospital.store().rounds and not hospital.outbox()


def test_a_cross_site_pair_meets_at_the_clinicians_site_and_names_the_other(hospital):
    hospital.join("amara", "clinician", "Charing Cross")
    hospital.join("ben", "manager", "St Mary's")
    report = run_round(hospital.ctx)
    meetup = report.pairs[0].meetup
    assert meetup.site_name == "Charing Cross" and meetup.place_name == "Theatres kitchen"
    assert meetup.other_site == "St Mary's"
    intro = Intro.from_payload(hospital.outbox("intro")[0].payload)
    assert any("based at St Mary's" in line for line in intro.lines(intro.recipients[0]))


def test_paused_and_departed_people_are_not_paired(hospital):
    _ward(hospital, clinicians=2, managers=2)
    hospital.chat.send("c0-St", "pause 2w")
    hospital.chat.send("m0-St", "leave")
    report = run_round(hospital.ctx)
    names = {p.clinician.name for p in report.pairs} | {p.manager.name for p in report.pairs}
    assert names == {"C1-St", "M1-St"}


def test_places_rotate_and_starters_change_week_to_week(hospital):
    _ward(hospital, clinicians=4, managers=4)
    weeks = []
    for _ in range(3):
        weeks.append(run_round(hospital.ctx))
        hospital.clock.advance(days=7)
    first_places = {p.meetup.place_name for p in weeks[0].pairs}
    assert first_places == {"Level 2 staff kitchen", "Clinic C coffee point"}  # canteen only as a last resort
    starters_by_person = {}
    for report in weeks:
        for pair in report.pairs:
            for person in (pair.clinician.name, pair.manager.name):
                previous = starters_by_person.get(person)
                assert pair.starter != previous, f"{person} got the same starter two rounds running"
                starters_by_person[person] = pair.starter
    assert all(p.starter in STARTERS for r in weeks for p in r.pairs)


def test_whoever_sat_out_is_paired_first_next_week(hospital):
    _ward(hospital, clinicians=3, managers=1)
    first = run_round(hospital.ctx)
    hospital.clock.advance(days=7)
    second = run_round(hospital.ctx)
    sat_out = {p.name for p in first.sat_out if p.role == "clinician"}
    assert len(sat_out) == 2 and len(second.pairs) == 1  # one slot, two people waiting: one of them
    assert second.pairs[0].clinician.name in sat_out


def test_intros_are_delivered_through_the_console(hospital):
    _ward(hospital)
    run_round(hospital.ctx)
    report = asyncio.run(hospital.worker.drain())
    assert report.sent == len(hospital.outbox()) == 6
    assert {m.status.value for m in hospital.outbox()} == {"sent"}


def test_a_manager_meeting_two_clinicians_gets_an_intro_for_each(hospital):
    hospital.join("amara", "clinician")
    hospital.join("chloe", "clinician")
    hospital.join("ben", "manager")
    hospital.chat.send("ben", "capacity 2")
    run_round(hospital.ctx)
    bens = hospital.person("ben").id
    to_ben = [
        Intro.from_payload(m.payload) for m in hospital.outbox("intro") if m.key.endswith(f"person:{bens}")
    ]
    assert sorted(i.clinician.name for i in to_ben) == ["Amara", "Chloe"]
    assert len(hospital.outbox("intro")) == 4

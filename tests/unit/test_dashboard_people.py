"""The People and Do-not-pair pages in the core: an organiser finds someone, pauses, moves,
re-roles, removes and erases them, and keeps the rules the next round honours."""

from __future__ import annotations

import pytest

from bot.dashboard import Dashboard
from bot.model import ERASED_NAME, Exclusion, Organiser
from bot.rounds import run_round

OLIVIA = Organiser("console", "olivia", "Olivia Organiser")


@pytest.fixture
def desk(hospital) -> Dashboard:
    hospital.join(
        "amara", "clinician", name="Dr Amara Okafor", email="amara.okafor@nhs.net", department="Cardiology"
    )
    hospital.join("grace", "clinician", "Charing Cross", name="Sister Grace Lee", email="grace.lee@nhs.net")
    hospital.join("sam", "manager", name="Sam Patel", email="sam.patel@nhs.net")
    return Dashboard(hospital.ctx)


def one(desk, query: str):
    [person] = desk.people(query).people
    return person


def test_an_organiser_finds_people_by_part_of_a_name_or_an_email_in_any_case(desk):
    assert [p.name for p in desk.people("").people] == ["Dr Amara Okafor", "Sam Patel", "Sister Grace Lee"]
    assert one(desk, "  OKAFOR ").email == "amara.okafor@nhs.net"
    assert one(desk, "grace.lee@nhs").site_name == "Charing Cross"
    found = desk.people("nobody-here")
    assert (found.people, found.matched) == ([], 0)
    amara = one(desk, "amara")
    assert (amara.role_label, amara.status_label, amara.capacity, amara.department) == (
        "Clinician",
        "Active",
        1,
        "Cardiology",
    )


def test_pausing_until_a_date_shows_on_the_person_and_is_audited(hospital, desk):
    amara = one(desk, "amara")
    change = desk.pause_person(OLIVIA, amara.id, "2026-12-07")
    assert change.ok and change.done == "Paused Dr Amara Okafor until Monday 7 December 2026."
    assert desk.person(amara.id).status_label == "Paused until Monday 7 December 2026"
    [entry] = desk.audit_log()
    assert (entry.who, entry.action, entry.detail) == (
        "Olivia Organiser",
        "Paused a person",
        "Dr Amara Okafor until Monday 7 December 2026",
    )
    assert desk.resume_person(OLIVIA, amara.id).ok
    assert desk.person(amara.id).status_label == "Active"
    assert not desk.resume_person(OLIVIA, amara.id).ok, "someone who is not paused cannot be resumed"
    assert [e.action for e in desk.audit_log()] == ["Resumed a person", "Paused a person"]


@pytest.mark.parametrize(
    ("typed", "complaint"),
    [
        ("", "Enter the date they are back"),
        ("next week", "Enter a real date"),
        ("2026-02-30", "Enter a real date"),
        ("2026-11-23", "must be after today"),
        ("2031-01-01", "up to two years"),
    ],
)
def test_a_bad_pause_date_is_named_and_nothing_changes(hospital, desk, typed, complaint):
    amara = one(desk, "amara")
    change = desk.pause_person(OLIVIA, amara.id, typed)
    assert complaint in change.problems["until"]
    assert desk.person(amara.id).status_label == "Active" and not desk.audit_log()


def test_a_uk_date_is_understood_too(desk):
    amara = one(desk, "amara")
    assert desk.pause_person(OLIVIA, amara.id, "04/01/2027").ok
    assert desk.person(amara.id).status_label == "Paused until Monday 4 January 2027"


def test_a_person_moves_only_to_a_site_still_in_use(hospital, desk):
    amara = one(desk, "amara")
    sites = dict((name, site_id) for site_id, name in desk.site_choices())
    assert list(sites) == ["Charing Cross", "St Mary's"]
    assert desk.move_person(OLIVIA, amara.id, str(sites["Charing Cross"])).ok
    assert desk.person(amara.id).site_name == "Charing Cross"
    assert desk.audit_log()[0].detail == "Dr Amara Okafor: St Mary's → Charing Cross"

    desk.retire_site(OLIVIA, sites["St Mary's"])
    assert [name for _, name in desk.site_choices()] == ["Charing Cross"]
    for choice in (str(sites["St Mary's"]), "999", "", "x"):
        assert desk.move_person(OLIVIA, amara.id, choice).problems == {
            "site": "Choose one of the sites listed."
        }
    assert desk.person(amara.id).site_name == "Charing Cross"


def test_a_role_change_sets_capacity_and_drops_rules_that_no_longer_fit(hospital, desk):
    amara, sam = one(desk, "amara"), one(desk, "sam")
    assert desk.add_rule(OLIVIA, str(amara.id), str(sam.id)).ok
    bad = desk.change_role(OLIVIA, sam.id, "manager", "4")
    assert bad.problems == {"capacity": "Choose how many people a week, from 1 to 3."}
    assert desk.change_role(OLIVIA, sam.id, "porter", "1").problems == {
        "role": "Choose clinician or manager."
    }
    assert desk.change_role(OLIVIA, sam.id, "manager", "2").ok
    assert desk.person(sam.id).capacity == 2 and len(desk.rules()) == 1

    change = desk.change_role(OLIVIA, amara.id, "manager", "2")
    assert change.ok and "1 do-not-pair rule(s) no longer fit and were removed" in change.done
    assert (desk.person(amara.id).role, desk.person(amara.id).capacity) == ("manager", 2)
    assert desk.rules() == []
    back = desk.change_role(OLIVIA, amara.id, "clinician", "3")
    assert back.ok and desk.person(amara.id).capacity == 1, "clinicians meet one person a week"
    assert [e.action for e in desk.audit_log()][:3] == ["Changed a person's role"] * 3


def test_removing_a_person_means_they_leave_and_sit_out_every_round(hospital, desk):
    sam = one(desk, "sam")
    assert desk.remove_person(OLIVIA, sam.id).done == "Removed Sam Patel: they won't be paired again."
    assert desk.person(sam.id).status_label == "Left"
    assert not desk.remove_person(OLIVIA, sam.id).ok
    assert "has left" in desk.pause_person(OLIVIA, sam.id, "2026-12-07").problems["until"]
    run_round(hospital.ctx)
    assert hospital.pairs() == []


def test_the_erasure_page_names_what_goes_and_afterwards_nobody_can_find_the_name(hospital, desk):
    amara = one(desk, "amara")
    desk.pause_person(OLIVIA, amara.id, "2026-12-07")
    preview = desk.erasure_preview(amara.id)
    assert preview.erased == [
        ("Name", "Dr Amara Okafor"),
        ("the console id", "amara"),
        ("Email", "amara.okafor@nhs.net"),
        ("Department", "Cardiology"),
    ]
    change = desk.erase_person(OLIVIA, amara.id)
    assert change.ok and "Okafor" not in change.done
    stored = hospital.person(f"erased-{amara.id}")
    assert (stored.display_name, stored.email, stored.department, stored.erased) == (
        ERASED_NAME,
        None,
        None,
        True,
    )
    assert desk.people("amara").people == [] and desk.people("okafor@").people == []
    assert amara.id not in [p.id for p in desk.people("").people]
    assert desk.person(amara.id) is None and desk.erasure_preview(amara.id) is None
    log = desk.audit_log()
    assert [e.action for e in log] == ["Erased a person", "Paused a person"]
    assert not any("Amara" in e.detail or "Okafor" in e.detail for e in log)
    assert (
        log[0].detail
        == f"Participant {amara.id}, a clinician at St Mary's: name, platform id, email and department"
    )
    assert log[1].detail == f"{ERASED_NAME} until Monday 7 December 2026"
    assert not desk.erase_person(OLIVIA, amara.id).ok


def test_a_new_do_not_pair_rule_is_honoured_by_the_next_round(hospital, desk):
    amara, sam = one(desk, "amara"), one(desk, "sam")
    choices = desk.rule_choices("AMA", "")
    assert [c.label for c in choices.clinicians] == ["Dr Amara Okafor, St Mary's (amara.okafor@nhs.net)"]
    assert [c.label for c in choices.managers] == ["Sam Patel, St Mary's (sam.patel@nhs.net)"]
    change = desk.add_rule(OLIVIA, str(amara.id), str(sam.id))
    assert change.done == "Dr Amara Okafor and Sam Patel will not be paired from the next round on."
    assert [(r.clinician, r.manager) for r in desk.rules()] == [("Dr Amara Okafor", "Sam Patel")]
    assert desk.audit_log()[0].detail == "Dr Amara Okafor and Sam Patel"

    run_round(hospital.ctx)
    made = {(p.clinician_id, p.manager_id) for p in hospital.pairs()}
    assert (amara.id, sam.id) not in made
    assert made == {(one(desk, "grace").id, sam.id)}


def test_a_rule_needs_a_clinician_and_a_manager_still_in_the_programme_and_is_made_once(hospital, desk):
    amara, grace, sam = one(desk, "amara"), one(desk, "grace"), one(desk, "sam")
    assert desk.add_rule(OLIVIA, "", "").problems == {
        "clinician": "Choose the clinician from the list.",
        "manager": "Choose the manager from the list.",
    }
    assert set(desk.add_rule(OLIVIA, str(sam.id), str(amara.id)).problems) == {"clinician", "manager"}
    desk.remove_person(OLIVIA, grace.id)
    assert set(desk.add_rule(OLIVIA, str(grace.id), str(sam.id)).problems) == {"clinician"}
    assert [c.id for c in desk.rule_choices().clinicians] == [amara.id]
    assert desk.add_rule(OLIVIA, str(amara.id), str(sam.id)).ok
    again = desk.add_rule(OLIVIA, str(amara.id), str(sam.id))
    assert "already never paired" in again.problems["clinician"]
    assert len(hospital.store().exclusions) == 1


def test_removing_a_rule_lets_the_pair_meet_again(hospital, desk):
    amara, sam = one(desk, "amara"), one(desk, "sam")
    desk.add_rule(OLIVIA, str(amara.id), str(sam.id))
    change = desk.remove_rule(OLIVIA, str(amara.id), str(sam.id))
    assert change.done == "Removed the rule: Dr Amara Okafor and Sam Patel may be paired again."
    assert desk.rules() == [] and hospital.store().exclusions == []
    assert not desk.remove_rule(OLIVIA, str(amara.id), str(sam.id)).ok
    assert not desk.remove_rule(OLIVIA, "x", "1").ok
    assert [e.action for e in desk.audit_log()] == ["Removed a do-not-pair rule", "Added a do-not-pair rule"]


def test_rules_naming_an_erased_person_are_not_listed(hospital, desk):
    amara, sam = one(desk, "amara"), one(desk, "sam")
    hospital.store().exclusions.append(Exclusion(hospital.programme_id, amara.id, sam.id))
    desk.erase_person(OLIVIA, amara.id)
    assert desk.rules() == []

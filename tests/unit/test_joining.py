"""A person joins, pauses, comes back and leaves, by typing to the bot."""

from datetime import date

from bot.model import Role, Status


def test_a_clinician_joins_at_her_site(hospital):
    reply = hospital.join("amara", "clinician", "st mary's", name="Sister Amara Okafor", department="Ward 7")
    assert "You're in" in reply and "clinician at St Mary's" in reply
    person = hospital.person("amara")
    assert person.role is Role.CLINICIAN and person.department == "Ward 7"


def test_joining_without_a_site_offers_a_picker_when_there_are_several(hospital):
    reply = hospital.chat.ask("ben", "join manager")
    assert "Which site" in reply.text
    assert [b.command for b in reply.buttons] == ["join manager St Mary's", "join manager Charing Cross"]
    assert not hospital.store().participants


def test_bad_joins_say_what_was_wrong_and_change_nothing(hospital):
    unknown = hospital.chat.ask("cat", "join clinician Hammersmith")
    assert unknown.rejected and "no site called 'Hammersmith'" in unknown.text
    assert "St Mary's, Charing Cross" in unknown.text
    no_role = hospital.chat.ask("cat", "join")
    assert no_role.rejected and "join clinician" in no_role.text
    wrong_role = hospital.chat.ask("cat", "join porter")
    assert "'porter' is not a role" in wrong_role.text
    assert not hospital.store().participants


def test_pausing_for_two_weeks_then_resuming(hospital):
    hospital.join("amara", "clinician")
    reply = hospital.chat.send("amara", "pause 2w")
    assert "no pairing until Monday 07 December 2026" in reply
    assert hospital.person("amara").status_on(date(2026, 11, 30)) is Status.PAUSED
    assert "Welcome back" in hospital.chat.send("amara", "resume")
    assert hospital.person("amara").paused_until is None


def test_pausing_until_a_past_date_is_refused(hospital):
    hospital.join("amara", "clinician")
    reply = hospital.chat.ask("amara", "pause until 2026-01-01")
    assert reply.rejected and "not in the future" in reply.text
    assert hospital.person("amara").paused_until is None
    assert "YYYY-MM-DD" in hospital.chat.send("amara", "pause until christmas")


def test_a_manager_takes_two_clinicians_a_week_but_a_clinician_cannot(hospital):
    hospital.join("ben", "manager")
    assert "up to 2 clinicians" in hospital.chat.send("ben", "capacity 2")
    assert hospital.person("ben").capacity == 2
    assert "1 to 3" in hospital.chat.send("ben", "capacity 9")
    hospital.join("amara", "clinician")
    assert "for managers" in hospital.chat.send("amara", "capacity 2")


def test_leaving_and_coming_back(hospital):
    hospital.join("amara", "clinician")
    assert "You've left" in hospital.chat.send("amara", "leave")
    assert hospital.person("amara").left_at is not None
    assert "Welcome back" in hospital.join("amara", "clinician")
    assert hospital.person("amara").left_at is None


def test_status_before_and_after_joining(hospital):
    assert "haven't joined" in hospital.chat.send("dan", "status")
    hospital.join("dan", "manager", "Charing Cross", department="Estates")
    status = hospital.chat.send("dan", "status")
    assert "manager at Charing Cross (Estates)" in status and "No pairings yet" in status


def test_unknown_words_get_the_help_text(hospital):
    reply = hospital.chat.ask("amara", "make me a coffee")
    assert reply.rejected and "don't know the word 'make'" in reply.text and "join clinician" in reply.text


def test_only_organisers_run_admin_commands(hospital):
    hospital.join("amara", "clinician")
    hospital.join("ben", "manager")
    refused = hospital.chat.ask("amara", "admin round now")
    assert refused.rejected and "Only organisers" in refused.text
    assert not hospital.store().rounds
    assert "paired 1" in hospital.chat.send("olivia", "admin round now")

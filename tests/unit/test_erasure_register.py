"""Someone asks to be forgotten; the monthly staff list must not bring them back. Only they can."""

from bot.housekeeping import tidy
from bot.imports import StaffImport, import_staff
from bot.pseudonyms import KeyedDigests

STAFF = """\
platform,user_id,name,email,role,site,department,capacity
console,amara,Sister Amara Okafor,Amara.Okafor@nhs.net,clinician,St Mary's,Ward 7,
console,ben,Ben Hughes,,manager,St Mary's,Finance,2
"""


def _forget(hospital, user):
    hospital.chat.send(user, "forget-me")
    return hospital.chat.send(user, "forget-me confirm")


def _enrolled(hospital):
    return {p.user_id for p in hospital.store().participants.values() if not p.erased}


def test_an_erased_person_is_skipped_by_the_next_import_until_they_join_themselves(hospital):
    assert import_staff(hospital.ctx, STAFF) == StaffImport(2, 0)
    assert "no longer holds your details" in _forget(hospital, "amara")

    again = import_staff(hospital.ctx, STAFF)
    assert again == StaffImport(0, 1, skipped_erased=1)
    assert _enrolled(hospital) == {"ben"}
    assert "Skipped 1 person who asked to be erased" in again.summary("staff.csv")
    assert "`join` themselves" in again.summary("staff.csv")

    assert "Welcome back" in hospital.join("amara", "clinician", name="Sister Amara Okafor")
    assert _enrolled(hospital) == {"amara", "ben"}
    # Off the register now: next month's list updates her like anyone else.
    assert import_staff(hospital.ctx, STAFF) == StaffImport(0, 2)


def test_the_register_recognises_an_erased_email_under_another_id_and_whatever_its_case(hospital):
    import_staff(hospital.ctx, STAFF)
    _forget(hospital, "amara")
    other_account = STAFF.replace("console,amara,", "console,amara2,").replace(
        "Amara.Okafor@nhs.net", " amara.okafor@NHS.net"
    )
    assert import_staff(hospital.ctx, other_account).skipped_erased == 1


def test_the_register_keeps_only_keyed_digests(hospital):
    import_staff(hospital.ctx, STAFF)
    _forget(hospital, "amara")
    register = hospital.store().erasure_register
    assert len(register) == 2  # her console id and her email, as one entry
    assert len(set(register.values())) == 1
    written = " ".join([*register, *register.values()]).lower()
    assert "amara" not in written and "nhs.net" not in written
    # Another key gives other digests: the register cannot be checked without the key file.
    assert not set(register) & {KeyedDigests(b"k" * 32).digest("email", "amara.okafor@nhs.net")}


def test_a_leaver_erased_when_their_retention_ran_out_is_on_the_register_too(hospital):
    hospital.join("amara", "clinician", name="Sister Amara Okafor", email="amara.okafor@nhs.net")
    hospital.chat.send("amara", "leave")
    hospital.clock.advance(days=hospital.ctx.settings.leaver_retention_days + 1)
    assert tidy(hospital.ctx)[1] == 1
    assert import_staff(hospital.ctx, STAFF).skipped_erased == 1

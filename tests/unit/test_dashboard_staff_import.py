"""The staff list uploaded in the dashboard: a preview of every change and every problem,
nothing written until one confirm, and a confirm that writes only what was previewed."""

from __future__ import annotations

import pytest

from bot.dashboard import Dashboard
from bot.imports import ImportRejected, import_staff
from bot.model import Organiser

OLIVIA = Organiser("console", "olivia", "Olivia Organiser")
HEADER = "platform,user_id,name,email,role,site,department,capacity\n"
STAFF = (
    HEADER
    + "console,amara,Dr Amara Okafor,amara@nhs.net,clinician,St Mary's,Cardiology,\n"
    + "console,sam,Sam Patel,sam@nhs.net,manager,st mary's,Estates,2\n"
    + "console,grace,Sister Grace Lee,,clinician,Charing Cross,Ward 7,\n"
)


@pytest.fixture
def desk(hospital) -> Dashboard:
    hospital.join(
        "amara", "clinician", name="Dr Amara Okafor", email="amara@nhs.net", department="Cardiology"
    )
    hospital.join("sam", "manager", name="Sam Patel", email="sam@nhs.net")
    return Dashboard(hospital.ctx)


def test_the_preview_says_who_is_new_who_changes_and_who_stays_and_writes_nothing(hospital, desk):
    before = repr(hospital.store())
    preview = desk.preview_staff_upload(STAFF.encode())
    assert [(line.line, line.name, line.site) for line in preview.new] == [
        (4, "Sister Grace Lee", "Charing Cross")
    ]
    [sam] = preview.updated
    assert (sam.line, sam.changes) == (3, ["department (none) → Estates", "capacity 1 → 2"])
    assert [line.name for line in preview.unchanged] == ["Dr Amara Okafor"]
    assert preview.problems == [] and preview.can_confirm
    assert repr(hospital.store()) == before


def test_one_confirm_writes_it_all_in_one_transaction_with_its_audit_entry(hospital, desk):
    preview = desk.preview_staff_upload(STAFF.encode())
    _, change = desk.confirm_staff_import(OLIVIA, preview.text, preview.fingerprint)
    assert change.done == "Imported the staff list: 1 new, 1 updated, 1 unchanged."
    assert hospital.person("grace").display_name == "Sister Grace Lee"
    assert (hospital.person("sam").capacity, hospital.person("sam").department) == (2, "Estates")
    [entry] = desk.audit_log()
    assert (entry.action, entry.detail) == ("Imported the staff list", "1 new, 1 updated, 1 unchanged")

    again = desk.preview_staff_upload(STAFF.encode())
    assert (again.new, again.updated, len(again.unchanged), again.can_confirm) == ([], [], 3, False)


def test_every_problem_in_the_file_is_listed_at_once_with_its_line_and_column(hospital, desk):
    bad = (
        HEADER
        + "fax,,,not-an-email,porter,Hammersmith,,\n"
        + "console,sam,Sam Patel,,manager,St Mary's,,9\n"
        + "console,ben,Ben,,clinician,St Mary's,,2\n"
        + "console,sam,Sam Again,,manager,St Mary's,,\n"
    )
    preview = desk.preview_staff_upload(bad.encode())
    assert [(p.line, p.field) for p in preview.problems] == [
        (2, "platform"),
        (2, "user_id"),
        (2, "name"),
        (2, "email"),
        (2, "role"),
        (2, "site"),
        (3, "capacity"),
        (4, "capacity"),
        (5, "user_id"),
    ]
    assert "only managers meet more than one person a week" in preview.problems[7].text
    assert not preview.can_confirm and preview.new == []
    _, change = desk.confirm_staff_import(OLIVIA, bad, preview.fingerprint)
    assert change.problems and hospital.person("sam").capacity == 1 and not desk.audit_log()


@pytest.mark.parametrize(
    ("upload", "complaint"),
    [
        (b"", "choose a CSV file"),
        (b"name,role\nAmara,clinician\n", "missing column(s)"),
        (HEADER.encode(), "no rows"),
        ("console,amara,Dr Ámara,,clinician,St Mary's,,\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(desk, upload, complaint):
    preview = desk.preview_staff_upload(upload)
    [problem] = preview.problems
    assert (problem.line, problem.field) == (1, "file") and complaint in problem.text


def test_a_confirm_after_someone_else_changed_things_shows_the_new_preview_and_writes_nothing(hospital, desk):
    preview = desk.preview_staff_upload(STAFF.encode())
    [sam] = desk.people("sam").people
    desk.change_role(OLIVIA, sam.id, "manager", "3")
    fresh, change = desk.confirm_staff_import(OLIVIA, preview.text, preview.fingerprint)
    assert change.problems == {"staff_list": "Something changed since your preview; check it again."}
    assert hospital.person("sam").capacity == 3
    assert not any(p.user_id == "grace" for p in hospital.store().participants.values())
    assert fresh.updated[0].changes == ["department (none) → Estates", "capacity 3 → 2"]
    assert desk.confirm_staff_import(OLIVIA, fresh.text, fresh.fingerprint)[1].ok


def test_a_retired_site_cannot_take_people_from_a_staff_list(hospital, desk):
    cross = next(s for s in desk.sites() if s.name == "Charing Cross")
    desk.retire_site(OLIVIA, cross.id)
    [problem] = desk.preview_staff_upload(STAFF.encode()).problems
    assert (problem.line, problem.field) == (4, "site") and "no site called 'Charing Cross'" in problem.text


def test_the_command_line_import_still_stops_at_a_bad_file_naming_every_problem(hospital):
    with pytest.raises(ImportRejected) as rejected:
        import_staff(hospital.ctx, HEADER + "fax,U3,Cat,,porter,St Mary's,,\n")
    assert rejected.value.problems == [
        "line 2, platform: 'fax' is not one of slack, teams, console",
        "line 2, role: 'porter' is not clinician or manager",
    ]

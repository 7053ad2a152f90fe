"""An organiser sets up sites, places and the staff list from files; a bad file changes nothing."""

import pytest

from bot.errors import CorridorError
from bot.imports import ImportRejected, StaffImport, import_places, import_staff, read_places
from corridor_cli.yaml_lines import load_with_lines

PLACES = """\
sites:
  - name: St Mary's
    places:
      - name: Level 2 staff kitchen
        kind: kitchen
        directions: Through the double doors beside Ward 7
  - name: Hammersmith
    places:
      - name: Atrium coffee point
        kind: corridor
"""

STAFF = """\
platform,user_id,name,email,role,site,department,capacity
slack,U1,Sister Amara Okafor,amara@nhs.net,clinician,St Mary's,Ward 7,
teams,aad-2,Ben Hughes,,manager,st mary's,Finance,2
"""


def test_places_are_imported_once_however_often_the_file_is_loaded(hospital):
    document, line_of = load_with_lines(PLACES, "places.yml")
    sites = read_places(document, line_of)
    assert import_places(hospital.ctx, sites) == (1, 1)  # only Hammersmith and its coffee point are new
    assert import_places(hospital.ctx, sites) == (0, 0)


def test_a_bad_place_kind_is_reported_with_its_line_and_nothing_is_imported(hospital):
    document, line_of = load_with_lines(PLACES.replace("kind: corridor", "kind: pantry"), "places.yml")
    with pytest.raises(ImportRejected) as problem:
        read_places(document, line_of)
    assert "line 10, sites[1].places[0].kind: 'pantry' is not one of kitchen, corridor" in str(problem.value)


def test_the_staff_list_enrols_everyone_and_updates_on_reimport(hospital):
    assert import_staff(hospital.ctx, STAFF) == StaffImport(2, 0)
    assert hospital.person("aad-2").capacity == 2
    assert import_staff(hospital.ctx, STAFF) == StaffImport(0, 2)


@pytest.mark.parametrize(
    ("row", "complaint"),
    [
        ("slack,U3,Cat,,porter,St Mary's,,", "line 4, role: 'porter' is not clinician or manager"),
        ("slack,U3,Cat,,clinician,Hammersmith,,", "line 4, site: there is no site called 'Hammersmith'"),
        ("slack,U3,Cat,cat-at-nhs,clinician,St Mary's,,", "line 4, email"),
        ("slack,U3,Cat,,clinician,St Mary's,,2", "line 4, capacity: only managers"),
        ("fax,U3,Cat,,clinician,St Mary's,,", "line 4, platform"),
        ("slack,U1,Again,,clinician,St Mary's,,", "line 4, user_id: slack user U1 appears twice"),
    ],
)
def test_one_bad_row_rejects_the_whole_file(hospital, row, complaint):
    with pytest.raises(ImportRejected) as problem:
        import_staff(hospital.ctx, STAFF + row + "\n")
    assert complaint in str(problem.value) and "Nothing was imported" in str(problem.value)
    assert not hospital.store().participants


def test_a_file_without_the_expected_columns_is_refused(hospital):
    with pytest.raises(ImportRejected, match="missing column"):
        import_staff(hospital.ctx, "name,role\nAmara,clinician\n")


def test_every_problem_in_the_file_is_listed_at_once_with_its_line_and_field(hospital):
    bad = STAFF + "slack,U3,Cat,,porter,Hammersmith,,\n" + "fax,,Dan,,manager,St Mary's,,\n"
    with pytest.raises(ImportRejected) as problem:
        import_staff(hospital.ctx, bad)
    assert problem.value.problems == [
        "line 4, role: 'porter' is not clinician or manager",
        "line 4, site: there is no site called 'Hammersmith' (known sites: St Mary's, Charing Cross)",
        "line 5, platform: 'fax' is not one of slack, teams, console",
        "line 5, user_id: is empty",
    ]
    assert all(p in str(problem.value) for p in problem.value.problems)


def test_a_long_list_of_problems_shows_fifty_then_counts_the_rest(hospital):
    rows = "".join(f"slack,U9{i},Cat,,porter,St Mary's,,\n" for i in range(60))
    with pytest.raises(ImportRejected) as problem:
        import_staff(hospital.ctx, STAFF + rows)
    assert "line 53, role" in str(problem.value) and "line 54, role" not in str(problem.value)
    assert "and 10 more problem(s). Nothing was imported." in str(problem.value)


def test_nul_bytes_and_overlong_fields_are_refused_before_they_reach_the_database(hospital):
    bad = (
        STAFF + "slack,U3,Cat\x00,,clinician,St Mary's,,\n" + f"slack,U4,{'x' * 300},,clinician,St Mary's,,\n"
    )
    with pytest.raises(ImportRejected) as problem:
        import_staff(hospital.ctx, bad)
    assert "line 4, name: contains a control character" in str(problem.value)
    assert "line 5, name: is 300 characters; at most 200 fit" in str(problem.value)
    assert not hospital.store().participants


def test_a_semicolon_file_is_told_to_use_commas(hospital):
    with pytest.raises(ImportRejected, match="semicolons; use commas"):
        import_staff(hospital.ctx, STAFF.replace(",", ";"))


def test_ids_are_stored_the_way_the_platform_sends_them_back(hospital):
    import_staff(hospital.ctx, STAFF.replace("slack,U1,", "slack,u1,").replace("teams,aad-2", "teams,AAD-2"))
    assert {p.user_id for p in hospital.store().participants.values()} == {"U1", "aad-2"}


def test_a_places_file_of_yaml_aliases_is_refused_before_anything_is_built():
    """A kilobyte of nested aliases can expand to gigabytes; a places file never needs them."""
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for n in "bcdefghi":
        previous = chr(ord(n) - 1)
        bomb += f"{n}: &{n} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n"
    with pytest.raises(CorridorError, match=r"places.yml line 2: it uses a YAML alias"):
        load_with_lines(bomb, "places.yml")


def test_a_yaml_slip_names_its_line_in_words_people_can_act_on():
    broken = PLACES.replace("    places:\n      - name: Atrium", "    places:\n    ? - name: Atrium")
    with pytest.raises(CorridorError) as problem:
        load_with_lines(broken, "places.yml")
    said = str(problem.value)
    assert said.startswith("places.yml line ") and "indentation" in said and "nothing was imported" in said
    assert "<block end>" not in said

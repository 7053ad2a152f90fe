"""An organiser sets up sites, places and the staff list from files; a bad file changes nothing."""

import pytest

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

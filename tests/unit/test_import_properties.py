"""Whatever file an organiser feeds the imports, it goes in whole or not at all.

Hypothesis writes staff lists, do-not-pair lists and places files: some well made, some with a
bad value here and there, some plain noise. Each is either imported whole (everything it lists
is then stored as it says) or rejected with its problems named, and the store is exactly as it
was. Derandomised, so CI sees the same files every run.
"""

from __future__ import annotations

import copy
import csv
import io

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.errors import CorridorError
from bot.imports import (
    EXCLUSION_COLUMNS,
    LONGEST,
    PARTICIPANT_COLUMNS,
    ImportRejected,
    check_staff,
    import_exclusions,
    import_places,
    import_staff,
    read_places,
)
from bot.pseudonyms import normalise_user_id
from corridor_cli.yaml_lines import load_with_lines
from tests.unit.conftest import Hospital

FILES = settings(
    max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
SITES = ["St Mary's", "Charing Cross"]
# Odd characters an export from another system might carry.
_ODD = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)


def _some(good: list[str], bad: list[str]) -> st.SearchStrategy[str]:
    """Mostly values a staff list would hold; now and then a wrong one, or anything at all."""
    return st.integers(0, 19).flatmap(
        lambda n: _ODD if n == 0 else st.sampled_from(bad) if n < 4 else st.sampled_from(good)
    )


STAFF_GOOD = {
    "platform": ["slack", "teams", "console", "Slack"],
    "name": ["Sister Amara Okafor", "Ben Hughes", "Dr Chloe Patel", "Łucja Żak"],
    "email": ["", "amara@nhs.net", "BEN@nhs.net"],
    "role": ["clinician", "manager", "Manager"],
    "site": [*SITES, "st mary's"],
    "department": ["", "Cardiology", "Ward 7"],
    "capacity": ["", "1"],
}
STAFF_BAD = {
    "platform": ["fax", ""],
    "name": ["x" * 201, ""],
    "email": ["not-an-email", "a@b"],
    "role": ["porter", ""],
    "site": ["Hammersmith", ""],
    "department": ["Ward\x007", "d" * 201],
    "capacity": ["0", "lots", "2"],
}


@st.composite
def staff_rows(draw: st.DrawFn, careful: bool) -> dict[str, str]:
    row = {
        field: draw(st.sampled_from(good) if careful else _some(good, STAFF_BAD[field]))
        for field, good in STAFF_GOOD.items()
    }
    ids = ["U1", "u2", "AAD-4", "aad-5"] if careful else ["U1", "u2", "AAD-4", "aad-5", "", "\x00"]
    row["user_id"] = draw(st.one_of(st.sampled_from(ids), _ODD) if not careful else st.sampled_from(ids))
    return row


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@st.composite
def staff_lists(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=200))  # noise
    header = draw(st.permutations(PARTICIPANT_COLUMNS))
    if draw(st.booleans()):
        header = [column.upper() if draw(st.booleans()) else column for column in header]
    if draw(st.integers(0, 9)) == 0:
        header = header[: draw(st.integers(0, len(header) - 1))]
    careful = draw(st.booleans())
    people = draw(
        st.lists(
            staff_rows(careful),
            max_size=6,
            # A careful list names each person once (the platform compares ids its own way).
            unique_by=(lambda r: (r["platform"].lower(), r["user_id"].lower())) if careful else None,
        )
    )
    rows = [[person[column.lower()] for column in header] for person in people]
    text = _csv(header, rows)
    return ("\ufeff" if draw(st.booleans()) else "") + text


def _snapshot(hospital: Hospital) -> dict[str, object]:
    return copy.deepcopy(hospital.store().__dict__)


def _assert_rejected_cleanly(rejected: CorridorError, hospital: Hospital, before: dict[str, object]) -> None:
    event("rejected")  # --hypothesis-show-statistics: how often each way was taken
    said = str(rejected)
    assert said.strip()
    if isinstance(rejected, ImportRejected):
        assert rejected.problems and "Nothing was imported" in said
        # Each problem says where it is: a line (and field), or the file as a whole.
        assert all(p.startswith(("line ", "the file", "sites", "every")) for p in rejected.problems), said
    assert _snapshot(hospital) == before, "a rejected file changed the store"


@FILES
@given(text=staff_lists())
def test_a_staff_list_is_enrolled_whole_or_not_at_all(text: str) -> None:
    hospital = Hospital()
    before = _snapshot(hospital)
    try:
        done = import_staff(hospital.ctx, text)
    except CorridorError as rejected:
        _assert_rejected_cleanly(rejected, hospital, before)
        return
    event("imported")
    rows, problems = check_staff(text, SITES)
    assert not problems and rows
    assert done.added + done.updated == len(rows)
    stored = {(p.platform, p.user_id): p for p in hospital.store().participants.values()}
    for _, row in rows:
        person = stored[(row.platform, row.user_id)]
        assert (person.display_name, person.email, person.role) == (row.name, row.email, row.role)
        assert person.user_id == normalise_user_id(row.platform, row.user_id)
        for field, value in (("name", row.name), ("email", row.email or ""), ("user_id", row.user_id)):
            assert len(value) <= LONGEST[field] and "\x00" not in value


ENROLLED = """\
platform,user_id,name,email,role,site,department,capacity
slack,U1,Sister Amara Okafor,,clinician,St Mary's,,
slack,U2,Ben Hughes,,manager,St Mary's,,2
teams,aad-3,Dr Chloe Patel,,clinician,Charing Cross,,
teams,aad-4,Dev Walsh,,manager,Charing Cross,,
"""
EXCLUSION_FIELDS = {
    "clinician_platform": _some(["slack", "SLACK"], ["teams", "fax"]),
    "clinician_user_id": _some(["U1", "u1"], ["AAD-3", "U2", "nobody", "\x00"]),
    "manager_platform": _some(["slack", "Slack"], ["teams"]),
    "manager_user_id": _some(["U2", "u2"], ["aad-4", "U1", "nobody"]),
}


@st.composite
def do_not_pair_lists(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=200))
    header = draw(st.permutations(EXCLUSION_COLUMNS))
    rows = draw(
        st.lists(st.fixed_dictionaries(EXCLUSION_FIELDS).map(lambda r: [r[c] for c in header]), max_size=5)
    )
    return _csv(header, rows)


@FILES
@given(text=do_not_pair_lists())
def test_a_do_not_pair_list_is_recorded_whole_or_not_at_all(text: str) -> None:
    hospital = Hospital()
    import_staff(hospital.ctx, ENROLLED)
    before = _snapshot(hospital)
    try:
        count = import_exclusions(hospital.ctx, text)
    except CorridorError as rejected:
        _assert_rejected_cleanly(rejected, hospital, before)
        return
    event("imported")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert count == len(rows) > 0
    people = {p.saved_id: p for p in hospital.store().participants.values()}
    recorded = {
        (people[e.clinician_id].user_id.casefold(), people[e.manager_id].user_id.casefold())
        for e in hospital.store().exclusions
    }
    for row in rows:
        assert (
            row["clinician_user_id"].strip().casefold(),
            row["manager_user_id"].strip().casefold(),
        ) in recorded


_NAMES = _some(["St Mary's", "Hammersmith", "Level 2 staff kitchen", "Atrium"], ["", "y" * 201, "\x07"])
_PLACE = st.fixed_dictionaries(
    {"name": st.one_of(_NAMES, st.integers())},
    optional={
        "kind": _some(["kitchen", "corridor", "canteen", "other", "Kitchen"], ["pantry"]),
        "directions": st.one_of(_some(["", "By the lifts"], ["z" * 1001]), st.none(), st.integers()),
    },
)
_SITE = st.fixed_dictionaries(
    {"name": st.one_of(_NAMES, st.none())},
    optional={"places": st.one_of(st.lists(_PLACE, max_size=4), st.text(max_size=5))},
)


@st.composite
def places_files(draw: st.DrawFn) -> str:
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return draw(st.text(max_size=200))  # noise
    text = yaml.safe_dump({"sites": draw(st.lists(_SITE, max_size=4))}, allow_unicode=True, sort_keys=False)
    if shape == 1:  # a slip of the keyboard somewhere in a well-made file
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from([":", "- ", "\t", "&a ", "*a", "? ", "  "])) + text[at:]
    return text


@FILES
@given(text=places_files())
def test_a_places_file_is_imported_whole_or_not_at_all(text: str) -> None:
    hospital = Hospital()
    before = _snapshot(hospital)
    try:
        document, line_of = load_with_lines(text, "places.yml")
        sites = read_places(document, line_of)
        import_places(hospital.ctx, sites)
    except CorridorError as rejected:
        _assert_rejected_cleanly(rejected, hospital, before)
        return
    event("imported")
    store = hospital.store()
    site_of = {s.name.casefold(): s for s in store.sites.values()}
    places = {(p.site_id, p.name.casefold()) for p in store.places.values()}
    for spec in sites:
        site = site_of[spec.name.casefold()]
        assert len(site.name) <= 200 and "\x00" not in site.name
        for place in spec.places:
            assert (site.saved_id, place.name.casefold()) in places
            assert len(place.name) <= 200 and "\x00" not in place.name

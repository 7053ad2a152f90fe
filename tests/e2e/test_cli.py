"""An organiser's stories, told through the real `corridor` command in separate processes.

Each test gets its own folder (the working directory, so no stray .env is read) and its
own SQLite file. Everything is checked the way an organiser would: by what the command
prints, its exit status, and the files it writes.
"""

from __future__ import annotations

import csv
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

# The columns the issue documents for `corridor export`.
PAIR_COLUMNS = [
    "week",
    "clinician_platform",
    "clinician_user_id",
    "manager_platform",
    "manager_user_id",
    "clinician_site",
    "manager_site",
    "place",
]
OUTCOME_COLUMNS = ["week", "reporter_platform", "reporter_user_id", "outcome", "reason"]
PLACES = """\
sites:
  - name: St Mary's
    places:
      - name: Level 2 staff kitchen
        kind: kitchen            # kitchen | corridor | canteen | other
        directions: Through the double doors beside Ward 7
      - name: Outpatients coffee point
        kind: corridor
        directions: By the lifts opposite Clinic C
  - name: Charing Cross
    places:
      - name: Atrium coffee point
        kind: corridor
        directions: Under the stairs in the main atrium
"""

STAFF = """\
platform,user_id,name,email,role,site,department,capacity
console,U1,Dr Amara Okafor,amara@example.org,clinician,St Mary's,Cardiology,
console,U2,Ben Hughes,,manager,St Mary's,Operations,2
console,U3,Sister Chloe Patel,,clinician,Charing Cross,Theatres,
console,U4,Dev Walsh,dev@example.org,manager,Charing Cross,Finance,1
console,U5,Esther Nguyen,,clinician,St Mary's,Maternity,
"""


def _command() -> list[str]:
    script = Path(sys.executable).with_name("corridor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "corridor_cli.main"]


class Organiser:
    """Types `corridor ...` in one folder against one database."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CORRIDOR_")}
        self.env["CORRIDOR_DATABASE_URL"] = f"sqlite:///{folder / 'c.db'}"

    def write(self, name: str, text: str) -> str:
        (self.folder / name).write_text(text, encoding="utf-8")
        return name

    def start(self, *args: str, **extra_env: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*_command(), *args],
            cwd=self.folder,
            env={**self.env, **extra_env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return _finish(self.start(*args, **extra_env))

    def ok(self, *args: str) -> str:
        return _succeeded(args, self.run(*args))

    def all_ok(self, *commands: tuple[str, ...]) -> list[str]:
        """Several independent commands run side by side (they only read) to save start-up time."""
        started = [(args, self.start(*args)) for args in commands]
        return [_succeeded(args, _finish(process)) for args, process in started]

    def refused(self, *args: str, **extra_env: str) -> str:
        """The command fails with exactly one clear line on stderr and no traceback."""
        return _one_line_refusal(args, self.run(*args, **extra_env))

    def all_refused(self, *commands: tuple[tuple[str, ...], dict[str, str]]) -> list[str]:
        """Several independent refusals, run side by side to save start-up time."""
        started = [(args, self.start(*args, **env)) for args, env in commands]
        return [_one_line_refusal(args, _finish(process)) for args, process in started]

    # In-process shortcuts for set-up and checks that are not the story under test; each
    # `corridor` process costs a second or two of start-up on a busy machine.

    def context(self):
        from bot.config import EngineSettings
        from corridor_cli.wiring import build_context

        return build_context(self.env["CORRIDOR_DATABASE_URL"], EngineSettings())

    def status(self) -> str:
        """What `corridor status` prints."""
        from bot.stats import programme_stats

        ctx = self.context()
        try:
            return "\n".join(programme_stats(ctx).lines())
        finally:
            ctx.uow.engine.dispose()

    def import_places(self, text: str) -> None:
        import yaml

        from bot.imports import import_places, read_places

        ctx = self.context()
        try:
            import_places(ctx, read_places(yaml.safe_load(text)))
        finally:
            ctx.uow.engine.dispose()

    def rows(self, name: str) -> tuple[list[str], list[dict[str, str]]]:
        with open(self.folder / name, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            return list(reader.fieldnames or []), list(reader)


def _finish(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _succeeded(args: tuple[str, ...], done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"corridor {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


def _answer(org: Organiser, user_id: str, answer: str) -> None:
    """What the intro's buttons do: a person tells Corridor how their pair went."""
    from bot.chat import handle
    from bot.context import Sender, default_programme

    ctx = org.context()
    try:
        with ctx.uow() as uow:
            programme = default_programme(uow, ctx.settings)
            me = uow.participants.find(programme.id, "console", user_id)
            (pair,) = uow.pairs.for_participant(me.id, 1)
        reply = handle(ctx, Sender("console", user_id, me.display_name), f"outcome {pair.id} {answer}")
        assert not reply.rejected, reply.text
    finally:
        ctx.uow.engine.dispose()


def _one_line_refusal(args: tuple[str, ...], done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0, f"corridor {' '.join(args)} should have failed:\n{done.stdout}"
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, f"corridor {' '.join(args)}: expected one line on stderr, got:\n{done.stderr}"
    return lines[0]


@pytest.fixture
def organiser(tmp_path: Path) -> Organiser:
    """An organiser whose database has been made (`corridor db upgrade`, done in-process for speed)."""
    from storage.schema import upgrade

    org = Organiser(tmp_path)
    upgrade(org.env["CORRIDOR_DATABASE_URL"])
    return org


@pytest.fixture
def set_up(organiser: Organiser) -> Organiser:
    imported = organiser.ok("places", "import", organiser.write("places.yml", PLACES), "--yes")
    assert "Added a site: St Mary's" in imported and "Added a site: Charing Cross" in imported
    assert "Made 5 change(s)" in imported  # two sites, three places
    assert "Enrolled 5 new participant(s)" in organiser.ok(
        "participants", "import", organiser.write("staff.csv", STAFF)
    )
    return organiser


def test_an_organisers_first_week(set_up: Organiser) -> None:
    org = set_up

    preview = org.ok("round", "run", "--dry-run")
    assert "would pair 3 clinician-manager pairs" in preview
    assert "Dr Amara Okafor" in preview and "Level 2 staff kitchen" in preview
    status = org.ok("status")
    assert "No rounds yet." in status
    # The five enrolled from the staff list each have a welcome waiting, before any round.
    assert "5 waiting" in status

    first = org.ok("round", "run")
    assert "paired 3 clinician-manager pairs" in first
    again = org.ok("round", "run")
    assert "top-up" in again.lower() and "nobody new" in again.lower(), again

    _answer(org, "U3", "could_not_meet shift_clash")  # a button click, as the console adapter sends it
    status, _, _ = org.all_ok(
        ("status",),
        ("export", "pairs", "--out", "pairs.csv"),
        ("export", "outcomes", "--since", "2026-01-01", "--out", "outcomes.csv"),
    )
    assert "Active: 3 clinicians, 2 managers" in status
    assert ", 3 pairs" in status
    # An intro for each person in each pair: the manager with two clinicians hears of both
    # (six), after the five welcomes.
    assert "11 waiting" in status

    columns, pairs = org.rows("pairs.csv")
    assert columns == PAIR_COLUMNS
    assert len(pairs) == 3
    assert {p["clinician_user_id"] for p in pairs} == {"U1", "U3", "U5"}
    assert all(p["clinician_platform"] == p["manager_platform"] == "console" for p in pairs)
    assert all(p["week"] == pairs[0]["week"] and p["place"] for p in pairs)
    week = pairs[0]["week"]

    columns, outcomes = org.rows("outcomes.csv")
    assert columns == OUTCOME_COLUMNS
    assert outcomes == [
        {
            "week": week,
            "reporter_platform": "console",
            "reporter_user_id": "U3",
            "outcome": "could_not_meet",
            "reason": "shift_clash",
        }
    ]

    assert "Erased console user U1" in org.ok("forget", "console", "U1", "--yes")
    org.ok("export", "pairs", "--out", "after.csv")
    _, after = org.rows("after.csv")
    ids = {p["clinician_user_id"] for p in after}
    assert "U1" not in ids
    assert any(i.startswith("erased-") for i in ids), ids
    assert "Dr Amara Okafor" not in (org.folder / "after.csv").read_text(encoding="utf-8")
    assert "nobody with console id U1" in org.refused("forget", "console", "U1", "--yes")

    digest = org.ok("digest", "send", "--month", "2026-11", "--dry-run")
    assert "November 2026" in digest
    assert "Amara" not in digest and "Okafor" not in digest


def _join(org: Organiser, user_id: str, name: str, text: str) -> str:
    """The person types `join` from their own account."""
    from bot.chat import handle
    from bot.context import Sender

    ctx = org.context()
    try:
        return handle(ctx, Sender("console", user_id, name), text).text
    finally:
        ctx.uow.engine.dispose()


def test_an_erased_person_stays_erased_when_the_staff_list_comes_round_again(set_up: Organiser) -> None:
    org = set_up
    key = org.folder / "c.erasure-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600  # made on first start, beside the database
    assert "Erased console user U1" in org.ok("forget", "console", "U1", "--yes")

    month_later = org.ok("participants", "import", "staff.csv")
    assert "Enrolled 0 new participant(s) and updated 4" in month_later
    assert "Skipped 1 person who asked to be erased" in month_later
    assert "Active: 2 clinicians, 2 managers" in org.status()

    assert "Welcome back" in _join(org, "U1", "Dr Amara Okafor", "join clinician St Mary's")
    assert "Active: 3 clinicians, 2 managers" in org.status()
    assert "updated 5" in org.ok("participants", "import", "staff.csv")


def test_a_bad_places_file_is_rejected_whole(organiser: Organiser) -> None:
    bad = PLACES.replace(
        "kind: corridor\n        directions: By the lifts", "kind: cupboard\n        directions: x"
    )
    line_of_bad_kind = bad.splitlines().index("        kind: cupboard") + 1
    error = organiser.refused("places", "import", organiser.write("bad.yml", bad), "--yes")
    assert f"line {line_of_bad_kind}" in error
    assert "kind" in error and "cupboard" in error
    assert "Nothing was imported" in error or "nothing was imported" in error
    assert "(0 sites, 0 meeting places)" in organiser.status()


def test_a_staff_list_with_an_unknown_site_enrols_nobody(organiser: Organiser) -> None:
    organiser.import_places(PLACES)
    lines = STAFF.splitlines()
    lines[3] = lines[3].replace("Charing Cross", "Hammersmith")  # line 4 of the file
    error = organiser.refused("participants", "import", organiser.write("bad.csv", "\n".join(lines) + "\n"))
    assert "line 4" in error and "site" in error and "Hammersmith" in error
    assert "St Mary's" in error and "Charing Cross" in error  # the known sites are listed
    assert "Active: 0 clinicians, 0 managers" in organiser.status()


def test_bad_arguments_and_settings_get_one_clear_line(organiser: Organiser) -> None:
    week, since, setting = organiser.all_refused(
        (("round", "run", "--week", "2026-W99"), {}),
        (("export", "pairs", "--since", "yesterday", "--out", "x.csv"), {}),
        (("status",), {"CORRIDOR_REPEAT_WINDOW": "lots"}),
    )
    assert "week 99" in week and "2026-W48" in week  # says what is wrong and what to write
    assert "--since" in since and "yesterday" in since and "YYYY-MM-DD" in since
    assert not (organiser.folder / "x.csv").exists()
    assert "CORRIDOR_REPEAT_WINDOW" in setting and "lots" in setting


def test_a_staff_list_saved_the_wrong_way_from_excel_is_refused_with_how_to_save_it(
    organiser: Organiser,
) -> None:
    (organiser.folder / "staff.xlsx").write_bytes(b"PK\x03\x04 a workbook")
    (organiser.folder / "cp1252.csv").write_bytes(STAFF.replace("Nguyen", "Nguy\u00ebn").encode("cp1252"))
    workbook, legacy = organiser.all_refused(
        (("participants", "import", "staff.xlsx"), {}),
        (("participants", "import", "cp1252.csv"), {}),
    )
    assert "staff.xlsx is a spreadsheet workbook" in workbook and "CSV UTF-8" in workbook
    assert "cp1252.csv is not saved as UTF-8" in legacy and "CSV UTF-8" in legacy


def test_a_teams_admin_builds_the_app_package_with_only_the_app_id(tmp_path):
    import zipfile

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CORRIDOR_", "MICROSOFT_"))}
    env["MICROSOFT_APP_ID"] = "5b1e3c2a-0000-4a4a-9b9b-1234567890ab"
    built = subprocess.run(
        [*_command(), "teams-package", "--out", "corridor-teams.zip"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 0, built.stderr
    with zipfile.ZipFile(tmp_path / "corridor-teams.zip") as package:
        assert {"manifest.json", "color.png", "outline.png"} <= set(package.namelist())
        assert "5b1e3c2a-0000-4a4a-9b9b-1234567890ab" in package.read("manifest.json").decode()
    env.pop("MICROSOFT_APP_ID")
    refused = subprocess.run(
        [*_command(), "teams-package"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert (
        refused.returncode != 0 and "MICROSOFT_APP_ID" in refused.stderr and "Traceback" not in refused.stderr
    )


def test_it_staff_print_a_sign_in_link_only_for_an_organiser(organiser: Organiser) -> None:
    organiser.env["CORRIDOR_SLACK_ORGANISERS"] = "U0ORGANISER"
    organiser.env["CORRIDOR_PUBLIC_URL"] = "https://corridor.trust.example"
    printed = organiser.ok("admin", "link", "slack", "U0ORGANISER")
    assert printed.startswith("https://corridor.trust.example/admin/signin?token=")
    refused = organiser.refused("admin", "link", "slack", "U0SOMEONE")
    assert "not an organiser" in refused and "token" not in refused


def test_a_round_for_a_week_gone_by_waits_for_yes(set_up: Organiser) -> None:
    org = set_up
    refused = org.refused("round", "run", "--week", "2020-W01")
    assert "2020-W01 is in the past" in refused and "--yes" in refused
    assert "No rounds yet." in org.status()  # nothing was run, nothing queued
    assert "would pair 3" in org.ok("round", "run", "--week", "2020-W01", "--dry-run")  # looking is free
    assert "paired 3 clinician-manager pairs" in org.ok("round", "run", "--week", "2020-W01", "--yes")


def _on_a_terminal(org: Organiser, typed: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`corridor ...` typed at a terminal, the organiser answering its question with `typed`."""
    import pty

    controller, terminal = pty.openpty()
    try:
        os.write(controller, typed.encode() + b"\n")
        process = subprocess.Popen(
            [*_command(), *args],
            cwd=org.folder,
            env=org.env,
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.close(terminal)
        return _finish(process)
    finally:
        os.close(controller)


def test_it_staff_erase_someone_by_email_after_seeing_who_it_is(set_up: Organiser) -> None:
    org = set_up
    unasked = org.refused("forget", "--email", "AMARA@Example.org")  # from a script, no --yes
    assert "--yes" in unasked and "amara" not in unasked.lower()
    assert "Active: 3 clinicians, 2 managers" in org.status()

    declined = _on_a_terminal(org, "no", "forget", "--email", "Amara@EXAMPLE.org")
    assert declined.returncode != 0 and "nothing was erased" in declined.stderr
    assert "Will erase: console U1 (Dr Amara Okafor)" in declined.stdout
    assert "amara@example.org" not in declined.stdout.lower()  # no more personal data than needed
    assert "Active: 3 clinicians, 2 managers" in org.status()

    agreed = _on_a_terminal(org, "yes", "forget", "--email", "amara@example.org")
    assert agreed.returncode == 0, agreed.stderr
    assert "Erased console user U1" in agreed.stdout
    assert "Active: 2 clinicians, 2 managers" in org.status()

    scripted = org.ok("forget", "--email", "DEV@example.org", "--yes")
    assert "Will erase: console U4 (Dev Walsh)" in scripted and "Erased console user U4" in scripted
    assert "Active: 2 clinicians, 1 manager" in org.status()
    assert "nobody enrolled has that email" in org.refused("forget", "--email", "dev@example.org", "--yes")


def test_a_bad_database_url_names_the_setting_and_the_forms_it_takes(organiser: Organiser) -> None:
    missing_folder = f"sqlite:///{organiser.folder / 'no-such-folder' / 'corridor.db'}"
    garbled, mysql, folder = organiser.all_refused(
        (("status",), {"CORRIDOR_DATABASE_URL": "corridor database please"}),
        (("status",), {"CORRIDOR_DATABASE_URL": "mysql://corridor@db.trust.nhs.uk/corridor"}),
        (("status",), {"CORRIDOR_DATABASE_URL": missing_folder}),
    )
    for line in (garbled, mysql, folder):
        assert "CORRIDOR_DATABASE_URL" in line
        assert "sqlite:///path/corridor.db" in line and "postgresql+psycopg://user@host/db" in line
    assert "mysql" in mysql
    assert "no-such-folder" in folder and "does not exist" in folder
    assert not (organiser.folder / "no-such-folder").exists()


def test_status_in_the_wrong_folder_says_there_is_no_database_rather_than_making_one(tmp_path: Path) -> None:
    elsewhere = Organiser(tmp_path)
    del elsewhere.env["CORRIDOR_DATABASE_URL"]  # the default: corridor.db in this folder
    refused = elsewhere.refused("status")
    assert f"no Corridor database at {tmp_path.resolve() / 'corridor.db'}" in refused
    assert "corridor db upgrade" in refused
    assert not (tmp_path / "corridor.db").exists()
    assert "up to date" in elsewhere.ok("db", "upgrade")
    assert "No rounds yet." in elsewhere.ok("status")


FIXED_PLACES = """\
sites:
  - name: St Mary's
    places:
      - name: Level 2 staff kitchen
        kind: kitchen
        directions: CLOSED for refurbishment; use the Level 3 kitchen by Ward 9
      - name: Level 3 kitchen
        kind: kitchen
        directions: Up the stairs by Ward 9
  - name: Empty site
    retired: true
"""


def _places_and_sites(org: Organiser) -> tuple[dict[str, tuple[str, bool]], dict[str, bool]]:
    """Each place's directions and whether it is retired; each site and whether it is."""
    ctx = org.context()
    try:
        with ctx.uow() as uow:
            (programme,) = uow.programmes.list()
            places = {p.name: (p.directions, p.retired) for p in uow.places.list(programme.id)}
            sites = {s.name: s.retired for s in uow.sites.list(programme.id)}
    finally:
        ctx.uow.engine.dispose()
    return places, sites


def test_a_places_file_updates_directions_and_retires_what_it_no_longer_lists(set_up: Organiser) -> None:
    org = set_up
    mistake = "sites:\n  - name: Empty site\n"
    assert "Added a site: Empty site" in org.ok("places", "import", org.write("oops.yml", mistake), "--yes")
    before = _places_and_sites(org)
    org.write("places.yml", FIXED_PLACES)

    shown = org.ok("places", "import", "places.yml", "--dry-run")
    assert "Changed a place: Level 2 staff kitchen at St Mary's: directions" in shown
    assert "CLOSED for refurbishment" in shown
    assert "Added a place: Level 3 kitchen (staff kitchen) at St Mary's: Up the stairs by Ward 9" in shown
    assert "Retired a place: Outpatients coffee point at St Mary's" in shown
    assert "Retired a site: Empty site" in shown
    assert "Charing Cross" not in shown  # a site the file does not name is left as it is
    assert "Dry run: 4 change(s) shown, none made." in shown
    refusal = org.refused("places", "import", "places.yml")  # a script that forgot --yes
    assert "not confirmed" in refusal and "--yes" in refusal
    assert _places_and_sites(org) == before

    assert "Made 4 change(s)." in org.ok("places", "import", "places.yml", "--yes")
    places, sites = _places_and_sites(org)
    assert places["Level 2 staff kitchen"][0].startswith("CLOSED for refurbishment")
    assert places["Outpatients coffee point"][1] is True and places["Atrium coffee point"][1] is False
    assert sites == {"St Mary's": False, "Charing Cross": False, "Empty site": True}
    assert "(2 sites, 3 meeting places)" in org.status()
    picker = _join(org, "U9", "Newcomer", "join clinician Empty site")
    assert "no site called 'Empty site'" in picker
    assert "Nothing to change" in org.ok("places", "import", "places.yml", "--yes")


def test_a_do_not_pair_file_is_the_whole_list_of_rules(set_up: Organiser) -> None:
    org = set_up
    header = "clinician_platform,clinician_user_id,manager_platform,manager_user_id\n"
    both = header + "console,U1,console,U2\nconsole,U3,console,U4\n"
    done = org.ok("exclusions", "import", org.write("rules.csv", both), "--yes")
    assert "Added a do-not-pair rule: Dr Amara Okafor and Ben Hughes" in done
    assert "Added a do-not-pair rule: Sister Chloe Patel and Dev Walsh" in done

    org.write("rules.csv", header + "console,U1,console,U2\n")
    shown = org.ok("exclusions", "import", "rules.csv", "--dry-run")
    assert "Removed a do-not-pair rule: Sister Chloe Patel and Dev Walsh" in shown
    assert "Amara" not in shown and "Dry run: 1 change(s) shown, none made." in shown
    bad = header + "console,U1,console,U2\nconsole,U2,console,U1\nconsole,U77,console,U4\n"
    error = org.refused("exclusions", "import", org.write("bad.csv", bad), "--yes")
    assert "line 3, clinician_user_id: no clinician U2" in error and "line 3, manager_user_id" in error
    assert "line 4, clinician_user_id: no clinician U77" in error and "Nothing was imported" in error
    assert "Made 1 change(s)." in org.ok("exclusions", "import", "rules.csv", "--yes")
    ctx = org.context()
    try:
        with ctx.uow() as uow:
            (programme,) = uow.programmes.list()
            rules = uow.exclusions.list(programme.id)
            names = uow.participants.get_many({r.clinician_id for r in rules})
            audit = [e.action for e in uow.audit.recent(programme.id, 10)]
        assert [names[r.clinician_id].user_id for r in rules] == ["U1"]
    finally:
        ctx.uow.engine.dispose()
    assert audit.count("Removed a do-not-pair rule") == 1 and audit.count("Added a do-not-pair rule") == 2

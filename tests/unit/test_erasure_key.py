"""The erasure register's key: made once on first start, private to Corridor, never in the database."""

import stat
from pathlib import Path

import pytest

from bot.errors import CorridorError
from corridor_cli.erasure_key import default_key_path, load_or_create


def test_the_key_sits_beside_a_sqlite_database_and_in_the_working_folder_for_a_server():
    assert default_key_path("sqlite:////srv/corridor/corridor.db") == Path(
        "/srv/corridor/corridor.erasure-key"
    )
    assert default_key_path("postgresql://corridor@db/corridor") == Path("corridor.erasure-key")
    assert default_key_path("sqlite://") is None  # in memory: the register dies with the process


def test_the_first_start_makes_a_key_only_corridor_can_read_and_later_starts_reuse_it(tmp_path):
    path = tmp_path / "keys" / "corridor.erasure-key"
    first = load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create(path).digest("email", "a@nhs.net") == first.digest("email", "a@nhs.net")
    assert len(path.read_text().strip()) == 64


def test_a_damaged_key_stops_corridor_naming_the_setting_rather_than_quietly_making_another(tmp_path):
    path = tmp_path / "corridor.erasure-key"
    path.write_text("not a key\n")
    with pytest.raises(CorridorError, match=r"CORRIDOR_ERASURE_KEY_FILE.*Restore it from your backup"):
        load_or_create(path)
    path.write_text("abcd\n")
    with pytest.raises(CorridorError, match="holds 2 bytes"):
        load_or_create(path)


def _start(path: str, answers) -> None:
    try:
        answers.put(load_or_create(Path(path)).digest("email", "amara@nhs.net"))
    except Exception as problem:  # reported to the test, which names it
        answers.put(repr(problem))


def test_processes_starting_together_share_one_whole_key(tmp_path):
    """`serve` and a CLI command started at the same moment: neither may read a half-written key,
    and both must end up keying the register alike."""
    import multiprocessing

    spawn = multiprocessing.get_context("spawn")
    for attempt in range(3):
        path = tmp_path / f"try{attempt}" / "c.erasure-key"
        answers = spawn.Queue()
        starts = [spawn.Process(target=_start, args=(str(path), answers)) for _ in range(4)]
        for process in starts:
            process.start()
        for process in starts:
            process.join(timeout=60)
        digests = {answers.get(timeout=10) for _ in starts}
        assert len(digests) == 1 and not next(iter(digests)).startswith("CorridorError"), digests
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert [p.name for p in path.parent.iterdir()] == ["c.erasure-key"]  # no draft left behind

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

"""After `forget-me`, with Corridor still running, her name and email are in no file SQLite keeps."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from tests.integration.week import AMARA, COLLEAGUES, Week


def _files(database: Path) -> list[Path]:
    return [database, Path(f"{database}-wal"), Path(f"{database}-shm")]


def _found(database: Path, value: str) -> list[str]:
    """Which of the database's files hold the value, as bytes (UTF-8 as SQLite stores text)."""
    needle = value.encode()
    return [f.name for f in _files(database) if f.exists() and needle in f.read_bytes()]


def test_a_byte_scan_of_the_database_its_wal_and_shm_finds_neither_her_name_nor_her_email(tmp_path):
    database = tmp_path / "corridor.db"
    week = Week(f"sqlite:///{database}")
    week.live()
    engine = week.ctx.uow.engine
    # Another part of `serve` holding its own connection, as the delivery worker would.
    with engine.connect() as other:
        other.execute(text("SELECT count(*) FROM participants")).scalar_one()
        other.commit()
        assert _found(database, AMARA.email), "the scan must see her before erasure, or it proves nothing"

        week.forget_amara()

        for value in (AMARA.name, AMARA.email, AMARA.user_id, AMARA.department):
            assert _found(database, value) == [], value
        assert _found(database, COLLEAGUES[0].email), "her colleagues' rows are still on disk"
    assert Path(f"{database}-wal").exists()  # still running in WAL mode: the log was emptied, not removed


def test_every_connection_zeroes_what_it_deletes(tmp_path):
    week = Week(f"sqlite:///{tmp_path / 'corridor.db'}")
    with week.ctx.uow.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar_one() == 1

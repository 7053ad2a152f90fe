"""The unit of work: all or nothing, and a broken uniqueness rule is a Conflict."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from bot.errors import Conflict
from bot.model import Programme, Round

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_leaving_without_commit_writes_nothing(uow_factory):
    with uow_factory() as uow:
        uow.programmes.add(Programme(name="Draft"))
    with uow_factory() as uow:
        assert uow.programmes.list() == []


def test_an_error_inside_the_block_rolls_everything_back(uow_factory):
    with pytest.raises(RuntimeError), uow_factory() as uow:
        uow.programmes.add(Programme(name="Half done"))
        raise RuntimeError("the pairing step failed")
    with uow_factory() as uow:
        assert uow.programmes.by_name("Half done") is None


def test_explicit_rollback_discards_the_work_so_far(uow_factory):
    with uow_factory() as uow:
        uow.programmes.add(Programme(name="Discarded"))
        uow.rollback()
        uow.programmes.add(Programme(name="Kept"))
        uow.commit()
    with uow_factory() as uow:
        assert [p.name for p in uow.programmes.list()] == ["Kept"]


def test_two_schedulers_holding_the_same_round_one_wins(uow_factory):
    with uow_factory() as uow:
        programme = uow.programmes.add(Programme(name="St Elsewhere"))
        uow.commit()

    def the_round() -> Round:
        return Round(
            programme_id=programme.id, week="2026-W10", seed=1, held_on=date(2026, 3, 2), created_at=MONDAY
        )

    with uow_factory() as uow:
        uow.rounds.add(the_round())
        uow.commit()
    with uow_factory() as uow, pytest.raises(Conflict):
        uow.rounds.add(the_round())


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_commit_turns_a_late_unique_violation_into_a_conflict_and_writes_nothing(uow_factory, engine):
    # A deferred constraint only complains at COMMIT, which is where the port promises
    # Conflict; SQLite has no deferrable unique constraints, so this is PostgreSQL's alone.
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE programmes DROP CONSTRAINT uq_programmes_name"))
        connection.execute(
            text(
                "ALTER TABLE programmes ADD CONSTRAINT uq_programmes_name UNIQUE (name)"
                " DEFERRABLE INITIALLY DEFERRED"
            )
        )
    with uow_factory() as uow:
        uow.programmes.add(Programme(name="Twice"))
        uow.programmes.add(Programme(name="Twice"))
        uow.programmes.add(Programme(name="Innocent bystander"))
        with pytest.raises(Conflict):
            uow.commit()
        # The unit of work rolled back and can carry on.
        assert uow.programmes.list() == []
    with uow_factory() as uow:
        assert uow.programmes.list() == []


def test_using_a_unit_of_work_outside_with_is_a_clear_error(uow_factory):
    with pytest.raises(RuntimeError, match="with"):
        uow_factory().commit()


def test_a_reader_looks_while_a_writer_holds_its_transaction_open(uow_factory):
    # On SQLite every writing unit of work takes the write lock at BEGIN; a page that only
    # reads must not queue behind it (nor make it wait), and sees what was committed before.
    with uow_factory() as uow:
        uow.programmes.add(Programme(name="St Elsewhere"))
        uow.commit()
    with uow_factory() as writer:
        writer.programmes.add(Programme(name="Not yet committed"))
        with uow_factory(read_only=True) as reader:
            assert [p.name for p in reader.programmes.list()] == ["St Elsewhere"]
        writer.commit()
    with uow_factory(read_only=True) as reader:
        assert [p.name for p in reader.programmes.list()] == ["St Elsewhere", "Not yet committed"]


def test_a_read_only_unit_of_work_refuses_to_commit(uow_factory):
    with uow_factory(read_only=True) as reader, pytest.raises(RuntimeError, match="read-only"):
        reader.commit()

"""After a week of Corridor and a `forget-me`, nothing in the database can name her."""

from __future__ import annotations

from sqlalchemy import inspect, text

from bot.context import default_programme
from bot.digest import digest_message
from bot.model import ERASED_NAME
from tests.integration.week import AMARA, COLLEAGUES, Week


def _every_value(engine) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every cell of every table, JSON documents included."""
    found = []
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            result = connection.execute(text(f'SELECT * FROM "{table}"'))
            for row in result.mappings():
                found += [(table, column, str(value)) for column, value in row.items() if value is not None]
    return found


def _traces(engine, person) -> list[tuple[str, str, str]]:
    wanted = [v.lower() for v in person.values()]
    return [cell for cell in _every_value(engine) if any(w in cell[2].lower() for w in wanted)]


def _past_digest(week: Week) -> list:
    with week.ctx.uow() as uow:
        programme = default_programme(uow, week.ctx.settings)
        message = digest_message(uow, programme, "2026-11", "")
    return [message.rows, message.sites, message.places, message.reasons]


def test_no_table_or_json_column_keeps_a_value_of_the_erased_person(tmp_path):
    week = Week(f"sqlite:///{tmp_path / 'corridor.db'}")
    week.live()
    engine = week.ctx.uow.engine
    assert _traces(engine, AMARA), "the scan must see her before erasure, or it proves nothing"
    november = _past_digest(week)

    assert "no longer holds your details" in week.forget_amara()

    assert _traces(engine, AMARA) == []
    assert _traces(engine, COLLEAGUES[0]), "her colleagues are still there"
    assert _past_digest(week) == november  # the counts November's digest reported still add up


def _answers_of(engine, participant_id: int) -> dict[str, int]:
    """Her rows in the tables of answers about her: the pulse and shadowing."""
    with engine.connect() as connection:
        return {
            table: connection.execute(
                text(f"SELECT count(*) FROM {table} WHERE participant_id = :id"), {"id": participant_id}
            ).scalar_one()
            for table in ("pulse_answers", "shadowing_answers")
        }


def test_her_pulse_and_shadowing_answers_go_with_her(tmp_path):
    week = Week(f"sqlite:///{tmp_path / 'corridor.db'}")
    week.live()
    engine = week.ctx.uow.engine
    with week.ctx.uow() as uow:
        amara = uow.participants.find(1, "console", AMARA.user_id).saved_id
        ben = uow.participants.find(1, "console", COLLEAGUES[0].user_id).saved_id
    assert _answers_of(engine, amara) == {"pulse_answers": 1, "shadowing_answers": 1}

    week.forget_amara()

    assert _answers_of(engine, amara) == {"pulse_answers": 0, "shadowing_answers": 0}
    assert _answers_of(engine, ben)["pulse_answers"] == 1, "her colleagues' answers stay"


def test_what_is_left_of_her_row_cannot_single_her_out_on_a_small_site(tmp_path):
    week = Week(f"sqlite:///{tmp_path / 'corridor.db'}")
    week.live()
    week.forget_amara()
    with week.ctx.uow() as uow:
        (erased,) = [p for p in uow.participants.list(1) if p.erased]
        site = uow.sites.get(erased.site_id)
    assert erased.display_name == ERASED_NAME and site is not None
    assert site.name == ERASED_NAME and site.retired  # not St Mary's, and nobody can join it
    assert erased.joined_at.day == 1 and erased.left_at.day == 1  # the month, not the day
    assert erased.joined_at.hour == erased.left_at.hour == 0
    assert erased.capacity == 1 and erased.paused_until is None and erased.workspace_id == ""

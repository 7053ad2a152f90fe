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


def test_her_working_week_and_the_times_she_agreed_go_with_her(tmp_path):
    """Her shifts, days off and cadence, and the coffee time she proposed and agreed: all cleared."""
    week = Week(f"sqlite:///{tmp_path / 'corridor.db'}")
    week.live()

    with week.ctx.uow() as uow:
        [her_id] = [p.saved_id for p in uow.participants.list(1) if p.user_id == AMARA.user_id]

    def hers():
        with week.ctx.uow() as uow:
            amara = uow.participants.get(her_id)
            pairs = uow.pairs.for_participant(amara.saved_id, 10)
            calendars = [m for m in uow.outbox.mentioning(amara.saved_id) if m.payload.get("calendar")]
        return amara, pairs, calendars

    amara, pairs, calendars = hers()
    assert (amara.shift_pattern, amara.days_off, amara.every_weeks) == ("nights", "mon tue", 2)
    assert pairs[0].meeting_proposed_by == amara.id and pairs[0].meeting_agreed_at is not None
    assert len(calendars) == 2, "the scan must see her calendar entries, or it proves nothing"

    week.forget_amara()
    amara, pairs, calendars = hers()
    assert (amara.shift_pattern, amara.days_off, amara.every_weeks) == (None, "", 1)
    assert [(p.meeting_at, p.meeting_proposed_by, p.meeting_agreed_at) for p in pairs] == [(None, None, None)]
    assert calendars == []


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

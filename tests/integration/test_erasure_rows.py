"""After a week of Corridor and a `forget-me`, nothing in the database can name her."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from sqlalchemy import inspect, text

from bot import programme as programme_settings
from bot.context import default_programme
from bot.dashboard.people import pause_person
from bot.dashboard.signin import current_session, issue_link, start_session
from bot.digest import digest_message
from bot.messages import REDACTION
from bot.model import ERASED_NAME, AuditEntry, Organiser, OutboxStatus
from tests.integration.conftest import NOW
from tests.integration.week import AMARA, COLLEAGUES, ORGANISER, Week


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
    week.deliver()  # the redactions of her partner's copies go out, and are recorded as sent
    with week.ctx.uow() as uow:
        redactions = [m for m in uow.outbox.mentioning(_id_of(week, COLLEAGUES[0])) if m.kind == REDACTION]
    assert redactions and all(m.status is OutboxStatus.SENT for m in redactions)
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


def _id_of(week: Week, person) -> int:
    with week.ctx.uow() as uow:
        return next(p.saved_id for p in uow.participants.list(1) if p.user_id == person.user_id)


def test_an_erased_organiser_leaves_no_sign_in_session_or_audit_who_behind(tmp_path):
    week = Week(f"sqlite:///{tmp_path / 'corridor.db'}")
    organisers = {"console": frozenset({ORGANISER, AMARA.user_id})}
    week.ctx.settings = replace(week.ctx.settings, organisers=organisers)
    week.live()
    with week.ctx.uow() as uow:  # as the Settings page saves the organisers list
        saved = programme_settings.stored(uow, 1)
        programme_settings.store(uow, 1, {**saved, "organisers": {"console": [ORGANISER, AMARA.user_id]}})
        uow.commit()
    amara = Organiser("console", AMARA.user_id, AMARA.name)
    link = issue_link(week.ctx, amara)
    started = start_session(week.ctx, parse_qs(urlparse(link.url).query)["token"][0])
    assert started is not None
    issue_link(week.ctx, amara)  # a second link, never used
    until = (week.clock.now() + timedelta(days=14)).date().isoformat()
    assert not pause_person(week.ctx, amara, _id_of(week, COLLEAGUES[0]), until).problems
    engine = week.ctx.uow.engine
    tables = {table for table, _, _ in _traces(engine, AMARA)}
    assert {"sign_in_tokens", "organiser_sessions", "audit_log", "settings"} <= tables

    week.forget_amara()

    assert _traces(engine, AMARA) == []
    assert current_session(week.ctx, started.secret) is None  # signed out
    with week.ctx.uow() as uow:
        (paused,) = [e for e in uow.audit.recent(1, 50) if e.action == "Paused a person"]
    assert paused.organiser.display_name == ERASED_NAME  # the change stays, made by an erased organiser
    assert COLLEAGUES[0].name in paused.detail
    with week.ctx.uow() as uow:
        # Olivia still organises.
        assert programme_settings.stored(uow, 1)["organisers"] == {"console": [ORGANISER]}


def test_the_audit_log_loses_her_name_but_not_a_longer_name_that_starts_the_same(uow_factory, hospital):
    olivia = Organiser("slack", "U0OLIVIA", "Olivia Organiser")
    details = ["Paused Sam until Monday", "Moved Samira to St Mary's", "Sam's role: manager", "(Sam)", "Sams"]
    with uow_factory() as uow:
        for detail in details:
            uow.audit.add(AuditEntry(hospital.programme.id, NOW, olivia, "Changed", detail))
        uow.commit()

    with uow_factory() as uow:
        assert uow.audit.redact(hospital.programme.id, "Sam", ERASED_NAME) == 3
        uow.commit()

    with uow_factory() as uow:
        shown = sorted(e.detail for e in uow.audit.recent(hospital.programme.id, 10))
    assert shown == sorted(
        [
            "Paused (erased) until Monday",
            "Moved Samira to St Mary's",
            "(erased)'s role: manager",
            "((erased))",
            "Sams",
        ]
    )

"""What the People and Do-not-pair pages need from storage: a rule can be taken back, and an
erased person's name can be taken out of the audit log."""

from __future__ import annotations

from datetime import timedelta

from bot.model import AuditEntry, Exclusion, Organiser, Role
from tests.integration.conftest import NOW

OLIVIA = Organiser("slack", "U0OLIVIA", "Olivia Organiser")


def test_a_do_not_pair_rule_is_removed_once(uow_factory, hospital):
    ann, bob = hospital.join(Role.CLINICIAN, "Ann"), hospital.join(Role.MANAGER, "Bob")
    cat = hospital.join(Role.CLINICIAN, "Cat")
    rule = Exclusion(hospital.programme.id, ann.id, bob.id)
    other = Exclusion(hospital.programme.id, cat.id, bob.id)
    with uow_factory() as uow:
        uow.exclusions.add(rule)
        uow.exclusions.add(other)
        uow.commit()
    with uow_factory() as uow:
        assert uow.exclusions.remove(rule) is True
        assert uow.exclusions.remove(rule) is False
        uow.commit()
    with uow_factory() as uow:
        assert uow.exclusions.list(hospital.programme.id) == [other]


def test_redacting_a_name_rewrites_only_the_entries_that_carry_it(uow_factory, hospital):
    programme_id = hospital.programme.id
    details = ["Paused Ann 100% O'Neil until 1 June", "Paused Bob until 2 June", "Ann 100%_O'Neil"]
    with uow_factory() as uow:
        for minutes, detail in enumerate(details):
            uow.audit.add(
                AuditEntry(programme_id, NOW + timedelta(minutes=minutes), OLIVIA, "Paused", detail)
            )
        uow.commit()
    with uow_factory() as uow:
        # % and _ are LIKE wildcards: they must match only themselves.
        assert uow.audit.redact(programme_id, "Ann 100% O'Neil", "(erased)") == 1
        uow.commit()
    with uow_factory() as uow:
        kept = [e.detail for e in reversed(uow.audit.recent(programme_id, 10))]
    assert kept == ["Paused (erased) until 1 June", "Paused Bob until 2 June", "Ann 100%_O'Neil"]

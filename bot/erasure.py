"""Erasure: forget a person's identifying details, keep only anonymous counts.

Pairs, sit-outs and outcomes stay (they feed past digests' counts) but point at a row
with no name, platform id, email or department. What is left is generalised so that a
small site cannot name the person either: the row moves to a retired placeholder site,
its join and leave dates become the first of their month (the digest counts by month,
so past digests still add up), and capacity and pauses are cleared. The role stays: the
pairs the counts are made of say who was the clinician and who the manager anyway.

Their working pattern, days off and personal cadence go too, and so do the times their
pairs proposed or agreed (a time says when they were on shift). Their pulse answers and
shadowing answers are deleted (a pair's shadowing offer stays, as anonymous as the pair).
Messages that carried the person's details are deleted from the outbox, sent or not, and
so is any platform state (a Teams conversation reference, a cached Slack group DM). Copies
already posted to someone else (the partner's intro and follow-up, a shared group DM) are
rewritten through the outbox to name "a colleague who has since left Corridor"
(bot/redaction.py); their own chat's copies stay with them. The person's id and email go
on the erasure register as keyed digests, so no import brings them back. The audit log
keeps each organiser's change but no longer names the person; if the person was an
organiser, their sign-in links and sessions go (signing them out) and the audit log's
"who" becomes an erased organiser. Anything in logs is beyond reach.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot import programme as programme_settings
from bot.context import Context
from bot.erasure_register import put_on_register
from bot.model import ERASED_NAME, Organiser, Participant, Site
from bot.ports import UnitOfWork
from bot.redaction import redaction_for


def erase(uow: UnitOfWork, ctx: Context, person: Participant) -> int:
    """Returns how many outbox messages were removed."""
    put_on_register(uow, ctx, person)
    removed = 0
    now = ctx.clock.now()
    for message in uow.outbox.mentioning(person.saved_id):
        redaction = redaction_for(message, person.saved_id, now)
        uow.outbox.erase(message.saved_id)
        if redaction is not None:
            uow.outbox.add_if_absent(redaction)
        removed += 1
    uow.platform_state.delete_for(person.saved_id)
    # Pulse and shadowing answers are about the person, not anonymous counts of pairs: they go.
    uow.pulse.erase_for(person.saved_id)
    uow.shadowing.erase_for(person.saved_id)
    # Organisers' changes named the person; the entries stay, the name goes.
    if person.display_name and person.display_name != ERASED_NAME:
        uow.audit.redact(person.programme_id, person.display_name, ERASED_NAME)
    forget_organiser(uow, person)
    person.display_name = ERASED_NAME
    person.user_id = f"erased-{person.id}"
    person.workspace_id = ""
    person.email = None
    person.department = None
    person.upn = None
    person.shift_pattern = None
    person.days_off = ""
    person.every_weeks = 1
    person.paused_until = None
    person.capacity = 1
    person.site_id = placeholder_site(uow, ctx, person.programme_id).saved_id
    person.joined_at = _month_start(person.joined_at)
    person.left_at = _month_start(person.left_at or ctx.clock.now())
    person.erased = True
    uow.participants.save(person)
    _forget_meeting_times(uow, person)
    return removed


def forget_organiser(uow: UnitOfWork, person: Participant) -> None:
    """An organiser who asks to be forgotten: their sign-in links and sessions go (so they are
    signed out), the audit log's "who" no longer names them, and the saved organisers list
    drops their id. The changes they made stay, as an erased organiser's."""
    uow.sign_ins.forget(person.platform, person.user_id)
    uow.organiser_sessions.forget(person.platform, person.user_id)
    erased = Organiser(person.platform, f"erased-{person.id}", ERASED_NAME)
    uow.audit.forget_organiser(person.platform, person.user_id, erased)
    saved = programme_settings.stored(uow, person.programme_id)
    organisers = saved.get("organisers")
    if isinstance(organisers, dict) and person.platform in organisers:
        wanted = person.user_id.casefold()
        organisers[person.platform] = [i for i in organisers[person.platform] if i.casefold() != wanted]
        programme_settings.store(uow, person.programme_id, saved)


def _forget_meeting_times(uow: UnitOfWork, person: Participant) -> None:
    """A time they proposed or agreed says when they were on shift: it goes with them."""
    for pair in uow.pairs.for_participant(person.saved_id, 10_000):
        if pair.meeting_at is not None:
            pair.meeting_at = pair.meeting_proposed_by = pair.meeting_agreed_at = None
            uow.pairs.save(pair)


def placeholder_site(uow: UnitOfWork, ctx: Context, programme_id: int) -> Site:
    """Where erased people are 'based': retired, so nobody can pick it or be paired there."""
    site = uow.sites.by_name(programme_id, ERASED_NAME)
    if site is None:
        site = uow.sites.add(Site(programme_id, ERASED_NAME, retired_at=_month_start(ctx.clock.now())))
    return site


def _month_start(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    utc = moment.astimezone(UTC)
    return datetime(utc.year, utc.month, 1, tzinfo=UTC)


def forget_user(ctx: Context, programme_id: int, platform: str, user_id: str) -> bool:
    with ctx.uow() as uow:
        person = uow.participants.find(programme_id, platform, user_id)
        if person is None or person.erased:
            return False
        erase(uow, ctx, person)
        uow.commit()
    return True

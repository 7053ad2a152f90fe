"""Erasure: forget a person's identifying details, keep only anonymous counts.

Pairs, sit-outs and outcomes stay (they feed past digests' counts) but point at a row
with no name, platform id, email or department. What is left is generalised so that a
small site cannot name the person either: the row moves to a retired placeholder site,
its join and leave dates become the first of their month (the digest counts by month,
so past digests still add up), and capacity and pauses are cleared. The role stays: the
pairs the counts are made of say who was the clinician and who the manager anyway.

Their pulse answers and shadowing answers are deleted (a pair's shadowing offer stays, as
anonymous as the pair). Messages that carried the person's details are deleted from the
outbox, sent or not, and so is any platform state (a Teams conversation reference, a cached
Slack group DM). The person's id and email go on the erasure register as keyed digests, so no import brings
them back. The audit log keeps each organiser's change but no longer names the
person. Copies already posted in Slack or Teams, and anything in logs, are beyond reach.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.context import Context
from bot.erasure_register import put_on_register
from bot.model import ERASED_NAME, Participant, Site
from bot.ports import UnitOfWork


def erase(uow: UnitOfWork, ctx: Context, person: Participant) -> int:
    """Returns how many outbox messages were removed."""
    put_on_register(uow, ctx, person)
    removed = 0
    for message in uow.outbox.mentioning(person.saved_id):
        uow.outbox.erase(message.saved_id)
        removed += 1
    uow.platform_state.delete_for(person.saved_id)
    # Pulse and shadowing answers are about the person, not anonymous counts of pairs: they go.
    uow.pulse.erase_for(person.saved_id)
    uow.shadowing.erase_for(person.saved_id)
    # Organisers' changes named the person; the entries stay, the name goes.
    if person.display_name and person.display_name != ERASED_NAME:
        uow.audit.redact(person.programme_id, person.display_name, ERASED_NAME)
    person.display_name = ERASED_NAME
    person.user_id = f"erased-{person.id}"
    person.workspace_id = ""
    person.email = None
    person.department = None
    person.upn = None
    person.paused_until = None
    person.capacity = 1
    person.site_id = placeholder_site(uow, ctx, person.programme_id).saved_id
    person.joined_at = _month_start(person.joined_at)
    person.left_at = _month_start(person.left_at or ctx.clock.now())
    person.erased = True
    uow.participants.save(person)
    return removed


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

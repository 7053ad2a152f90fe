"""Erasure: forget a person's identifying details, keep only anonymous counts.

Pairs, sit-outs and outcomes stay (they feed past digests' counts) but point at a row
with no name, platform id, email or department. Messages that carried the person's
details are deleted from the outbox, sent or not, and so is any platform state
(a Teams conversation reference, a cached Slack group DM).
"""

from __future__ import annotations

from bot.context import Context
from bot.model import ERASED_NAME, Participant
from bot.ports import UnitOfWork


def erase(uow: UnitOfWork, ctx: Context, person: Participant) -> int:
    """Returns how many outbox messages were removed."""
    removed = 0
    for message in uow.outbox.mentioning(person.saved_id):
        uow.outbox.erase(message.saved_id)
        removed += 1
    uow.platform_state.delete_for(person.saved_id)
    person.display_name = ERASED_NAME
    person.user_id = f"erased-{person.id}"
    person.workspace_id = ""
    person.email = None
    person.department = None
    person.upn = None
    person.paused_until = None
    person.left_at = person.left_at or ctx.clock.now()
    person.erased = True
    uow.participants.save(person)
    return removed


def forget_user(ctx: Context, programme_id: int, platform: str, user_id: str) -> bool:
    with ctx.uow() as uow:
        person = uow.participants.find(programme_id, platform, user_id)
        if person is None or person.erased:
            return False
        erase(uow, ctx, person)
        uow.commit()
    return True

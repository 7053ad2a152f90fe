"""Retention: what Corridor keeps, it keeps only as long as the settings say."""

from __future__ import annotations

from datetime import timedelta

from bot.context import Context, default_programme
from bot.erasure import erase


def tidy(ctx: Context) -> tuple[int, int]:
    """Deletes delivered messages past their retention and erases leavers past theirs.

    Returns (messages deleted, leavers erased)."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        programme = default_programme(uow, ctx.settings)
        purged = uow.outbox.purge_sent_before(now - timedelta(days=ctx.settings.outbox_retention_days))
        cutoff = now - timedelta(days=ctx.settings.leaver_retention_days)
        erased = 0
        for person in uow.participants.list(programme.saved_id):
            if not person.erased and person.left_at is not None and person.left_at < cutoff:
                erase(uow, ctx, person)
                erased += 1
        uow.commit()
    return purged, erased

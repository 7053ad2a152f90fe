"""The audit log: who changed what, and when, written inside the change's own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.context import Context, default_programme
from bot.model import AuditEntry, Organiser, Programme
from bot.ports import UnitOfWork

SHOWN = 200


def record(
    uow: UnitOfWork, ctx: Context, programme: Programme, who: Organiser, action: str, detail: str
) -> None:
    """Call before uow.commit(): the entry and the change it describes stand or fall together."""
    uow.audit.add(AuditEntry(programme.saved_id, ctx.clock.now(), who, action, detail))


@dataclass(frozen=True)
class AuditLine:
    at: datetime  # in the programme's timezone
    who: str
    platform: str
    action: str
    detail: str


def audit_log(ctx: Context, limit: int = SHOWN) -> list[AuditLine]:
    with ctx.uow(read_only=True) as uow:
        programme = default_programme(uow, ctx.settings)
        entries = uow.audit.recent(programme.saved_id, limit)
    zone = ctx.settings.timezone
    return [
        AuditLine(e.at.astimezone(zone), e.organiser.display_name, e.organiser.platform, e.action, e.detail)
        for e in entries
    ]

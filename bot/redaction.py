"""Posted copies: rewriting what Corridor already posted about someone who asked to be forgotten.

An intro or follow-up that named the erased person stays in their partner's chat (or the
group DM they shared) after erasure. Corridor cannot unsend it, but it can edit its own
message: erasure queues a redaction for each sent copy someone else reads, and the
delivery worker sends it like any message (leases, retries, pacing), so it survives a
restart or a rate limit. The platform may refuse (the message or chat is gone, the app was
removed): the redaction is then given up like any failed message, and `corridor status`
counts it as a copy that could not be redacted.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.messages import FOLLOWUP, INTRO, REDACTION, Redaction
from bot.model import OutboxMessage, OutboxStatus
from bot.ports import UnitOfWork

REWRITTEN = (INTRO, FOLLOWUP)


def redaction_for(message: OutboxMessage, erased_id: int, now: datetime) -> OutboxMessage | None:
    """The redaction of one outbox message naming the erased person, or None when there is no
    posted copy anyone else reads (never sent, sent without a reference, or their own chat)."""
    if message.kind not in REWRITTEN or message.status is not OutboxStatus.SENT or not message.delivered_ref:
        return None
    readers = [pid for pid in message.payload.get("recipient_ids", []) if pid != erased_id]
    if not readers:
        return None
    cards = [message.payload[role] for role in ("clinician", "manager")]
    redaction = Redaction(
        ref=message.delivered_ref,
        replaces=message.kind,
        week=message.payload["week"],
        reader_user_ids=[card["user_id"] for card in cards if card["participant_id"] in readers],
    )
    return OutboxMessage(
        programme_id=message.programme_id,
        key=f"redaction:{message.key}",
        kind=REDACTION,
        platform=message.platform,
        payload=redaction.to_payload(),
        created_at=now,
        next_attempt_at=now,
        # Erased with the readers, whose platform ids it carries.
        mentions=readers,
    )


def refused_redactions(uow: UnitOfWork, programme_id: int) -> int:
    """Posted copies the platform would not let Corridor rewrite."""
    return uow.outbox.failed_count(programme_id, REDACTION)


def whole_name(words: str) -> re.Pattern[str]:
    """`words` where they stand alone: "Sam" in "Sam's idea" or "(Sam)", never inside "Samira"."""
    return re.compile(rf"(?<!\w){re.escape(words)}(?!\w)")

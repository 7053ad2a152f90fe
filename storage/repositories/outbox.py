"""The outbox: messages written with the change that caused them, delivered later by a worker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Text, cast, delete, func, select, update
from sqlalchemy.orm import Session

from bot.model import OutboxMessage, OutboxStatus
from storage.repositories._sql import dialect_insert, rows_touched
from storage.repositories.bulk import insert_outbox_if_absent
from storage.tables import outbox


def _message(row: Row[Any]) -> OutboxMessage:
    return OutboxMessage(
        programme_id=row.programme_id,
        key=row.key,
        kind=row.kind,
        platform=row.platform,
        payload=row.payload,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        mentions=list(row.mentions),
        status=OutboxStatus(row.status),
        attempts=row.attempts,
        last_error=row.last_error,
        claimed_until=row.claimed_until,
        claimed_by=row.claimed_by,
        sent_at=row.sent_at,
        delivered_ref=row.delivered_ref,
        id=row.id,
    )


def _values(message: OutboxMessage) -> dict[str, Any]:
    return {
        "programme_id": message.programme_id,
        "key": message.key,
        "kind": message.kind,
        "platform": message.platform,
        "payload": message.payload,
        "mentions": list(message.mentions),
        "status": message.status.value,
        "attempts": message.attempts,
        "last_error": message.last_error,
        "created_at": message.created_at,
        "next_attempt_at": message.next_attempt_at,
        "claimed_until": message.claimed_until,
        "claimed_by": message.claimed_by,
        "sent_at": message.sent_at,
        "delivered_ref": message.delivered_ref,
    }


class SqlOutboxRepository:
    def __init__(self, session: Session):
        self._session = session

    def add_if_absent(self, message: OutboxMessage) -> bool:
        statement = (
            dialect_insert(self._session, outbox)
            .values(_values(message))
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(outbox.c.id)
        )
        new_id = self._session.execute(statement).scalar()
        if new_id is None:
            return False
        message.id = new_id
        return True

    def add_many_if_absent(self, messages: Sequence[OutboxMessage]) -> int:
        if not messages:
            return 0
        return insert_outbox_if_absent(self._session, [_values(message) for message in messages])

    def claim(self, now: datetime, lease_until: datetime, limit: int, owner: str) -> list[OutboxMessage]:
        # SKIP LOCKED lets PostgreSQL workers pass over rows another worker is claiming;
        # SQLite renders no FOR UPDATE, and needs none: its write lock lets one claimer in at a time.
        due = (
            select(outbox.c.id)
            .where(
                outbox.c.status == OutboxStatus.PENDING.value,
                outbox.c.next_attempt_at <= now,
                (outbox.c.claimed_until.is_(None)) | (outbox.c.claimed_until <= now),
            )
            .order_by(outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list(self._session.scalars(due))
        if not ids:
            return []
        lease = (
            update(outbox)
            .where(outbox.c.id.in_(ids))
            .values(claimed_until=lease_until, claimed_by=owner)
            .returning(outbox)
        )
        claimed = [_message(row) for row in self._session.execute(lease)]
        return sorted(claimed, key=lambda message: message.saved_id)

    def release_held_by(self, owner: str) -> int:
        statement = (
            update(outbox)
            .where(outbox.c.claimed_by == owner, outbox.c.claimed_until.is_not(None))
            .values(claimed_until=None, claimed_by=None)
        )
        return rows_touched(self._session.execute(statement))

    def mark_sent(self, message_id: int, at: datetime, ref: str | None = None) -> None:
        self._set(
            message_id,
            status=OutboxStatus.SENT.value,
            sent_at=at,
            claimed_until=None,
            claimed_by=None,
            delivered_ref=ref,
        )

    def mark_retry(self, message_id: int, attempts: int, next_at: datetime, error: str) -> None:
        self._set(
            message_id,
            attempts=attempts,
            next_attempt_at=next_at,
            last_error=error,
            claimed_until=None,
            claimed_by=None,
        )

    def mark_failed(self, message_id: int, attempts: int, error: str) -> None:
        self._set(
            message_id,
            status=OutboxStatus.FAILED.value,
            attempts=attempts,
            last_error=error,
            claimed_until=None,
            claimed_by=None,
        )

    def _set(self, message_id: int, **values: Any) -> None:
        self._session.execute(update(outbox).where(outbox.c.id == message_id).values(**values))

    def counts(self, programme_id: int) -> dict[str, int]:
        query = (
            select(outbox.c.status, func.count())
            .where(outbox.c.programme_id == programme_id)
            .group_by(outbox.c.status)
        )
        totals = {status.value: 0 for status in OutboxStatus}
        totals.update(self._session.execute(query).all())
        return totals

    def failed_count(self, programme_id: int, kind: str) -> int:
        query = select(func.count()).where(
            outbox.c.programme_id == programme_id,
            outbox.c.kind == kind,
            outbox.c.status == OutboxStatus.FAILED.value,
        )
        return self._session.execute(query).scalar_one()

    def failed(self, programme_id: int, limit: int = 20) -> list[OutboxMessage]:
        query = (
            select(outbox)
            .where(outbox.c.programme_id == programme_id, outbox.c.status == OutboxStatus.FAILED.value)
            .order_by(outbox.c.id.desc())
            .limit(limit)
        )
        return [_message(row) for row in self._session.execute(query)]

    def mentioning(self, participant_id: int) -> list[OutboxMessage]:
        # The textual LIKE is a portable prefilter (it also matches 12 when looking for 1);
        # the exact membership test on the decoded list decides.
        query = (
            select(outbox)
            .where(cast(outbox.c.mentions, Text).like(f"%{participant_id}%"))
            .order_by(outbox.c.id)
        )
        rows = self._session.execute(query)
        return [_message(row) for row in rows if participant_id in row.mentions]

    def erase(self, message_id: int) -> None:
        self._session.execute(delete(outbox).where(outbox.c.id == message_id))

    def purge_sent_before(self, cutoff: datetime) -> int:
        statement = delete(outbox).where(
            outbox.c.status == OutboxStatus.SENT.value, outbox.c.sent_at < cutoff
        )
        return rows_touched(self._session.execute(statement))

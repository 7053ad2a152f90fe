"""The dashboard's sign-in links, organiser sessions and audit log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.orm import Session

from bot.model import AuditEntry, Organiser, OrganiserSession, SignInToken
from bot.redaction import whole_name
from storage.repositories._sql import rows_touched
from storage.tables import audit_log, organiser_sessions, sign_in_tokens


def _organiser(row: Row[Any]) -> Organiser:
    return Organiser(platform=row.platform, user_id=row.user_id, display_name=row.display_name)


def _organiser_values(organiser: Organiser) -> dict[str, str]:
    return {
        "platform": organiser.platform,
        "user_id": organiser.user_id,
        "display_name": organiser.display_name,
    }


def _of_organiser(table: Any, platform: str, user_id: str) -> Any:
    # Platforms differ in the case they send ids in (Teams GUIDs, Slack U-ids): compare without it.
    return (table.c.platform == platform) & (func.lower(table.c.user_id) == user_id.lower())


class SqlSignInTokenRepository:
    def __init__(self, session: Session):
        self._session = session

    def add(self, token: SignInToken) -> None:
        values = {
            "token_hash": token.token_hash,
            **_organiser_values(token.organiser),
            "created_at": token.created_at,
            "expires_at": token.expires_at,
            "used_at": token.used_at,
        }
        self._session.execute(insert(sign_in_tokens).values(values))

    def get(self, token_hash: str) -> SignInToken | None:
        query = select(sign_in_tokens).where(sign_in_tokens.c.token_hash == token_hash)
        row = self._session.execute(query).first()
        if row is None:
            return None
        return SignInToken(row.token_hash, _organiser(row), row.created_at, row.expires_at, row.used_at)

    def use(self, token_hash: str, at: datetime) -> bool:
        # One UPDATE guarded by "not used yet": of two clicks racing, the database lets one win.
        statement = (
            update(sign_in_tokens)
            .where(sign_in_tokens.c.token_hash == token_hash, sign_in_tokens.c.used_at.is_(None))
            .values(used_at=at)
        )
        return rows_touched(self._session.execute(statement)) == 1

    def forget(self, platform: str, user_id: str) -> int:
        statement = delete(sign_in_tokens).where(_of_organiser(sign_in_tokens, platform, user_id))
        return rows_touched(self._session.execute(statement))


class SqlOrganiserSessionRepository:
    def __init__(self, session: Session):
        self._session = session

    def add(self, session: OrganiserSession) -> None:
        values = {
            "session_hash": session.session_hash,
            **_organiser_values(session.organiser),
            "created_at": session.created_at,
            "expires_at": session.expires_at,
            "ended_at": session.ended_at,
        }
        self._session.execute(insert(organiser_sessions).values(values))

    def get(self, session_hash: str) -> OrganiserSession | None:
        query = select(organiser_sessions).where(organiser_sessions.c.session_hash == session_hash)
        row = self._session.execute(query).first()
        if row is None:
            return None
        return OrganiserSession(
            row.session_hash, _organiser(row), row.created_at, row.expires_at, row.ended_at
        )

    def end(self, session_hash: str, at: datetime) -> None:
        statement = (
            update(organiser_sessions)
            .where(organiser_sessions.c.session_hash == session_hash, organiser_sessions.c.ended_at.is_(None))
            .values(ended_at=at)
        )
        self._session.execute(statement)

    def forget(self, platform: str, user_id: str) -> int:
        statement = delete(organiser_sessions).where(_of_organiser(organiser_sessions, platform, user_id))
        return rows_touched(self._session.execute(statement))


def _audit_values(entry: AuditEntry) -> dict[str, Any]:
    return {
        "programme_id": entry.programme_id,
        "at": entry.at,
        **_organiser_values(entry.organiser),
        "action": entry.action,
        "detail": entry.detail,
    }


class SqlAuditRepository:
    def __init__(self, session: Session):
        self._session = session

    def add(self, entry: AuditEntry) -> None:
        entry.id = self._session.execute(
            insert(audit_log).values(_audit_values(entry)).returning(audit_log.c.id)
        ).scalar_one()

    def add_many(self, entries: Sequence[AuditEntry]) -> None:
        if entries:
            self._session.execute(insert(audit_log), [_audit_values(entry) for entry in entries])

    def recent(self, programme_id: int, limit: int) -> list[AuditEntry]:
        query = (
            select(audit_log)
            .where(audit_log.c.programme_id == programme_id)
            .order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
            .limit(limit)
        )
        return [
            AuditEntry(row.programme_id, row.at, _organiser(row), row.action, row.detail, row.id)
            for row in self._session.execute(query)
        ]

    def redact(self, programme_id: int, words: str, replacement: str) -> int:
        # SQL's LIKE finds the candidates; whether the words stand alone is decided here, the
        # same way on SQLite and PostgreSQL.
        candidates = select(audit_log.c.id, audit_log.c.detail).where(
            audit_log.c.programme_id == programme_id,
            audit_log.c.detail.contains(words, autoescape=True),
        )
        pattern = whole_name(words)
        changed = 0
        for entry_id, detail in self._session.execute(candidates).all():
            redacted = pattern.sub(lambda _: replacement, detail)
            if redacted != detail:
                self._session.execute(
                    update(audit_log).where(audit_log.c.id == entry_id).values(detail=redacted)
                )
                changed += 1
        return changed

    def forget_organiser(self, platform: str, user_id: str, replacement: Organiser) -> int:
        statement = (
            update(audit_log)
            .where(_of_organiser(audit_log, platform, user_id))
            .values(_organiser_values(replacement))
        )
        return rows_touched(self._session.execute(statement))

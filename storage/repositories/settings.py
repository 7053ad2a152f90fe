"""Small values organisers set at run time, JSON documents adapters keep, requests already seen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.repositories._sql import dialect_insert, rows_touched
from storage.tables import platform_state, seen_requests, settings


class SqlSettingRepository:
    def __init__(self, session: Session):
        self._session = session

    def get(self, programme_id: int, key: str) -> str | None:
        query = select(settings.c.value).where(settings.c.programme_id == programme_id, settings.c.key == key)
        return self._session.scalar(query)

    def put(self, programme_id: int, key: str, value: str) -> None:
        statement = dialect_insert(self._session, settings).values(
            programme_id=programme_id, key=key, value=value
        )
        statement = statement.on_conflict_do_update(
            index_elements=["programme_id", "key"], set_={"value": statement.excluded.value}
        )
        self._session.execute(statement)


class SqlPlatformStateRepository:
    def __init__(self, session: Session):
        self._session = session

    def get(self, platform: str, key: str) -> dict | None:
        query = select(platform_state.c.value).where(
            platform_state.c.platform == platform, platform_state.c.key == key
        )
        return self._session.scalar(query)

    def put(self, platform: str, key: str, value: dict, participant_id: int | None = None) -> None:
        statement = dialect_insert(self._session, platform_state).values(
            platform=platform, key=key, value=value, participant_id=participant_id
        )
        statement = statement.on_conflict_do_update(
            index_elements=["platform", "key"],
            set_={"value": statement.excluded.value, "participant_id": statement.excluded.participant_id},
        )
        self._session.execute(statement)

    def delete_for(self, participant_id: int) -> None:
        statement = delete(platform_state).where(platform_state.c.participant_id == participant_id)
        self._session.execute(statement)

    def delete(self, platform: str, key: str) -> None:
        statement = delete(platform_state).where(
            platform_state.c.platform == platform, platform_state.c.key == key
        )
        self._session.execute(statement)


class SqlSeenRequestRepository:
    def __init__(self, session: Session):
        self._session = session

    def first_time(self, key: str, signed_at: datetime) -> bool:
        # ON CONFLICT DO NOTHING: of two processes inserting the same key, one gets the row.
        statement = (
            dialect_insert(self._session, seen_requests)
            .values(key=key, signed_at=signed_at)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(seen_requests.c.key)
        )
        return self._session.execute(statement).scalar() is not None

    def purge_before(self, cutoff: datetime) -> int:
        statement = delete(seen_requests).where(seen_requests.c.signed_at < cutoff)
        return rows_touched(self._session.execute(statement))

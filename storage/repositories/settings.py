"""Small values organisers set at run time, and JSON documents adapters keep."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.repositories._sql import dialect_insert
from storage.tables import platform_state, settings


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

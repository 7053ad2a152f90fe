"""The erasure register: keyed digests only, never a name, id or email."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage.repositories._sql import chunks, dialect_insert
from storage.tables import erasure_register

# The unit of work reads this after commit: an erasure happened, so freed pages should go.
ERASED_IN_SESSION = "corridor.erased"


class SqlErasureRegisterRepository:
    def __init__(self, session: Session):
        self._session = session

    def add(self, entry: str, digests: Iterable[str]) -> None:
        rows = [{"digest": found, "entry": entry} for found in dict.fromkeys(digests)]
        if rows:
            statement = dialect_insert(self._session, erasure_register).values(rows)
            self._session.execute(statement.on_conflict_do_nothing(index_elements=["digest"]))
        self._session.info[ERASED_IN_SESSION] = True

    def registered(self, digests: Iterable[str]) -> set[str]:
        wanted = dict.fromkeys(digests)
        # The register holds one entry per erased person, usually far fewer than a staff
        # list's digests: then reading it whole is one query instead of one per thousand.
        size = self._session.scalar(select(func.count()).select_from(erasure_register)) or 0
        if size <= len(wanted):
            return set(self._session.scalars(select(erasure_register.c.digest))).intersection(wanted)
        found: set[str] = set()
        for batch in chunks(wanted):
            query = select(erasure_register.c.digest).where(erasure_register.c.digest.in_(batch))
            found.update(self._session.scalars(query))
        return found

    def remove_entries(self, digests: Iterable[str]) -> int:
        entries: set[str] = set()
        for batch in chunks(dict.fromkeys(digests)):
            query = select(erasure_register.c.entry).where(erasure_register.c.digest.in_(batch))
            entries.update(self._session.scalars(query))
        for batch in chunks(entries):
            self._session.execute(delete(erasure_register).where(erasure_register.c.entry.in_(batch)))
        return len(entries)

"""Small helpers the repositories share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import CursorResult, Table, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.errors import Conflict
from storage.engine import CASEFOLD
from storage.errors import is_unique_violation

# SQLite's historical limit on bound parameters is 999; stay under it on every backend.
IN_CHUNK = 900

T = TypeVar("T")


def chunks(items: Iterable[T], size: int = IN_CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def dialect_insert(session: Session, table: Table) -> Any:
    """The dialect's own INSERT, the one that knows ON CONFLICT."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(table)


def rows_touched(result: object) -> int:
    """How many rows an INSERT, UPDATE or DELETE touched.

    Session.execute() types every result as a plain Result; for such statements it is in
    fact a CursorResult, the one that carries the count.
    """
    if not isinstance(result, CursorResult):
        raise TypeError(f"expected the result of a data-changing statement, got {type(result).__name__}")
    return result.rowcount


@contextmanager
def conflicts_as(session: Session, message: str) -> Iterator[None]:
    """Turn a broken uniqueness rule inside the block into bot.errors.Conflict(message).

    The savepoint keeps the surrounding unit of work usable after a Conflict: PostgreSQL
    otherwise refuses every further statement in a transaction that hit an error.
    """
    try:
        with session.begin_nested():
            yield
    except IntegrityError as error:
        if is_unique_violation(error):
            raise Conflict(message) from error
        raise


def casefold_in(session: Session) -> Callable[[Any], Any]:
    """Full Unicode case folding in SQL: PostgreSQL's lower() folds every script; SQLite's only
    ASCII, so storage/engine.py gives each SQLite connection Python's str.casefold instead.
    A NULL is folded as the empty text."""
    if session.get_bind().dialect.name == "sqlite":
        return lambda value: getattr(func, CASEFOLD)(func.coalesce(value, ""))
    return func.lower

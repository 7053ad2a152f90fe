"""Telling a broken uniqueness rule apart from other integrity errors, on both backends."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

_PG_UNIQUE_VIOLATION = "23505"
_SQLITE_UNIQUE = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}


def is_unique_violation(error: IntegrityError) -> bool:
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate == _PG_UNIQUE_VIOLATION
    if getattr(original, "sqlite_errorname", None) in _SQLITE_UNIQUE:
        return True
    return "UNIQUE constraint failed" in str(original)

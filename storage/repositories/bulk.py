"""Writing tens of thousands of rows at once: a weekly round's pairs and its outbox.

SQLite takes SQLAlchemy's batched INSERT .. RETURNING ("insertmanyvalues") in about a
second. On PostgreSQL the same path spends most of its time in psycopg parsing each long
batch statement (about 20 s for a 100,000-person round), so there the rows go in by COPY,
which PostgreSQL reads as a stream: a few seconds for the same round.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import JSON, Column, Table, column, func, select, table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.column_types import UtcDateTime, as_utc
from storage.tables import outbox, pairs

Rows = Sequence[dict[str, Any]]


def insert_pairs(session: Session, rows: Rows) -> list[int]:
    """Insert pair rows and return their new ids, in the order of the rows given."""
    if _is_postgresql(session):
        ids = _reserve_ids(session, pairs, len(rows))
        _copy(
            session, pairs.name, [{**row, "id": new_id} for row, new_id in zip(rows, ids, strict=True)], pairs
        )
        return ids
    statement = sqlite.insert(pairs).returning(pairs.c.id, sort_by_parameter_order=True)
    return list(session.execute(statement, list(rows)).scalars())


def insert_outbox_if_absent(session: Session, rows: Rows) -> int:
    """Insert the outbox rows whose key is new; return how many that was."""
    if _is_postgresql(session):
        return _copy_outbox_if_absent(session, rows)
    statement = sqlite.insert(outbox).on_conflict_do_nothing(index_elements=["key"]).returning(outbox.c.id)
    return len(session.execute(statement, list(rows)).all())


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    # Taking the ids from the sequence first keeps them in input order without RETURNING.
    sequence = func.pg_get_serial_sequence(table.name, "id")
    query = select(func.nextval(sequence)).select_from(func.generate_series(1, count))
    return sorted(session.execute(query).scalars())


_STAGING = "outbox_incoming"


def _copy_outbox_if_absent(session: Session, rows: Rows) -> int:
    # COPY cannot skip duplicates, so the rows land in a staging table first and move
    # across with INSERT .. SELECT .. ON CONFLICT DO NOTHING, in the order given.
    columns = [column.name for column in outbox.columns if column.name != "id"]
    listed = ", ".join(columns)
    session.execute(
        text(
            f"CREATE TEMPORARY TABLE {_STAGING} ON COMMIT DROP AS "
            f"SELECT 0 AS position, {listed} FROM outbox WITH NO DATA"
        )
    )
    staging = table(_STAGING, column("position"), *(column(name) for name in columns))
    _copy(session, _STAGING, [{"position": n, **row} for n, row in enumerate(rows)], outbox)
    move = (
        postgresql.insert(outbox)
        .from_select(columns, select(*(staging.c[c] for c in columns)).order_by(staging.c.position))
        .on_conflict_do_nothing(index_elements=["key"])
        .execution_options(preserve_rowcount=True)
    )
    inserted = session.execute(move).rowcount
    session.execute(text(f"DROP TABLE {_STAGING}"))
    return inserted


def _copy(session: Session, into: str, rows: Rows, types: Table) -> None:
    """COPY rows (dicts with the same keys) into a table whose columns are typed like `types`."""
    names = list(rows[0]) if rows else []
    fixes = [(i, fix) for i, name in enumerate(names) if (fix := _converter(types.c.get(name)))]
    quoted = ", ".join(f'"{name}"' for name in names)
    driver = session.connection().connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f'COPY "{into}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            values = [row[name] for name in names]
            for i, fix in fixes:
                values[i] = fix(values[i])
            copy.write_row(values)


def _converter(column: Column | None) -> Callable[[Any], Any] | None:
    """What SQLAlchemy's column type would have done to a value; COPY bypasses it."""
    if column is not None and isinstance(column.type, UtcDateTime):
        return as_utc
    if column is not None and isinstance(column.type, JSON):
        return _json
    return None


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)

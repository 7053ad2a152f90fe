"""Writing tens of thousands of rows at once: a weekly round's pairs and its outbox, an
import's sites, places and participants.

SQLAlchemy's batched INSERT .. RETURNING spends most of a 100,000-person round (50k pairs,
100k messages) building parameters row by row, and on PostgreSQL far more again in psycopg
parsing each long batch statement (about 20 s in all). Big batches therefore skip that
layer: the values still go through SQLAlchemy's own column types (so they are stored
exactly as everywhere else), then straight to the driver, by COPY on PostgreSQL and
sqlite3's executemany on SQLite. Ids are drawn before inserting, so no RETURNING is needed
to hand them back in input order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import ARRAY, JSON, String, Table, any_, bindparam, func, insert, select, text
from sqlalchemy import column as column_clause
from sqlalchemy import table as table_clause
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.repositories._sql import dialect_insert, rows_touched
from storage.tables import outbox, pairs

Rows = Sequence[dict[str, Any]]

# Below this many rows the ordinary statements are quick, and on PostgreSQL they spare
# the catalog the churn of a temporary staging table per call.
BULK_FROM = 500


def insert_pairs(session: Session, rows: Rows) -> list[int]:
    """Insert pair rows and return their new ids, in the order of the rows given."""
    return insert_with_ids(session, pairs, rows)


def insert_with_ids(session: Session, table: Table, rows: Rows) -> list[int]:
    """Insert rows into a table with a serial `id` and return the new ids, in the rows' order.

    A uniqueness rule broken by the bulk path surfaces as the driver's IntegrityError (not
    SQLAlchemy's); callers that promise a Conflict check beforehand, as the imports do."""
    if not rows:
        return []
    if len(rows) < BULK_FROM:
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(session.execute(statement, list(rows)).scalars())
    ids = _reserve_ids(session, table, len(rows))
    # Made one at a time as the driver takes them: 100,000 participants never sit in memory twice.
    with_ids = ({**row, "id": new_id} for row, new_id in zip(rows, ids, strict=True))
    names = [*rows[0], "id"]
    if _is_postgresql(session):
        _copy(session, table.name, with_ids, table, names)
    else:
        _executemany(session, insert(table), with_ids, table, names)
    return ids


def insert_outbox_if_absent(session: Session, rows: Rows) -> int:
    """Insert the outbox rows whose key is new; return how many that was."""
    if len(rows) < BULK_FROM:
        statement = dialect_insert(session, outbox).on_conflict_do_nothing(index_elements=["key"])
        return len(session.execute(statement.returning(outbox.c.id), list(rows)).all())
    if _is_postgresql(session):
        return _copy_outbox_if_absent(session, rows)
    statement = sqlite.insert(outbox).on_conflict_do_nothing(index_elements=["key"])
    return _executemany(session, statement, rows, outbox)


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    if _is_postgresql(session):
        sequence = func.pg_get_serial_sequence(table.name, "id")
        query = select(func.nextval(sequence)).select_from(func.generate_series(1, count))
        return sorted(session.execute(query).scalars())
    # Safe on SQLite because every unit of work holds the write lock from BEGIN IMMEDIATE
    # (storage.engine), so no one else can insert between this read and our INSERT.
    highest = session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return list(range(highest + 1, highest + 1 + count))


_STAGING = "outbox_incoming"


def _copy_outbox_if_absent(session: Session, rows: Rows) -> int:
    """COPY cannot skip duplicate keys. Usually none of the keys exist yet (a new round's
    messages), so drop the ones already there and COPY the rest straight in; only if another
    process slipped in the same keys meanwhile does the slower staging route run."""
    fresh = _without_existing_keys(session, rows)
    if not fresh:
        return 0
    try:
        with session.begin_nested():
            _copy(session, outbox.name, fresh, outbox)
        return len(fresh)
    except IntegrityError:
        return _stage_outbox_if_absent(session, fresh)


def _without_existing_keys(session: Session, rows: Rows) -> list[dict[str, Any]]:
    unique: dict[str, dict[str, Any]] = {}
    for row in rows:
        unique.setdefault(row["key"], row)
    # One array parameter, not thousands of bound values: compiling those costs more than the query.
    query = select(outbox.c.key).where(outbox.c.key == any_(bindparam("keys", type_=ARRAY(String))))
    for (key,) in session.execute(query, {"keys": list(unique)}):
        unique.pop(key, None)
    return list(unique.values())


def _stage_outbox_if_absent(session: Session, rows: Rows) -> int:
    # The rows land in a staging table first and move across with
    # INSERT .. SELECT .. ON CONFLICT DO NOTHING, keeping the order given.
    names = [c.name for c in outbox.columns if c.name != "id"]
    session.execute(
        text(
            f"CREATE TEMPORARY TABLE {_STAGING} ON COMMIT DROP AS "
            f"SELECT 0 AS position, {', '.join(names)} FROM outbox WITH NO DATA"
        )
    )
    _copy(session, _STAGING, [{"position": n, **row} for n, row in enumerate(rows)], outbox)
    staging = table_clause(_STAGING, column_clause("position"), *map(column_clause, names))
    move = (
        postgresql.insert(outbox)
        .from_select(names, select(*(staging.c[name] for name in names)).order_by(staging.c.position))
        .on_conflict_do_nothing(index_elements=["key"])
        .execution_options(preserve_rowcount=True)
    )
    inserted = rows_touched(session.execute(move))
    session.execute(text(f"DROP TABLE {_STAGING}"))
    return inserted


def _copy(
    session: Session,
    into: str,
    rows: Iterable[dict[str, Any]],
    typed_like: Table,
    names: list[str] | None = None,
) -> None:
    """COPY rows (dicts sharing their keys) into a table whose columns are typed like `typed_like`'s."""
    rows = rows if names is not None else list(rows)
    names = names or list(next(iter(rows)))
    listed = ", ".join(f'"{name}"' for name in names)
    to_db = _row_converter(session, typed_like, names)
    with (
        driver_connection(session).cursor() as cursor,
        cursor.copy(f'COPY "{into}" ({listed}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(to_db(row))


def _executemany(
    session: Session,
    statement: Any,
    rows: Iterable[dict[str, Any]],
    table: Table,
    names: list[str] | None = None,
) -> int:
    """Run an INSERT for every row through the driver; return how many rows it wrote."""
    rows = rows if names is not None else list(rows)
    names = names or list(next(iter(rows)))
    compiled = statement.compile(dialect=session.get_bind().dialect, column_keys=names)
    to_db = _row_converter(session, table, list(compiled.positiontup))
    cursor = driver_connection(session).cursor()
    try:
        cursor.executemany(str(compiled), (to_db(row) for row in rows))
        return cursor.rowcount  # sqlite3 sums it over the rows; skipped conflicts add nothing
    finally:
        cursor.close()


def _row_converter(session: Session, table: Table, names: list[str]) -> Callable[[dict], list]:
    """Turns a row dict into the driver's values, as SQLAlchemy's column types would."""
    dialect = session.get_bind().dialect
    processors = []
    for i, name in enumerate(names):
        if name not in table.c:
            continue
        column_type = table.c[name].type
        if process := column_type.dialect_impl(dialect).bind_processor(dialect):
            # A round stamps all its rows with the same few datetimes: convert each once.
            processors.append((i, process if isinstance(column_type, JSON) else _memoised(process)))

    def convert(row: dict) -> list:
        values = [row[name] for name in names]
        for i, process in processors:
            values[i] = process(values[i])
        return values

    return convert


def _memoised(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    done: dict[Any, Any] = {}

    def once(value: Any) -> Any:
        if value not in done:
            done[value] = process(value)
        return done[value]

    return once


def driver_connection(session: Session) -> Any:
    """The DBAPI connection under the session's current transaction."""
    return session.connection().connection.driver_connection

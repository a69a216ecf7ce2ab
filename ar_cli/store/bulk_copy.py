"""Bulk rows on PostgreSQL by COPY: the writer under ChangeRecorder.insert / insert_tuples
(store/audit/chain.py) there.

`COPY table (columns) FROM STDIN` through psycopg 3's copy writer, on the session's own
DB-API connection (same transaction, savepoints included). Against a multi-row INSERT it
skips the statement's parse, plan and per-row executor work on the server and
SQLAlchemy's parameter handling on the client (issue 16: 581,000 entries cost 50 s of
client + server CPU through executemany, 34 s by COPY).

What stays as the INSERT had it:
- values pass through each column's SQLAlchemy bind processor (a TypeDecorator's
  `process_bind_param`), as SQLAlchemy's INSERT would; columns not given take their
  server defaults (the id's sequence among them), rows are numbered in the order given;
- pending ORM changes are flushed first (a Core insert through the session autoflushes);
- ids wanted back are reserved from the table's id sequence in one statement and copied
  in with the rows, in ascending order (what INSERT … RETURNING in parameter order gave);
- the database's foreign keys, unique indexes and checks apply to every row; an error
  ends the COPY and leaves the transaction to roll back, as a failed INSERT does.

The rows a posting batch changes in place (claim statuses here; the cached balances in
claims_repo._upsert_balances_pg) go in one statement joined to the batch passed as
arrays (`unnest`), rather than a COPY into a temporary table and then one statement:
the same set-based plan without creating a table (catalog rows) and emptying it per
batch, in one round trip. Against a statement per row (psycopg's pipelined executemany)
a thousand-claim batch costs about half the client and server CPU for the balances and
a fifth less for the statuses, where updating the claim rows themselves is most of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlmodel import Session

from ar_cli.store.sql import sql_of


def copy_rows(
    session: Session, table: Table, keys: Sequence[str], rows: Iterable[Sequence[Any]], *, count: int, ids: bool = False
) -> list[int]:
    """COPY `rows` (each laid out in `keys` order; `count` of them) into `table`; with
    `ids`, reserve an id for each row, copy it in, and return them in row order."""
    if count == 0:
        return []
    if session.autoflush:
        session.flush()
    raw = session.connection().connection  # the DB-API connection, in the session's transaction
    convert = _converters(session, table, tuple(keys))
    names = list(keys)
    reserved: list[int] = []
    if ids:
        reserved = reserve_ids(raw, table.name, count)
        names.insert(0, "id")
    columns = ", ".join(f'"{name}"' for name in names)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        write = copy.write_row
        if convert is not None:
            rows = ([conv(v) if conv else v for conv, v in zip(convert, row)] for row in rows)
        if ids:
            for row_id, row in zip(reserved, rows, strict=True):
                write((row_id, *row))
        else:
            for row in rows:
                write(row)
    return reserved


def reserve_ids(raw: Any, table: str, count: int) -> list[int]:
    """`count` new ids from the table's id sequence, ascending (one statement)."""
    with raw.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            (f'"{table}"', count),
        )
        return sorted(int(found) for (found,) in cursor.fetchall())


_CONVERTERS: dict[tuple[str, str, tuple[str, ...]], list[Callable[[Any], Any] | None] | None] = {}


def _converters(session: Session, table: Table, keys: tuple[str, ...]) -> list[Callable[[Any], Any] | None] | None:
    """Each column's bind processor for this dialect (None where the value goes as it is;
    None for the whole row when no column has one): what SQLAlchemy's INSERT applies."""
    dialect = session.get_bind().dialect
    cache_key = (dialect.name, table.name, keys)
    if cache_key not in _CONVERTERS:
        found = [table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in keys]
        _CONVERTERS[cache_key] = found if any(found) else None
    return _CONVERTERS[cache_key]


def set_claim_statuses(session: Session, statuses: Sequence[tuple[int, str]]) -> None:
    """Each (claim id, status), in one UPDATE joined to the batch given as two arrays
    (the claim ids are distinct: one status per claim)."""
    if not statuses:
        return
    sql_of(session).execute(
        "UPDATE claim SET status = batch.status "
        "FROM unnest(:ids::bigint[], :statuses::text[]) AS batch(id, status) WHERE claim.id = batch.id",
        {"ids": [claim_id for claim_id, _ in statuses], "statuses": [status for _, status in statuses]},
    )

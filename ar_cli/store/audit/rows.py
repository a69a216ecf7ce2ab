"""Money rows as the audit chain hashes them: which tables, which columns, which bytes.

Every row of a COVERED table carries `row_hash`, chained per event and table in id
order (domain/audit.py). The values hashed are the row's columns but `id` and
`row_hash`, in sorted column order, as the database gives them back: ints, text and
None, dates as 'YYYY-MM-DD' and times as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC). SQLite
stores dates and times as that text already (store/audit/chain._sqlite_value); on
PostgreSQL the writer converts them for hashing.

Two ways to read them back, one per row encoding (domain/audit.py):

- encoding 1 (marshal): every value, dates and times through `to_char` on PostgreSQL;
- encoding 2 (the canonical row text, JSON): one text per row that the database builds
  itself (`text_sql`): SQLite's ``json_array(every column)``, which writes exactly that
  text; on PostgreSQL ``'[' || … || ']'`` over each column as ``x::text`` (integers),
  ``to_json(x)::text`` (text), ``'"' || to_char(x, …) || '"'`` (dates; times in UTC)
  and ``'null'`` for NULL (``json_build_array`` would put a space after each comma).
  The expression follows the table's column types, so a new column is covered as soon as
  the model has it. tests/store/test_row_text.py proves, on both databases, that the
  text read back is the text Python makes from the values inserted.

On SQLite, a column's value is what it holds, not what it is declared as: the JSON says
whether it is a number, a string or NULL, so a changed storage class changes the text
(a real 12.5 in an integer column is ``12.5``; SQLite's own affinity turns '12' into 12
before it is stored); ``json_array`` refuses a blob, which no writer stores, so a table
where it does is read again with each blob as ``{"blob":"HEX"}`` (no value's text is a
JSON object), and `audit verify` names the row as changed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Date, DateTime, Integer, String
from sqlmodel import Session, SQLModel

from ar_cli.domain.audit import ENCODING_JSON
from ar_cli.store.tables import (
    ClaimPaymentRow,
    ClosedPeriodRow,
    DenialRow,
    ExceptionRow,
    LedgerEntryRow,
    PostingRow,
    RemittanceRow,
    UnappliedEntryRow,
)

# The money tables, and those whose rows decide what money may do (a closed period, an
# exception holding a parked payment): each row hashed, rebuilt by `audit verify`.
# `ledger_entry` is a view since revision 0010 (a posting_entry row with its posting's
# columns): its rows are hashed and read back as that wide row, as before, and their
# hash is stored on posting_entry; `posting` is covered as a table of its own.
COVERED: dict[str, type[SQLModel]] = {
    model.__tablename__: model
    for model in (
        ClaimPaymentRow,
        ClosedPeriodRow,
        DenialRow,
        ExceptionRow,
        LedgerEntryRow,
        PostingRow,
        RemittanceRow,
        UnappliedEntryRow,
    )
}

# Tables whose rows have a posting date, checked against closed periods.
POSTED = ("ledger_entry", "remittance", "unapplied_entry")

_FETCH = 5000


@cache
def columns(table: str) -> tuple[str, ...]:
    """The hashed columns of a covered table, in hashing order."""
    return tuple(sorted(c.name for c in COVERED[table].__table__.c if c.name not in ("id", "row_hash")))


@cache
def _kinds(table: str) -> tuple[tuple[int, str], ...]:
    """(position, 'date' | 'time') of the hashed columns that are dates or times."""
    found = []
    for n, name in enumerate(columns(table)):
        kind = COVERED[table].__table__.c[name].type
        kind = getattr(kind, "impl", kind)  # SQLModel's UTCDateTime decorates DateTime
        if isinstance(kind, DateTime):
            found.append((n, "timestamptz" if kind.timezone else "time"))
        elif isinstance(kind, Date):
            found.append((n, "date"))
    return tuple(found)


def stamp(value: datetime | None) -> str | None:
    """A time as it is hashed (and as SQLite stores it): UTC, no zone, microseconds."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")  # the year in 4 digits, as to_char (strftime: '999')


def _plain(value: Any) -> Any:
    """A value as the database gives it back: enums as their text or number."""
    if value is None or type(value) in (int, str):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        return str.__str__(value)  # the text itself: str() of a (str, Enum) is 'Kind.CHARGE'
    if isinstance(value, int):
        return int.__index__(value)
    if isinstance(value, datetime):
        return stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def plain_rows(rows: Sequence[tuple]) -> list[tuple]:
    """Rows with every value made plain (the slow path, for rows that carry enums)."""
    return [tuple([_plain(v) for v in row]) for row in rows]


def hashable(table: str, rows: Sequence[tuple], *, sqlite: bool) -> Sequence[tuple]:
    """Rows in `columns(table)` order, values as stored, made into what is hashed: on
    SQLite they are that already; on PostgreSQL dates and times become their text."""
    kinds = _kinds(table)
    if sqlite or not kinds:
        return rows
    out = []
    for row in rows:
        values = list(row)
        for n, kind in kinds:
            value = values[n]
            if value is not None:
                values[n] = value.isoformat() if kind == "date" else stamp(value)
        out.append(tuple(values))
    return out


def event_at(table: str) -> int:
    """Where a row read by `batches` has its audit event."""
    return 2 + columns(table).index("audit_event_id")


def _select(table: str, dialect: str) -> str:
    names = []
    kinds = dict(_kinds(table))
    for n, name in enumerate(columns(table)):
        if dialect != "sqlite" and n in kinds:
            # A zoned time read in UTC, whatever the server's TimeZone (the writer hashed UTC).
            column = f"\"{name}\" AT TIME ZONE 'UTC'" if kinds[n] == "timestamptz" else f'"{name}"'
            pattern = "YYYY-MM-DD" if kinds[n] == "date" else "YYYY-MM-DD HH24:MI:SS.US"
            names.append(f"to_char({column}, '{pattern}')")
        else:
            names.append(f'"{name}"')
    return f'SELECT id, row_hash, {", ".join(names)} FROM "{table}"'


class BlobInRow(Exception):
    """SQLite's json_array refused a row: a value in it is a blob, which no writer stores."""


def text_sql(table: str, dialect: str, *, blobs: bool = False) -> str:
    """SQL that builds a covered row's canonical text (encoding 2) from its columns.
    `blobs` (SQLite): a blob becomes ``{"blob":"HEX"}``, which no value's text is, so a
    row holding one differs from what was written rather than stopping the read."""
    return _text_sql(table, dialect, blobs)


@cache
def _text_sql(table: str, dialect: str, blobs: bool = False) -> str:
    names = columns(table)
    if dialect == "sqlite":
        if blobs:
            return (
                "json_array("
                + ", ".join(
                    f"""CASE WHEN typeof("{name}") = 'blob' THEN json_object('blob', hex("{name}")) ELSE "{name}" END"""
                    for name in names
                )
                + ")"
            )
        return "json_array(" + ", ".join(f'"{name}"' for name in names) + ")"
    parts = []
    kinds = dict(_kinds(table))
    for n, name in enumerate(names):
        column = f'"{name}"'
        kind = COVERED[table].__table__.c[name].type
        kind = getattr(kind, "impl", kind)
        if n in kinds:
            if kinds[n] == "timestamptz":
                column = f"{column} AT TIME ZONE 'UTC'"
            pattern = "YYYY-MM-DD" if kinds[n] == "date" else "YYYY-MM-DD HH24:MI:SS.US"
            text = f"""'"' || to_char({column}, '{pattern}') || '"'"""
        elif isinstance(kind, Integer):
            text = f"{column}::text"
        elif isinstance(kind, String):  # Text is a String too
            text = f"to_json({column})::text"
        else:  # pragma: no cover - a new kind of column must be given its text first
            raise TypeError(f"{table}.{name}: no canonical text for {kind!r}")
        parts.append(f"COALESCE({text}, 'null')")
    return "'[' || " + " || ',' || ".join(parts) + " || ']'"


def text_select(table: str, dialect: str, extra: Sequence[str] = (), *, blobs: bool = False) -> str:
    """(id, row hash, audit event, canonical text, *extra columns) of every row; an extra
    date column as its 'YYYY-MM-DD' text (PostgreSQL's to_char)."""
    kinds = dict(_kinds(table))
    names = columns(table)
    more = ""
    for name in extra:
        if dialect != "sqlite" and kinds.get(names.index(name)) == "date":
            more += f""", to_char("{name}", 'YYYY-MM-DD')"""
        else:
            more += f', "{name}"'
    return f'SELECT id, row_hash, audit_event_id, {text_sql(table, dialect, blobs=blobs)}{more} FROM "{table}"'


def first_id_from_event(session: Session, table: str, event_id: int) -> int | None:
    """The first row of a covered table written by this event or a later one."""
    cursor = session.connection().connection.cursor()
    mark = "?" if session.get_bind().dialect.name == "sqlite" else "%s"
    try:
        cursor.execute(f'SELECT min(id) FROM "{table}" WHERE audit_event_id >= {mark}', (event_id,))
        found = cursor.fetchone()
    finally:
        cursor.close()
    return None if found is None or found[0] is None else int(found[0])


def batches(
    session: Session,
    table: str,
    *,
    encoding: int = 1,
    extra: Sequence[str] = (),
    ids: tuple[int | None, int | None] = (None, None),
    blobs: bool = False,
) -> Iterator[list[tuple]]:
    """Rows of a covered table in id order, a batch at a time (a generator per row cost
    a tenth of `audit verify`). Encoding 1: (id, row hash, *values); encoding 2: (id,
    row hash, audit event, canonical text, *extra). `ids`: from (inclusive), below.
    Raises BlobInRow where SQLite cannot build a text (read again with `blobs`)."""
    dialect = session.get_bind().dialect.name
    raw = session.connection().connection
    # PostgreSQL: a server-side cursor, or psycopg would hold every row at once.
    cursor = raw.cursor() if dialect == "sqlite" else raw.cursor(name=f"audit_rows_{table}")
    sql = text_select(table, dialect, extra, blobs=blobs) if encoding == ENCODING_JSON else _select(table, dialect)
    mark = "?" if dialect == "sqlite" else "%s"
    where, params = [], []
    if ids[0] is not None:
        where.append(f"id >= {mark}")
        params.append(ids[0])
    if ids[1] is not None:
        where.append(f"id < {mark}")
        params.append(ids[1])
    if where:
        sql += " WHERE " + " AND ".join(where)
    try:
        cursor.execute(sql + " ORDER BY id", tuple(params))
        while batch := cursor.fetchmany(_FETCH):
            yield batch
    except sqlite3.OperationalError as exc:
        if "BLOB" in str(exc) and not blobs:
            raise BlobInRow(table) from None
        raise
    finally:
        cursor.close()


def current(session: Session, table: str, ids: Sequence[int], encoding: int = 1) -> dict[int, Any]:
    """These rows as stored now, by id: their hashed values (encoding 1) or their
    canonical text (encoding 2)."""
    dialect = session.get_bind().dialect.name
    found: dict[int, Any] = {}
    wanted = sorted(set(ids))
    mark = "?" if dialect == "sqlite" else "%s"
    json = encoding == ENCODING_JSON
    sql = text_select(table, dialect, blobs=True) if json else _select(table, dialect)
    cursor = session.connection().connection.cursor()
    try:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            cursor.execute(sql + f" WHERE id IN ({', '.join([mark] * len(chunk))})", tuple(chunk))
            if json:
                found.update({row[0]: row[3] for row in cursor.fetchall()})
            else:
                found.update({row[0]: tuple(row[2:]) for row in cursor.fetchall()})
    finally:
        cursor.close()
    return found


def entry_sums(session: Session) -> dict[tuple[int, int], int]:
    """The ledger entries summed per (claim, responsibility), through the driver (what
    `audit verify` compares the cached balances with; SQLAlchemy's rows cost a fifth
    more)."""
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(
            # posting_entry holds every row of the ledger_entry view (a LEFT JOIN) and its amounts.
            "SELECT claim_id, responsibility, sum(amount) FROM posting_entry GROUP BY claim_id, responsibility"
        )
        return {(int(claim), int(resp)): int(total) for claim, resp, total in cursor.fetchall()}
    finally:
        cursor.close()

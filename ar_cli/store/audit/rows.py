"""Money rows as the audit chain hashes them: which tables, which columns, which bytes.

Every row of a COVERED table carries `row_hash`, chained per event and table in id
order (domain/audit.py). The values hashed are the row's columns but `id` and
`row_hash`, in sorted column order, as the database gives them back: ints, text and
None, dates as 'YYYY-MM-DD' and times as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC). SQLite
stores dates and times as that text already (audit_chain._sqlite_value); on PostgreSQL
the writer converts them for hashing and `rows` reads them back with `to_char`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Date, DateTime
from sqlmodel import Session, SQLModel

from ar_cli.store.tables import (
    ClaimPaymentRow,
    ClosedPeriodRow,
    DenialRow,
    ExceptionRow,
    LedgerEntryRow,
    RemittanceRow,
    UnappliedEntryRow,
)

# The money tables, and those whose rows decide what money may do (a closed period, an
# exception holding a parked payment): each row hashed, rebuilt by `audit verify`.
COVERED: dict[str, type[SQLModel]] = {model.__tablename__: model for model in (
    ClaimPaymentRow, ClosedPeriodRow, DenialRow, ExceptionRow, LedgerEntryRow, RemittanceRow, UnappliedEntryRow)}

# Tables whose rows have a posting date, checked against closed periods.
POSTED = ("ledger_entry", "remittance", "unapplied_entry")

_STAMP = "%Y-%m-%d %H:%M:%S.%f"
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
    return value.strftime(_STAMP)


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
            column = f'"{name}" AT TIME ZONE \'UTC\'' if kinds[n] == "timestamptz" else f'"{name}"'
            pattern = "YYYY-MM-DD" if kinds[n] == "date" else "YYYY-MM-DD HH24:MI:SS.US"
            names.append(f"to_char({column}, '{pattern}')")
        else:
            names.append(f'"{name}"')
    return f'SELECT id, row_hash, {", ".join(names)} FROM "{table}"'


def batches(session: Session, table: str) -> Iterator[list[tuple]]:
    """Every row of a covered table in id order, a batch at a time (a generator per
    row cost a tenth of `audit verify`): (id, audit event, row hash, *values)."""
    dialect = session.get_bind().dialect.name
    raw = session.connection().connection
    # PostgreSQL: a server-side cursor, or psycopg would hold every row at once.
    cursor = raw.cursor() if dialect == "sqlite" else raw.cursor(name=f"audit_rows_{table}")
    try:
        cursor.execute(_select(table, dialect) + " ORDER BY id")
        while batch := cursor.fetchmany(_FETCH):
            yield batch
    finally:
        cursor.close()


def current(session: Session, table: str, ids: Sequence[int]) -> dict[int, tuple]:
    """The hashed values of these rows as stored now, by id."""
    dialect = session.get_bind().dialect.name
    found: dict[int, tuple] = {}
    wanted = sorted(set(ids))
    mark = "?" if dialect == "sqlite" else "%s"
    cursor = session.connection().connection.cursor()
    try:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            cursor.execute(_select(table, dialect) + f" WHERE id IN ({', '.join([mark] * len(chunk))})",
                           tuple(chunk))
            found.update({row[0]: tuple(row[2:]) for row in cursor.fetchall()})
    finally:
        cursor.close()
    return found

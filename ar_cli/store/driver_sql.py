"""Reads and writes on the bulk paths in the driver's own SQL.

Posting reads claims, balances and denials a batch of a thousand claims at a time.
Through SQLAlchemy each batch compiled an IN list of a thousand parameters and
processed every value of every row, which cost more than the queries themselves. Here
the statement text is fixed, the list of keys is one parameter (JSON read with
`json_each` on SQLite, an array compared with `= ANY` on PostgreSQL) and rows come
back as the driver gives them.

SQL is written with `?` placeholders and `IN_KEYS` where the key list goes (before any other `?`); dates
come back as ISO text on SQLite and as dates on PostgreSQL (`as_date` takes both).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date

from sqlmodel import Session

_SQLITE_IN = "IN (SELECT value FROM json_each(?))"
_POSTGRES_IN = "= ANY(?)"
CHUNK = 5000


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def rows(session: Session, sql: str, params: Sequence = ()) -> list[tuple]:
    """All rows of `sql` (with `?` placeholders) as plain tuples."""
    if not is_sqlite(session):
        sql = sql.replace("?", "%s")
    # The DB-API cursor of the session's connection (same transaction): its rows are
    # tuples already, with no Result wrapping around them.
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql, tuple(params))
        return cursor.fetchall()
    finally:
        cursor.close()


def rows_in(session: Session, sql: str, keys: Iterable, params: Sequence = ()) -> list[tuple]:
    """Rows of `sql` for the keys, `IN_KEYS` standing for "is one of them" (its
    parameter comes first), in chunks so that a statement stays small."""
    wanted = sorted(set(keys))
    sqlite = is_sqlite(session)
    text = sql.replace("IN_KEYS", _SQLITE_IN if sqlite else _POSTGRES_IN)
    found: list[tuple] = []
    for start in range(0, len(wanted), CHUNK):
        part = wanted[start:start + CHUNK]
        found.extend(rows(session, text, (json.dumps(part) if sqlite else part, *params)))
    return found


def as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def executemany(session: Session, sql: str, params: list[tuple]) -> None:
    """One executemany of `sql` (with `?` placeholders) on the driver."""
    if not params:
        return
    if not is_sqlite(session):
        sql = sql.replace("?", "%s")
    session.connection().exec_driver_sql(sql, params)

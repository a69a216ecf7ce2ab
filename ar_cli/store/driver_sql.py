"""DEPRECATED: store/sql.py is the one way to speak SQL. This module stays only while
services/era/poster.py (branch `era` is splitting it) still calls `executemany`; it goes
when that file moves to store/sql.py.

Reads and writes on the bulk paths in the driver's own SQL.

Posting reads claims, balances and denials a batch of a thousand claims at a time.
Through SQLAlchemy each batch compiled an IN list of a thousand parameters and
processed every value of every row, which cost more than the queries themselves. Here
the statement text is fixed, the list of keys is one parameter (JSON read with
`json_each` on SQLite, an array compared with `= ANY` on PostgreSQL) and rows come
back as the driver gives them.

SQL is written with `?` placeholders and `IN_KEYS` where the key list goes (before
any other `?`); dates come back as ISO text on SQLite and as dates on PostgreSQL
(`as_date` takes both).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ar_cli.store.sql import day

if TYPE_CHECKING:
    from sqlmodel import Session

CHUNK = 5000  # keys per statement in `rows_in`


def _keys_in(dialect: str) -> str:
    return "IN (SELECT value FROM json_each(?))" if dialect == "sqlite" else "= ANY(?)"


def _key_list(dialect: str, keys: Iterable[Any]) -> Any:
    return json.dumps(list(keys)) if dialect == "sqlite" else list(keys)


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def is_sqlite(session: Session) -> bool:
    return dialect(session) == "sqlite"


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
    parameter comes first),
    in chunks so that a statement stays small."""
    wanted = sorted(set(keys))
    name = dialect(session)
    text = sql.replace("IN_KEYS", _keys_in(name))
    found: list[tuple] = []
    for start in range(0, len(wanted), CHUNK):
        found.extend(rows(session, text, (_key_list(name, wanted[start:start + CHUNK]), *params)))
    return found


as_date = day  # ISO text (SQLite) or a date (PostgreSQL) → a date


def executemany(session: Session, sql: str, params: list[tuple]) -> None:
    """One executemany of `sql` (with `?` placeholders) on the driver."""
    if not params:
        return
    if not is_sqlite(session):
        sql = sql.replace("?", "%s")
    session.connection().exec_driver_sql(sql, params)

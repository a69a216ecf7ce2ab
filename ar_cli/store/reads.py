"""One narrow way to read with plain SQL: `rows(sql, params)`, on a SQLAlchemy session or
on a standard-library sqlite3 connection.

Readers that speak plain SQL (the work queue, the aging summary) are written once
against `Reads` and run the very same statement text either way: through the session
of an opened ledger (SQLite or PostgreSQL), or through a read-only sqlite3 connection
(store/read_only.py) that spares `ar-cli` the second of importing SQLAlchemy and the
table models. Statements use `:name` parameters, which both understand; rows come back
as the driver gives them (dates as ISO text on SQLite, as values on PostgreSQL).

A list of keys is one parameter, whatever its length (`rows_in`): a JSON list read with
`json_each` on SQLite, an array compared with `= ANY` on PostgreSQL. `keys_in` and
`key_list` are that spelling, for any placeholder style (store/driver_sql.py's too).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlmodel import Session

CHUNK = 5000  # keys per statement in `rows_in`

class Reads(Protocol):
    """What a plain-SQL reader needs: the dialect's name and a statement's rows."""

    dialect: str  # "sqlite" or "postgresql"

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Sequence[Sequence[Any]]: ...


class SessionReads:
    """Reads through a SQLAlchemy session, inside its transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self.dialect = session.get_bind().dialect.name

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Sequence[Sequence[Any]]:
        from sqlalchemy import text

        return self._session.execute(text(sql), dict(params or {})).all()


class SqliteReads:
    """Reads through a standard-library sqlite3 connection. `date` parameters are bound
    as ISO text, as the ledger stores dates on SQLite (and as SQLAlchemy binds them)."""

    dialect = "sqlite"

    def __init__(self, con: sqlite3.Connection) -> None:
        self._con = con

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Sequence[Sequence[Any]]:
        bound = {name: _bound(value) for name, value in (params or {}).items()}
        return self._con.execute(sql, bound).fetchall()


def _bound(value: Any) -> Any:
    if isinstance(value, datetime):
        # Timestamps are stored as SQLAlchemy writes them; no reader binds one yet.
        raise TypeError("SqliteReads binds dates, not timestamps")
    return value.isoformat() if isinstance(value, date) else value


def as_reads(source: Reads | Session) -> Reads:
    """`source` itself when it reads already, else its session wrapped."""
    return source if hasattr(source, "rows") else SessionReads(source)


def keys_in(dialect: str, placeholder: str) -> str:
    """SQL for "is one of the keys bound at `placeholder`" (bound with `key_list`)."""
    return f"IN (SELECT value FROM json_each({placeholder}))" if dialect == "sqlite" else f"= ANY({placeholder})"


def key_list(dialect: str, keys: Iterable[Any]) -> Any:
    """The keys as the one parameter `keys_in` reads: JSON text on SQLite, a list on PostgreSQL."""
    return json.dumps(list(keys)) if dialect == "sqlite" else list(keys)


def rows_in(db: Reads, sql: str, keys: Iterable[Any], params: Mapping[str, Any] | None = None) -> list:
    """Rows of `sql` for the keys, `IN_KEYS` standing for "is one of them" (parameter
    `:keys`), CHUNK keys per statement."""
    wanted = sorted(set(keys))
    text = sql.replace("IN_KEYS", keys_in(db.dialect, ":keys"))
    found: list = []
    for start in range(0, len(wanted), CHUNK):
        found.extend(db.rows(text, {**(params or {}), "keys": key_list(db.dialect, wanted[start:start + CHUNK])}))
    return found


def day(value: Any) -> date | None:
    """A date, or a timestamp's day, as the driver returns it (ISO text on SQLite, values
    on PostgreSQL); None stays None."""
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.date()
    return value


def first_value(rows: Sequence[Sequence[Any]]) -> Any:
    """The first column of the first row; None when there is no row."""
    return rows[0][0] if rows else None

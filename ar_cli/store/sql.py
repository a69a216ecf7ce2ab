"""The one way to speak SQL: `sql_of(source)` gives a `Sql` that runs plain statement
text on the driver's own cursor and returns plain tuples.

    db = sql_of(session)            # the session's DB-API connection, same transaction
    db = sql_of(sqlite3_connection) # the read-only fast path (store/read_only.py)
    db.dialect                      # "sqlite" | "postgresql"
    db.rows(sql, params)            # list[tuple]
    db.one(sql, params)             # first row or None
    db.scalar(sql, params)          # first column of the first row, or None
    db.execute(sql, params)         # rowcount
    db.executemany(sql, rows)       # rows: a sequence of mappings, or of tuples

One placeholder style, `:name`. SQLite's driver reads it as written; for PostgreSQL
(psycopg 3, `%(name)s`) the text is translated once per statement text (cached) by a
small tokenizer that leaves quoted strings, quoted identifiers, comments and `::`
casts alone and doubles every literal `%`.

A list of keys is ONE parameter whatever its length: `col IN :ids` (or `NOT IN :ids`)
with `{"ids": Keys(values)}` becomes `IN (SELECT value FROM json_each(:ids))` on SQLite
(the keys bound as one JSON text) and `= ANY(%(ids)s)` (`<> ALL`) on PostgreSQL (one
array). A statement text is therefore the same whatever the number of keys, and so is
its cached translation and the database's statement cache.

Rows given to `executemany` as tuples (the bulk writes: a posting batch's balances and
statuses, a few hundred thousand rows a remittance) go to the driver as they are, in the
order the statement names its parameters, each name written once: the text is
translated once to the driver's positional marks (`?`, `%s`), and no mapping is built
or bound row by row. Their values must be what the driver takes as it is (on SQLite:
int, str, float, bytes or None; dates as ISO text), checked on the first row.

On SQLite `date` parameters bind as ISO text and timestamps as SQLAlchemy writes them
(`YYYY-MM-DD HH:MM:SS.ffffff`), so a row written here reads back through the ORM and
the other way round. Rows come back as the driver gives them: dates as ISO text on
SQLite, as values on PostgreSQL; `day(value)` turns either into a date.

Over a session, pending ORM changes are flushed first (as `session.execute` would), and
the connection is the session's current one on every call, so a `Sql` stays valid across
the session's commits. Nothing here imports SQLAlchemy: the read-only fast path stays fast.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

__all__ = ["Keys", "Sql", "day", "sql_of"]

Params = Mapping[str, Any] | None


class Keys:
    """A list of keys bound as ONE parameter, for `col IN :name` (or `NOT IN :name`)."""

    __slots__ = ("values",)

    def __init__(self, values: Iterable[Any]) -> None:
        self.values = list(values)

    def __len__(self) -> int:
        return len(self.values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.values)

    def __repr__(self) -> str:
        return f"Keys({self.values!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Keys) and other.values == self.values

    __hash__ = None  # type: ignore[assignment]


# -- the tokenizer ------------------------------------------------------------------
# One pass over the text; each alternative is a token kind. Order matters: comments and
# quoted text are consumed whole (a `:x` or `?` inside them is text), `::` before `:name`.
_TOKEN = re.compile(
    r"""
      (?P<quoted>'(?:[^']|'')*'?)             # a string literal ('' is a quote inside)
    | (?P<ident>"(?:[^"]|"")*"?)              # a quoted identifier
    | (?P<line>--[^\n]*)                      # a comment to the end of the line
    | (?P<block>/\*.*?(?:\*/|\Z))             # a block comment
    | (?P<cast>::)                            # a PostgreSQL cast, not a parameter
    | (?P<param>:(?P<name>[A-Za-z_][A-Za-z0-9_]*))
    | (?P<percent>%)
    | (?P<word>[A-Za-z_][A-Za-z0-9_$]*)
    | (?P<space>\s+)
    | (?P<other>.)
""",
    re.VERBOSE | re.DOTALL,
)


class SqlTextError(ValueError):
    """A statement text this module refuses (a programming error, not bad input)."""


@lru_cache(maxsize=1024)
def translate(sql: str, dialect: str) -> tuple[str, frozenset[str]]:
    """The statement text for the dialect's driver, and the names of the parameters that
    are key lists (`IN :name`). Cached per (text, dialect)."""
    if dialect not in ("sqlite", "postgresql"):
        raise SqlTextError(f"unknown dialect {dialect!r}")
    out: list[str] = []
    keys: set[str] = set()
    # The last two words seen outside quotes and comments, to recognise `[NOT] IN :name`.
    last: list[str] = ["", ""]
    pg = dialect == "postgresql"
    for match in _TOKEN.finditer(sql):
        kind = match.lastgroup
        piece = match.group()
        if kind == "param":
            name = match.group("name")
            if last[1] == "IN":
                keys.add(name)
                negated = last[0] == "NOT"
                _drop_trailing_word(out, "IN")
                if negated:
                    _drop_trailing_word(out, "NOT")
                if pg:
                    out.append(f"<> ALL(%({name})s)" if negated else f"= ANY(%({name})s)")
                else:
                    out.append(f"{'NOT IN' if negated else 'IN'} (SELECT value FROM json_each(:{name}))")
            else:
                out.append(f"%({name})s" if pg else piece)
            last = ["", ""]
            continue
        if pg and kind in ("quoted", "ident", "line", "block", "percent"):
            piece = piece.replace("%", "%%")
        if kind == "other" and piece == "?":
            raise SqlTextError("`?` placeholders are not spoken here; write `:name`")
        out.append(piece)
        if kind == "word":
            last = [last[1], piece.upper()]
        elif kind not in ("space", "line", "block"):
            last = ["", ""]
    return "".join(out), frozenset(keys)


@lru_cache(maxsize=256)
def positional(sql: str, dialect: str) -> tuple[str, tuple[str, ...]]:
    """The statement text with each `:name` as the driver's positional mark (`?` on
    SQLite, `%s` on PostgreSQL), and the names in the order written: what a row given as
    a tuple binds. Refuses key lists and a name written twice. Cached per (text, dialect)."""
    _text, keys = translate(sql, dialect)  # checks the text as every statement is checked
    if keys:
        raise SqlTextError(f"`IN :{sorted(keys)[0]}` takes Keys(...), which rows given as tuples cannot")
    pg = dialect == "postgresql"
    out: list[str] = []
    names: list[str] = []
    for match in _TOKEN.finditer(sql):
        kind, piece = match.lastgroup, match.group()
        if kind == "param":
            name = match.group("name")
            if name in names:
                raise SqlTextError(f":{name} is written twice; rows given as tuples bind each name once")
            names.append(name)
            out.append("%s" if pg else "?")
            continue
        if pg and kind in ("quoted", "ident", "line", "block", "percent"):
            piece = piece.replace("%", "%%")
        out.append(piece)
    return "".join(out), tuple(names)


def _drop_trailing_word(out: list[str], word: str) -> None:
    """Take `word` (and the spaces after it) off the end of the text built so far."""
    while out and out[-1].isspace():
        out.pop()
    if out and out[-1].upper() == word:
        out.pop()
        while out and out[-1].isspace():
            out.pop()
        out.append(" ")


# -- binding ------------------------------------------------------------------------
def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # As SQLAlchemy's SQLite DateTime stores it (it drops any time zone).
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return _sqlite_value(value)
    raise TypeError(f"a key of type {type(value).__name__} cannot be bound")


def _bind(params: Params, keys: frozenset[str], dialect: str) -> dict[str, Any]:
    bound: dict[str, Any] = {}
    for name, value in (params or {}).items():
        if isinstance(value, Keys):
            if name not in keys:
                raise SqlTextError(f"Keys bound to :{name}, which is not written `IN :{name}`")
            # On SQLite one JSON text: dates as they bind (the encoder asks `_json_value`
            # only for what it cannot write itself, so a list of ids or numbers costs nothing).
            bound[name] = json.dumps(value.values, default=_json_value) if dialect == "sqlite" else value.values
        elif name in keys:
            raise SqlTextError(f"`IN :{name}` takes Keys(...), not {type(value).__name__}")
        else:
            bound[name] = _sqlite_value(value) if dialect == "sqlite" else value
    return bound


# -- the interface -----------------------------------------------------------------
class Sql:
    """Plain statements on a DB-API connection (see the module's docstring)."""

    __slots__ = ("_connection", "_session", "dialect")

    def __init__(self, dialect: str, connection: Any = None, session: Session | None = None) -> None:
        self.dialect = dialect
        self._connection = connection
        self._session = session

    def _cursor(self) -> Any:
        session = self._session
        if session is None:
            return self._connection.cursor()
        if session.autoflush:
            session.flush()  # what session.execute would do first; nothing when clean
        return session.connection().connection.driver_connection.cursor()

    def _run(self, sql: str, params: Params) -> Any:
        text, keys = translate(sql, self.dialect)
        cursor = self._cursor()
        try:
            cursor.execute(text, _bind(params, keys, self.dialect))
        except BaseException:
            cursor.close()
            raise
        return cursor

    def bindable(self, value: Any) -> Any:
        """A value as a row given as a tuple carries it: dates as ISO text on SQLite (as
        `:name` parameters bind them), anything on PostgreSQL as it is."""
        return _sqlite_value(value) if self.dialect == "sqlite" else value

    def rows(self, sql: str, params: Params = None) -> list[tuple]:
        """All rows, as plain tuples."""
        cursor = self._run(sql, params)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    def one(self, sql: str, params: Params = None) -> tuple | None:
        """The first row, or None."""
        cursor = self._run(sql, params)
        try:
            return cursor.fetchone()
        finally:
            cursor.close()

    def scalar(self, sql: str, params: Params = None) -> Any:
        """The first column of the first row, or None when there is no row."""
        row = self.one(sql, params)
        return None if row is None else row[0]

    def execute(self, sql: str, params: Params = None) -> int:
        """Run a statement; the number of rows it changed (the driver's rowcount)."""
        cursor = self._run(sql, params)
        try:
            return cursor.rowcount
        finally:
            cursor.close()

    def executemany(self, sql: str, rows: Sequence[Mapping[str, Any]] | Sequence[tuple]) -> None:
        """One statement for each row of `rows` (nothing when there is none): mappings
        by name, or tuples in the order the statement names its parameters, handed to
        the driver as they are (see the module's docstring)."""
        if not rows:
            return
        first = rows[0]
        if isinstance(first, tuple):
            text, names = positional(sql, self.dialect)
            if len(first) != len(names):
                raise SqlTextError(f"a row of {len(first)} values for {len(names)} parameters")
            if self.dialect == "sqlite" and any(isinstance(value, date) for value in first):
                raise SqlTextError("dates in rows given as tuples are bound as ISO text on SQLite")
            params: Any = rows
        else:
            text, keys = translate(sql, self.dialect)
            params = [_bind(row, keys, self.dialect) for row in rows]  # type: ignore[arg-type]
        cursor = self._cursor()
        try:
            cursor.executemany(text, params)
        finally:
            cursor.close()


def sql_of(source: Session | Connection | sqlite3.Connection | Sql) -> Sql:
    """A `Sql` over a session (its connection, inside its transaction), a SQLAlchemy
    connection, a standard-library sqlite3 connection, or a `Sql` (itself)."""
    if isinstance(source, Sql):
        return source
    if isinstance(source, sqlite3.Connection):
        return Sql("sqlite", connection=source)
    get_bind = getattr(source, "get_bind", None)
    if get_bind is not None:  # a Session
        return Sql(get_bind().dialect.name, session=source)  # type: ignore[arg-type]
    dialect = getattr(source, "dialect", None)
    if dialect is not None:  # a SQLAlchemy Connection
        return Sql(dialect.name, connection=source.connection.driver_connection)  # type: ignore[union-attr]
    raise TypeError(f"sql_of: cannot speak SQL through {type(source).__name__}")


def day(value: Any) -> date | None:
    """A date, or a timestamp's day, as the driver returns it (ISO text on SQLite,
    values on PostgreSQL); None stays None."""
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.date()
    return value

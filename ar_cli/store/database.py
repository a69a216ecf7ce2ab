"""Opening a ledger: engine set-up, safety checks, and the one transaction per use case.

SQLite: the file is created with mode 0600 before SQLite touches it (the umask would
decide otherwise), WAL journal, foreign keys on, synchronous FULL (a ledger prefers
durability to a few ms), and every write transaction starts with BEGIN IMMEDIATE so
two writers queue on the busy timeout instead of failing half way.
PostgreSQL: writers serialize on the audit chain head (store/audit_chain.py).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session

from ar_cli.domain.errors import ConfigError, InputError, LedgerBusyError, SchemaTooNewError
from ar_cli.store import schema
from ar_cli.store.location import LedgerLocation

DEFAULT_BUSY_TIMEOUT_SECONDS = 60.0


def busy_timeout_from_env() -> float:
    raw = os.environ.get("AR_BUSY_TIMEOUT", "")
    if not raw:
        return DEFAULT_BUSY_TIMEOUT_SECONDS
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"AR_BUSY_TIMEOUT: {raw!r} is not a number of seconds") from None
    if value < 0:
        raise ConfigError(f"AR_BUSY_TIMEOUT: {raw!r} is negative")
    return value


class Ledger:
    """A ledger database. `write()` and `read()` give a Session inside one transaction."""

    def __init__(self, location: LedgerLocation, *, busy_timeout: float | None = None) -> None:
        self.location = location
        self.busy_timeout = busy_timeout_from_env() if busy_timeout is None else busy_timeout
        self._engine: Engine | None = None

    # -- opening -------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self._create_engine()
        return self._engine

    def _create_engine(self) -> Engine:
        if self.location.sqlite_path is None:
            return create_engine(self.location.url, pool_pre_ping=False,
                                 connect_args={"connect_timeout": 10})
        engine = create_engine(self.location.url,
                               connect_args={"timeout": self.busy_timeout})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine

    def open(self, *, migrate_new: bool = True) -> Ledger:
        """Check that the database is usable and at this code's schema.

        A new SQLite ledger is created (0600) and migrated; anything else behind head is
        refused with the command that upgrades it, and anything ahead is refused.
        """
        path = self.location.sqlite_path
        if path is not None:
            created = _create_private_file(path)
            if created and not migrate_new:
                path.unlink()
                raise InputError(f"{path}: no ledger here")
        with self._guard():
            with self.engine.begin() as conn:
                revision = schema.current_revision(conn)
                if revision is None and path is not None and schema.is_blank(conn) and migrate_new:
                    schema.upgrade(conn)
                    return self
        self.check_revision(revision)
        return self

    def check_revision(self, revision: str | None) -> None:
        where = self.location.describe()
        if revision == schema.HEAD_REVISION:
            return
        if revision is None:
            raise InputError(f"{where}: not an ar-cli ledger yet (no schema); "
                             "run `ar-cli db upgrade` to create it")
        if revision not in schema.KNOWN_REVISIONS:
            raise SchemaTooNewError(f"{where}: ledger schema {revision} is newer than this ar-cli "
                                    f"(knows up to {schema.HEAD_REVISION}); upgrade ar-cli")
        raise InputError(f"{where}: ledger schema {revision} is older than this ar-cli "
                         f"({schema.HEAD_REVISION}); run `ar-cli db upgrade`")

    # -- transactions --------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: commits when the block ends, rolls back on any error."""
        with self._guard():
            bind = self.engine.execution_options(ar_write=True)
            with Session(bind, expire_on_commit=False) as session:
                with session.begin():
                    session.connection()  # BEGIN IMMEDIATE now: take the write lock up front
                    yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._guard():
            with Session(self.engine, expire_on_commit=False) as session:
                with session.begin():
                    yield session

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A read transaction that sees one moment of the ledger in every query, while
        writers go on: SQLite's WAL read transaction does that from its first read;
        PostgreSQL needs REPEATABLE READ (READ COMMITTED sees each commit as it lands)."""
        with self._guard():
            bind = self.engine
            if self.location.sqlite_path is None:
                bind = bind.execution_options(isolation_level="REPEATABLE READ")
            with Session(bind, expire_on_commit=False) as session:
                with session.begin():
                    yield session

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn driver errors about the database itself into one-line ArErrors."""
        where = self.location.describe()
        try:
            yield
        except OperationalError as exc:
            message = str(exc.orig) if exc.orig is not None else str(exc)
            if "locked" in message or "busy" in message:
                raise LedgerBusyError(f"{where}: the ledger is busy (another writer held it "
                                      f"for {self.busy_timeout:g} s); try again") from None
            if self.location.sqlite_path is None:
                first = message.strip().splitlines()[0] if message.strip() else "connection failed"
                raise ConfigError(f"{where}: cannot use the PostgreSQL database: {first}") from None
            raise ConfigError(f"{where}: cannot open the ledger: {message}") from None
        except DatabaseError as exc:
            if isinstance(exc.orig, sqlite3.DatabaseError) and "not a database" in str(exc.orig):
                raise ConfigError(f"{where}: not an ar-cli ledger (not a SQLite database)") from None
            raise

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def _create_private_file(path) -> bool:
    """Create the ledger file readable by its owner only. Returns True when it was new."""
    if path.exists():
        if path.is_dir():
            raise ConfigError(f"{path}: is a directory, not a ledger file")
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    except OSError as exc:
        raise ConfigError(f"{path}: cannot create the ledger: {exc.strerror}") from None
    os.close(fd)
    return True


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite would emit a deferred one).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    # 64 MB of page cache (the default is 2 MB): bulk posting updates several indexes,
    # and a small cache spills them to disk mid-transaction.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def _sqlite_on_begin(conn) -> None:
    if conn.get_execution_options().get("ar_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")

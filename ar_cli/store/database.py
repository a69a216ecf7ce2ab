"""Opening a ledger: engine set-up, safety checks, and the one transaction per use case.

SQLite: the file is created with mode 0600 before SQLite touches it (the umask would
decide otherwise), WAL journal, foreign keys on, synchronous FULL (a ledger prefers
durability to a few ms), and every write transaction starts with BEGIN IMMEDIATE so
two writers queue on the busy timeout instead of failing half way.
PostgreSQL: writers serialize on the audit chain head (store/audit/chain.py), and wait
for another session's lock at most the same busy timeout (lock_timeout).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from ar_cli.domain.errors import ConfigError, InputError, LedgerBusyError, SchemaTooNewError
from ar_cli.store import schema
from ar_cli.store.location import LedgerLocation

DEFAULT_BUSY_TIMEOUT_SECONDS = 60.0
# PostgreSQL SQLSTATEs: lock_timeout ran out; a value longer than its VARCHAR.
LOCK_NOT_AVAILABLE = "55P03"
STRING_TOO_LONG = "22001"


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
        self.created = False  # open() made this ledger just now
        self._made_folders: list | None = None  # the new file's folders that open() made

    # -- opening -------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self._create_engine()
        return self._engine

    def _create_engine(self) -> Engine:
        if self.location.sqlite_path is None:
            # lock_timeout is PostgreSQL's busy timeout: a writer queued behind another
            # session's lock (the audit chain head) gives up after it, as on SQLite. No
            # statement_timeout: a long statement of our own is work, not a wait.
            wait_ms = max(1, round(self.busy_timeout * 1000))  # 0 would mean "wait forever"
            return create_engine(
                self.location.url,
                pool_pre_ping=False,
                connect_args={"connect_timeout": 10, "options": f"-c lock_timeout={wait_ms}"},
            )
        engine = create_engine(self.location.url, connect_args={"timeout": self.busy_timeout})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine

    def open(self, *, create: bool = True) -> Ledger:
        """Check that the database is a ledger at this code's schema.

        create=True (commands that bring data in): a missing SQLite file, or an existing
        empty one, becomes a new ledger (0600, migrated) and `created` says so.
        create=False (every other command): a missing or empty database is refused, and
        nothing is created. Anything behind head is refused with the command that
        upgrades it, and anything ahead is refused.
        """
        path = self.location.sqlite_path
        self.created = False
        if path is not None:
            if create:
                self._made_folders = _create_private_file(path)
                self.created = self._made_folders is not None
            else:
                check_ledger_file(path)
        with self._guard(), self.engine.begin() as conn:
            revision = schema.current_revision(conn)
            if revision is None and schema.is_blank(conn):
                if not create or path is None:
                    raise ConfigError(
                        f"{self.location.describe()}: not a ledger (an empty database); `ar-cli db init` makes it one"
                    )
                if not self.created:
                    os.chmod(path, 0o600)  # an empty file given as --db becomes a private ledger
                schema.upgrade(conn)
                self.created = True
                return self
        self.check_revision(revision)
        return self

    def check_revision(self, revision: str | None) -> None:
        where = self.location.describe()
        if revision == schema.HEAD_REVISION:
            return
        if revision is None:
            raise InputError(f"{where}: not an ar-cli ledger yet (no schema); run `ar-cli db upgrade` to create it")
        if revision not in schema.KNOWN_REVISIONS:
            raise SchemaTooNewError(
                f"{where}: ledger schema {revision} is newer than this ar-cli "
                f"(knows up to {schema.HEAD_REVISION}); upgrade ar-cli"
            )
        raise InputError(
            f"{where}: ledger schema {revision} is older than this ar-cli "
            f"({schema.HEAD_REVISION}); run `ar-cli db upgrade`"
        )

    # -- transactions --------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: commits when the block ends, rolls back on any error."""
        with self._guard():
            bind = self.engine.execution_options(ar_write=True)
            with Session(bind, expire_on_commit=False) as session, session.begin():
                session.connection()  # BEGIN IMMEDIATE now: take the write lock up front
                yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._guard(), Session(self.engine, expire_on_commit=False) as session, session.begin():
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
            with Session(bind, expire_on_commit=False) as session, session.begin():
                yield session

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn driver errors about the database itself into one-line ArErrors, whether
        SQLAlchemy wrapped them or a bulk path met them on the driver's own cursor."""
        where = self.location.describe()
        try:
            yield
        except Exception as exc:
            if not isinstance(exc, (DBAPIError, sqlite3.Error)) and not _from_psycopg(exc):
                raise
            driver = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
            message = str(driver)
            sqlstate = getattr(driver, "sqlstate", None)
            if sqlstate == LOCK_NOT_AVAILABLE or (
                isinstance(driver, sqlite3.OperationalError) and ("locked" in message or "busy" in message)
            ):
                raise LedgerBusyError(
                    f"{where}: the ledger is busy (another writer held it for {self.busy_timeout:g} s); try again"
                ) from None
            if isinstance(driver, sqlite3.OperationalError) and "readonly" in message:
                raise ConfigError(
                    f"{where}: the ledger file is read-only for this user; nothing "
                    "was changed (check its permissions and its folder's)"
                ) from None
            if sqlstate == STRING_TOO_LONG:
                # Inputs are checked against domain/field_limits.py first; this is the
                # last line of defence, and it never echoes the value (it may be PHI).
                raise InputError(f"{where}: a value is longer than the ledger allows; nothing was changed") from None
            if isinstance(driver, sqlite3.DatabaseError) and "not a database" in message:
                raise ConfigError(f"{where}: not an ar-cli ledger (not a SQLite database)") from None
            if not isinstance(exc, OperationalError):
                raise
            if self.location.sqlite_path is None:
                first = message.strip().splitlines()[0] if message.strip() else "connection failed"
                raise ConfigError(f"{where}: cannot use the PostgreSQL database: {first}") from None
            raise ConfigError(f"{where}: cannot open the ledger: {message}") from None

    def remove_new(self) -> None:
        """Take away a SQLite ledger this run created (with the folders made for it), when
        the run failed: a refused input leaves things as they were, with no ledger. Only
        what open() created is removed; an existing file is never touched."""
        path = self.location.sqlite_path
        if path is None or self._made_folders is None:
            return
        self.dispose()
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        for folder in reversed(self._made_folders):
            try:
                folder.rmdir()
            except OSError:  # something else was put there meanwhile: keep it
                break
        self._made_folders = None
        self.created = False

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def _from_psycopg(exc: Exception) -> bool:
    """A PostgreSQL driver error met on the raw cursor (store/sql.py), which
    SQLAlchemy did not wrap; psycopg itself is imported only for PostgreSQL ledgers."""
    return type(exc).__module__.split(".")[0] == "psycopg"


def check_ledger_file(path) -> None:
    """Refuse, before SQLite would create or touch it, a ledger file that is not there."""
    if path.is_dir():
        raise ConfigError(f"{path}: is a directory, not a ledger file")
    if not path.exists():
        raise ConfigError(
            f"{path}: no ledger here (check --db or AR_DB); a new ledger is made by "
            "`ar-cli db init` or by importing into it"
        )
    if path.stat().st_size == 0:
        raise ConfigError(f"{path}: not a ledger (an empty file); `ar-cli db init` makes it one")


def _create_private_file(path) -> list | None:
    """Create the ledger file readable by its owner only. Returns None when it existed,
    else the folders made for it, outermost first (`Ledger.remove_new` takes them away)."""
    if path.exists():
        if path.is_dir():
            raise ConfigError(f"{path}: is a directory, not a ledger file")
        return None
    made = [folder for folder in reversed(path.parents) if not folder.exists()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot create the ledger: {exc.strerror}") from None
    os.close(fd)
    return made


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

"""Ledgers for the reliability suite: a base ledger built once through the CLI, cheap
copies of it per trial (a file copy on SQLite, CREATE DATABASE … TEMPLATE on
PostgreSQL), and a fingerprint that says whether anything in a ledger changed."""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_data"
POSTING = "2026-06-30"
PG_ADMIN_URL = os.environ.get("AR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


_COMMAND = None


def run_cli(db: str, *args: str, user: str = "reliability"):
    """ar-cli in this process (Typer's runner): the result has exit_code, stdout, stderr.

    The Click command is built once per process and reused (the runner rebuilds it per
    call: ~0.1 s of Typer signature work that thousands of calls need not repeat); each
    call still gets its own context, ledger and connections, as a process would."""
    from unittest import mock

    import typer
    from typer.testing import CliRunner

    from ar_cli.cli.main import app

    global _COMMAND
    if _COMMAND is None:
        _COMMAND = typer.main.get_command(app)
    with mock.patch("typer.testing._get_command", lambda _app: _COMMAND):
        return CliRunner().invoke(app, ["--db", db, "--user", user, *args])


def import_sample_claims(db: str) -> None:
    result = run_cli(db, "claims", "import", str(SAMPLE / "claims.csv"), "--posting-date", POSTING)
    assert result.exit_code == 0, result.output


def _admin():
    import psycopg

    return psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True)


def pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def pg_create(name: str, template: str | None = None, *, durable: bool = True) -> str:
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        if not durable:
            # A throwaway ledger for in-process fuzzing: its commits need not wait for the
            # disk (the server stays crash-safe; at worst the last commits are lost).
            conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    return pg_url(name)


def pg_drop(name: str) -> None:
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def new_pg_name(prefix: str) -> str:
    return f"ar_rel_{prefix}_{uuid.uuid4().hex[:10]}"


@dataclass
class LedgerCopies:
    """A base ledger and fresh copies of it, on one database kind."""

    kind: str  # "sqlite" | "postgres"
    workdir: Path
    base: str = ""  # the base ledger: a file path or a database name
    durable: bool = True  # False: PostgreSQL commits do not wait for the disk (fuzzing)
    _names: list | None = None

    def build(self, fill) -> None:
        """Create the base ledger and run `fill(db)` on it (CLI commands that write)."""
        self._names = []
        if self.kind == "sqlite":
            self.base = str(self.workdir / "base.sqlite")
            fill(self.base)
            # Fold the WAL into the main file so that copying one file copies the ledger.
            import sqlite3

            con = sqlite3.connect(self.base)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.close()
        else:
            self.base = new_pg_name("base")
            self._names.append(self.base)
            url = pg_create(self.base, durable=self.durable)
            upgraded = run_cli(url, "db", "upgrade")  # a PostgreSQL ledger is created, then upgraded
            assert upgraded.exit_code == 0, upgraded.output
            fill(url)
            # A template must have no connection open while it is copied.
            with _admin() as conn:
                conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (self.base,))

    def copy(self, name: str) -> str:
        """A fresh copy of the base ledger; returns what --db takes."""
        if self.kind == "sqlite":
            target = self.workdir / f"{name}.sqlite"
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.base, target)
            return str(target)
        db = f"{self.base}_{name}"[:63]
        if db not in self._names:
            self._names.append(db)
        return pg_create(db, template=self.base, durable=self.durable)

    def reusable(self, name: str) -> Resettable:
        """One copy to be put back to the base's rows after each use: on PostgreSQL a
        TRUNCATE and INSERT … SELECT from a snapshot schema (~0.1 s), where a new
        database from the template costs ~0.8 s; on SQLite a file copy."""
        return Resettable(self, name)

    def base_url(self) -> str:
        return self.base if self.kind == "sqlite" else pg_url(self.base)

    def close(self) -> None:
        if self.kind == "postgres":
            for name in reversed(self._names or []):
                pg_drop(name)


def sql_url(db: str) -> str:
    return db if "://" in db else f"sqlite:///{db}"


_ENGINES: dict = {}


def fingerprint(db: str) -> tuple:
    """Every table's row count, the ledger's money and the audit chain's head, in one
    statement: equal fingerprints mean nothing was written (the tables are append-mostly;
    balances are caches of entries, so their sum moves with any entry)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from ar_cli.store import tables  # noqa: F401  (registers every table)
    from ar_cli.store.base import metadata

    url = sql_url(db)
    if url not in _ENGINES:
        # No pool: a kept connection would hold the copy open while it is replaced or reset.
        _ENGINES[url] = create_engine(url, poolclass=NullPool)
    parts = [f"SELECT '{t.name}', count(*) FROM \"{t.name}\"" for t in metadata.sorted_tables]
    parts += [
        "SELECT 'money', coalesce(sum(amount), 0) FROM ledger_entry",
        "SELECT 'owed', coalesce(sum(balance), 0) FROM claim_balance",
        "SELECT last_hash, last_event_id FROM audit_head",
    ]
    with _ENGINES[url].connect() as conn:
        return tuple(map(tuple, conn.execute(text(" UNION ALL ".join(parts))).all()))


def verify_clean(db: str) -> tuple[bool, str]:
    """`audit verify` as a user runs it: exit 0 means the chain and every balance hold."""
    result = run_cli(db, "audit", "verify")
    return result.exit_code == 0, (result.stdout + result.stderr).strip()[-400:]


class Resettable:
    def __init__(self, copies: LedgerCopies, name: str) -> None:
        self.copies, self.name = copies, name
        self.db = copies.copy(name)
        self._reset_sql: list[str] = []
        if copies.kind == "postgres":
            self._snapshot()

    def _snapshot(self) -> None:
        from sqlalchemy import create_engine, text

        from ar_cli.store import tables  # noqa: F401
        from ar_cli.store.base import metadata

        names = [t.name for t in metadata.sorted_tables]
        engine = create_engine(self.db)
        try:
            with engine.begin() as conn:
                conn.execute(text("CREATE SCHEMA snap"))
                for name in names:
                    conn.execute(text(f'CREATE TABLE snap."{name}" AS SELECT * FROM public."{name}"'))
                sequences = conn.execute(
                    text("SELECT sequencename, last_value, true FROM pg_sequences WHERE schemaname = 'public'")
                ).all()
        finally:
            engine.dispose()
        # DELETE, children first: on tables this small it costs far less than TRUNCATE,
        # which replaces every table's files.
        # Foreign-key triggers off while the rows are put back (replica role, the test
        # server's superuser): checking each deleted row against unindexed children is
        # what costs; the rows put back are the base's, which were consistent.
        self._reset_sql = ["SET LOCAL session_replication_role = replica"]
        self._reset_sql += [f'DELETE FROM public."{n}"' for n in reversed(names)]
        self._reset_sql += [f'INSERT INTO public."{n}" SELECT * FROM snap."{n}"' for n in names]
        for seq, value, _ in sequences:
            # A never-used sequence: its next value is 1 again.
            self._reset_sql.append(f"SELECT setval('public.\"{seq}\"', {value or 1}, {'true' if value else 'false'})")

    def reset(self) -> None:
        if self.copies.kind == "sqlite":
            self.db = self.copies.copy(self.name)
            return
        import psycopg

        # One round trip: the statements as one simple-protocol string, one transaction.
        with psycopg.connect(self.db.replace("+psycopg", "")) as conn:
            conn.execute(";\n".join(self._reset_sql).encode())

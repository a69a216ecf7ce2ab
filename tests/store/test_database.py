"""Database selection and safety: private files, WAL, queued writers, clear refusals."""

import os
import sqlite3
import stat
import threading
import time

import pytest

from ar_cli.store.database import Ledger
from ar_cli.store.location import resolve_location
from support import Cli


def test_new_ledger_is_private_and_migrated(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "umask", os.umask)  # keep the umask of the run
    old = os.umask(0o022)
    try:
        path = tmp_path / "sub" / "ledger.sqlite"
        result = Cli(str(path))("db", "init")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"created a new ledger at {path}\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_default_location_is_the_user_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("AR_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert resolve_location(None).sqlite_path == tmp_path / "ar-cli" / "ledger.sqlite"


def test_ar_db_environment_selects_the_ledger(monkeypatch, tmp_path):
    monkeypatch.setenv("AR_DB", str(tmp_path / "x.sqlite"))
    assert resolve_location(None).sqlite_path == tmp_path / "x.sqlite"


def test_not_a_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("this is not a database, just some text " * 50)
    result = Cli(str(path))("claims", "list")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {path}: not an ar-cli ledger (not a SQLite database)"
    assert path.read_text().startswith("this is not a database")


def test_unreachable_postgres_is_one_line_exit_2():
    result = Cli("postgresql+psycopg://nobody@127.0.0.1:1/none")("claims", "list")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "error: postgresql+psycopg://nobody@127.0.0.1:1/none: cannot use the PostgreSQL database"
    )


def test_unknown_url_scheme_is_refused():
    result = Cli("mysql://x@y/z")("claims", "list")
    assert result.exit_code == 2
    assert "unsupported database URL scheme 'mysql'" in result.stderr


def test_writers_wait_for_each_other(sqlite_url):
    """A second writer waits on BEGIN IMMEDIATE and then succeeds."""
    ledger = Ledger(resolve_location(sqlite_url), busy_timeout=10).open()
    order = []

    def hold():
        with ledger.write():
            order.append("first-in")
            time.sleep(0.5)
            order.append("first-out")

    thread = threading.Thread(target=hold)
    thread.start()
    time.sleep(0.1)
    other = Ledger(resolve_location(sqlite_url), busy_timeout=10)
    with other.write():
        order.append("second")
    thread.join()
    assert order == ["first-in", "first-out", "second"]


def test_busy_ledger_exits_75(sqlite_url, tmp_path):
    Ledger(resolve_location(sqlite_url)).open().dispose()
    blocker = sqlite3.connect(sqlite_url, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        csv = tmp_path / "c.csv"
        from support import CLAIMS_HEADER, write_csv

        write_csv(csv, CLAIMS_HEADER, 'C1,A1,"DOE, J",1950-01-01,P1,Payer,2026-05-01,2026-05-02,99213,,1,10.00,M1,,,,')
        os.environ["AR_BUSY_TIMEOUT"] = "0.2"
        try:
            result = Cli(sqlite_url)("claims", "import", str(csv))
        finally:
            del os.environ["AR_BUSY_TIMEOUT"]
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert result.exit_code == 75
    assert "the ledger is busy" in result.stderr


def test_a_value_too_long_for_a_postgres_column_is_one_line_not_an_internal_error(pg_url):
    """The last line of defence behind the input checks (domain/field_limits.py):
    PostgreSQL's "value too long" (SQLSTATE 22001) is bad input, exit 2, and the message
    never carries the value (it may be a patient's)."""
    from sqlalchemy import text

    from ar_cli.domain.errors import InputError
    from ar_cli.services.schema_admin import init_ledger

    init_ledger(resolve_location(pg_url))
    ledger = Ledger(resolve_location(pg_url)).open()
    try:
        with pytest.raises(InputError) as caught, ledger.write() as session:
            session.execute(text("UPDATE audit_head SET last_hash = :v"), {"v": "SECRET" * 20})
        assert str(caught.value).endswith("a value is longer than the ledger allows; nothing was changed")
        assert "SECRET" not in str(caught.value) and caught.value.exit_code == 2
    finally:
        ledger.dispose()

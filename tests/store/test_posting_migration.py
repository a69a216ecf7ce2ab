"""Revision 0010_posting moves a real ledger's entries into postings and their narrow
entries without changing a fact: the sample practice (its charges, its ERAs, payments
by hand) written at revision 0009 by the code of that revision (from git), its reports
dumped by that code; upgraded; dumped again by this code: aging, exports, claim lists,
claims shown and denials byte-identical, `audit verify` clean. Then a downgrade to 0009
and an upgrade again keep every entry's id, row hash and value. On SQLite and
PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine

from ar_cli.store import schema
from ar_cli.store.location import resolve_location
from conftest import REPO

# The last commit at revision 0009 (before 0010_posting).
BEFORE = "4ba0831"
SAMPLE = REPO / "sample_data"
AS_OF = "2026-06-30"
REPORTS = [
    ("aging", "--as-of", AS_OF, "--format", "csv"),
    ("aging", "--as-of", AS_OF, "--format", "json"),
    ("aging", "--as-of", "2026-06-10", "--format", "csv"),
    ("claims", "list", "--format", "csv"),
    ("denials", "list", "--as-of", AS_OF, "--format", "csv"),
    ("queue", "--as-of", AS_OF, "--format", "csv"),
    ("unapplied", "list", "--format", "csv"),
]
EXPORTS = ("ledger", "claims", "remittances", "denials")


@pytest.fixture(scope="module")
def old_code(tmp_path_factory) -> Path:
    """This repository at BEFORE, unpacked (skipped where git or the commit is missing)."""
    try:
        tar = subprocess.run(["git", "-C", str(REPO), "archive", BEFORE], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"git archive {BEFORE} is not available here")
    folder = tmp_path_factory.mktemp("before_0010")
    with tarfile.open(fileobj=BytesIO(tar)) as archive:
        archive.extractall(folder, filter="data")
    return folder


def _run(code: Path, db: str, *args: str) -> tuple[int, str]:
    """ar-cli of the code in `code` (a subprocess), against `db`: (exit code, stdout)."""
    env = {**os.environ, "PYTHONPATH": str(code), "COLUMNS": "200", "TZ": "UTC"}
    done = subprocess.run(
        [sys.executable, "-c", "from ar_cli.cli.main import run; run()", "--db", db, "--user", "tester", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=code,
    )
    return done.returncode, done.stdout


def _query(db: str, sql: str) -> list[tuple]:
    if "://" not in db:
        with sqlite3.connect(db) as conn:
            return conn.execute(sql).fetchall()
    with psycopg.connect(db.replace("postgresql+psycopg", "postgresql")) as conn:
        return conn.execute(sql).fetchall()


def _dump(code: Path, db: str, out: Path) -> dict[str, str]:
    """What the code in `code` reports of the ledger (exports written into `out`)."""
    found = {}
    for args in REPORTS:
        found[" ".join(args)] = _run(code, db, *args)
    numbers = [n for (n,) in _query(db, "SELECT claim_number FROM claim ORDER BY id")]
    for number in numbers[:6] + numbers[-6:]:
        found[f"claims show {number}"] = _run(code, db, "claims", "show", number, "--format", "json")
    out.mkdir(parents=True, exist_ok=True)
    for kind in EXPORTS:
        target = out / f"{kind}.csv"
        code_ = _run(code, db, "export", kind, "--from", "2026-01-01", "--to", "2026-12-31", "--output", str(target))
        assert code_[0] == 0, code_
        found[f"export {kind}"] = (0, target.read_text(encoding="utf-8"))
    return found


def _entries(db: str) -> list[tuple]:
    return [
        tuple(str(v) for v in row)
        for row in _query(
            db,
            "SELECT id, claim_id, line_id, responsibility, kind, amount, posting_date, effective_date, payer_id, "
            "adjustment_group, reason_code, remark_codes, source_file_id, source_ref, remittance_id, reverses_id, "
            "transfer_group, audit_event_id, created_by, row_hash FROM ledger_entry ORDER BY id",
        )
    ]


def _migrate(db: str, target: str, *, down: bool) -> None:
    from alembic import command
    from alembic.config import Config

    engine = create_engine(resolve_location(db).url)
    try:
        with engine.begin() as conn:
            cfg = Config()
            cfg.set_main_option("script_location", schema.script_location())
            cfg.attributes["connection"] = conn
            (command.downgrade if down else command.upgrade)(cfg, target)
            assert schema.current_revision(conn) == target
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def blank_db(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "ledger.sqlite")
    return request.getfixturevalue("pg_url")


def test_a_ledger_at_0009_upgrades_to_the_same_facts_and_round_trips(blank_db, old_code, tmp_path):
    db = blank_db
    # The sample practice at 0009, written by that revision's code.
    assert _run(old_code, db, "db", "init")[0] == 0
    assert _run(old_code, db, "claims", "import", str(SAMPLE / "claims.csv"), "--posting-date", AS_OF)[0] == 0
    assert _run(old_code, db, "post", "era", str(SAMPLE / "eras"), "--posting-date", AS_OF)[0] == 1
    (patient_claim,) = _query(
        db,
        "SELECT c.claim_number FROM claim c JOIN claim_balance b ON b.claim_id = c.id "
        "WHERE b.responsibility = 0 AND b.balance >= 500 ORDER BY c.id LIMIT 1",
    )[0]
    hand = ("--method", "check", "--reference", "R-1", "--date", "2026-06-20", "--posting-date", AS_OF)
    assert _run(old_code, db, "post", "payment", patient_claim, "--amount", "3.00", "--patient", *hand)[0] == 0
    assert _query(db, "SELECT version_num FROM alembic_version") == [("0009_row_encoding",)]
    before = _dump(old_code, db, tmp_path / "before")
    assert _run(old_code, db, "audit", "verify")[0] == 0
    entries = _entries(db)

    assert _run(REPO, db, "db", "upgrade")[0] == 0
    assert _query(db, "SELECT version_num FROM alembic_version") == [("0010_posting",)]
    after = _dump(REPO, db, tmp_path / "after")
    assert after == before
    assert _entries(db) == entries
    verified = _run(REPO, db, "audit", "verify")
    assert verified[0] == 0, verified[1]
    # One posting per set of shared values, each entry under one.
    assert _query(db, "SELECT count(*) FROM posting_entry WHERE posting_id IS NULL") == [(0,)]
    shared = "posting_date, effective_date, payer_id, source_file_id, remittance_id, audit_event_id, created_by"
    assert _query(db, "SELECT count(*) FROM posting") == _query(
        db, f"SELECT count(*) FROM (SELECT DISTINCT {shared} FROM ledger_entry) AS s"
    )

    # Written at 0010 (a remittance's posting with its prefix), then down to 0009 and up again.
    again = ("--method", "check", "--reference", "R-2", *hand[4:])
    assert _run(REPO, db, "post", "payment", patient_claim, "--amount", "1.00", "--patient", *again)[0] == 0
    count = len(entries)
    entries = _entries(db)
    assert len(entries) > count
    _migrate(db, "0009_row_encoding", down=True)
    assert _entries(db) == entries
    _migrate(db, "0010_posting", down=False)
    assert _entries(db) == entries

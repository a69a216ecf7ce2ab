"""Helpers the tests import (`from support import …`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class Cli:
    """Runs ar-cli in-process through Typer's runner against one ledger."""

    def __init__(self, db: str) -> None:
        from typer.testing import CliRunner

        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        from ar_cli.cli.main import app

        return self.runner.invoke(app, ["--db", self.db, "--user", "tester", *args], input=input)


def write_csv(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


CLAIMS_HEADER = (
    "claim_number,patient_account,patient_name,patient_dob,payer_id,payer_name,service_date,"
    "billed_date,procedure_code,modifiers,units,charge,member_id,secondary_payer_id,"
    "secondary_payer_name,secondary_member_id,line_control_number"
)


def files_that_are_not_ledgers(tmp_path: Path) -> tuple[Path, list[Path]]:
    """Paths a read-only opener must not vouch for (store/read_only.py): a file that
    does not exist (returned first, and left missing), then text, a folder and an
    empty SQLite file."""
    missing = tmp_path / "none.sqlite"
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database\n" * 100)
    blank = tmp_path / "blank.sqlite"
    sqlite3.connect(blank).close()
    return missing, [text, tmp_path, blank]


def set_schema_revision(db: str, revision: str) -> None:
    """Mark the SQLite ledger at `db` as being at `revision` (a ledger off this code's head)."""
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    con.close()

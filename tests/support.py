"""Helpers the tests import (`from support import …`)."""

from __future__ import annotations

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


CLAIMS_HEADER = ("claim_number,patient_account,patient_name,patient_dob,payer_id,payer_name,service_date,"
                 "billed_date,procedure_code,modifiers,units,charge,member_id,secondary_payer_id,"
                 "secondary_payer_name,secondary_member_id,line_control_number")

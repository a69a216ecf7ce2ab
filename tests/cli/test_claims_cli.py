"""`ar-cli claims …` through Typer's runner (both databases) and as a real subprocess."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import CLAIMS_HEADER, write_csv

GOOD = 'C1,A1,"DOE, JANE",1950-02-03,MCR01,Medicare Part B,2026-05-01,2026-05-03,99213,25,1,145.00,1EG4,,,,C1-1'
SELF = 'C2,A2,"ROE, RICH",1980-07-09,,,2026-05-10,2026-05-12,99214,,1,210.50,,,,,'


def _ledger_unchanged(cli) -> None:
    listed = cli("claims", "list", "--format", "json")
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout)["claims"] == []


def test_import_then_list_and_show(cli, tmp_path):
    result = cli(
        "claims",
        "import",
        str(write_csv(tmp_path / "c.csv", CLAIMS_HEADER, GOOD, SELF)),
        "--posting-date",
        "2026-06-30",
    )
    assert result.exit_code == 0, result.output
    assert "new claims" in result.stdout
    listed = json.loads(cli("claims", "list", "--format", "json").stdout)
    assert [
        (c["claim_number"], c["charge"], c["insurance_balance"], c["patient_balance"], c["payer"])
        for c in listed["claims"]
    ] == [("C1", 145.0, 145.0, 0.0, "MCR01"), ("C2", 210.5, 0.0, 210.5, "self-pay")]
    assert listed["totals"]["charge"] == 355.5
    assert listed["claims"][0]["patient_name"] == "D***, J***"  # masked when not on a terminal
    shown = json.loads(cli("claims", "show", "C1", "--format", "json", "--include-phi").stdout)
    assert shown["claim"][0]["patient_name"] == "DOE, JANE"
    assert [e["kind"] for e in shown["entries"]] == ["charge"]
    assert shown["balances"] == [{"owed_by": "primary", "balance": 145.0}]


def test_list_filters_and_csv_output_file(cli, tmp_path):
    cli("claims", "import", str(write_csv(tmp_path / "c.csv", CLAIMS_HEADER, GOOD, SELF)))
    out = tmp_path / "claims.csv"
    result = cli("claims", "list", "--payer", "MCR01", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0].startswith("claim_number,patient_account,patient_name")
    assert lines[1].startswith('C1,A1,"D***, J***",MCR01,2026-05-01,2026-05-03,145.00,145.00,0.00,billed')
    assert len(lines) == 2
    assert cli("claims", "list", "--from", "2026-05-05", "--format", "csv").stdout.count("\n") == 2


@pytest.mark.parametrize(
    "rows,message",
    [
        ((GOOD.replace("2026-05-01", "05/01/2026"),), "line 2: service_date: is not a date (YYYY-MM-DD)"),
        ((GOOD.replace("145.00", "-5.00"),), "line 2: charge: '-5.00' is negative"),
        ((GOOD.replace("145.00", "lots"),), "line 2: charge: 'lots' is not an amount"),
        (
            (GOOD, GOOD.replace("C1-1", "C1-2").replace("MCR01,Medicare Part B", "ACME,Acme")),
            "line 3: payer_id: claim C1: differs from line 2 of the same claim (payer_id, payer_name)",
        ),
    ],
)
def test_bad_rows_exit_2_naming_file_line_and_column(cli, tmp_path, rows, message):
    path = write_csv(tmp_path / "bad.csv", CLAIMS_HEADER, *rows)
    result = cli("claims", "import", str(path))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {path}: {message}"
    assert "Traceback" not in result.output
    _ledger_unchanged(cli)


def test_every_bad_row_is_named(sqlite_cli, tmp_path):
    rows = [GOOD.replace("C1,", f"C{i},").replace("145.00", "x") for i in range(3)]
    result = sqlite_cli("claims", "import", str(write_csv(tmp_path / "bad.csv", CLAIMS_HEADER, *rows)))
    assert result.exit_code == 2
    assert [line.split(": ")[2] for line in result.stderr.strip().splitlines()] == ["line 2", "line 3", "line 4"]


@pytest.mark.parametrize(
    "content,message",
    [
        (None, "no such file"),
        ("", "the file is empty"),
        ("claim_number,charge\nC1,10.00\n", "line 1: header is missing column(s): patient_account, patient_name"),
        (CLAIMS_HEADER + "\n", "has a header but no rows"),
    ],
)
def test_bad_files_exit_2(sqlite_cli, tmp_path, content, message):
    path = tmp_path / "in.csv"
    if content is not None:
        path.write_text(content)
    result = sqlite_cli("claims", "import", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: {message}")
    assert not Path(sqlite_cli.db).exists()  # a refused file makes no new ledger


def test_not_utf8_is_refused(sqlite_cli, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((CLAIMS_HEADER + "\n" + GOOD.replace("JANE", "JOSÉ") + "\n").encode("latin-1"))
    result = sqlite_cli("claims", "import", str(path))
    assert result.exit_code == 2
    assert "not UTF-8 text" in result.stderr


def test_conflict_exits_1_and_is_listed_then_resolved(cli, tmp_path):
    cli("claims", "import", str(write_csv(tmp_path / "a.csv", CLAIMS_HEADER, GOOD)))
    result = cli(
        "claims", "import", str(write_csv(tmp_path / "b.csv", CLAIMS_HEADER, GOOD.replace("145.00", "150.00")))
    )
    assert result.exit_code == 1
    listed = json.loads(cli("exceptions", "list", "--format", "json").stdout)["exceptions"]
    assert [(e["kind"], e["claim_number"], e["amount"]) for e in listed] == [("line_conflict", "C1", 5.0)]
    assert cli("exceptions", "resolve", listed[0]["id"], "--accept").exit_code == 2  # a note is required
    done = cli("exceptions", "resolve", listed[0]["id"], "--accept", "--note", "fee corrected")
    assert done.exit_code == 0, done.output
    balances = json.loads(cli("claims", "show", "C1", "--format", "json").stdout)["balances"]
    assert balances == [{"owed_by": "primary", "balance": 150.0}]


def test_show_unknown_claim_is_exit_2(sqlite_cli):
    assert sqlite_cli("db", "init").exit_code == 0
    result = sqlite_cli("claims", "show", "NOPE")
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: claim 'NOPE' is not in the ledger"


def test_closed_period_refuses_the_posting_date(sqlite_cli, sqlite_url, tmp_path):
    import sqlite3

    sqlite_cli("db", "init")
    with sqlite3.connect(sqlite_url) as conn:
        conn.execute(
            "INSERT INTO closed_period (period, closed_at, closed_by, reopened_by, reopen_reason) "
            "VALUES ('2026-05', '2026-06-01 00:00:00', 'x', '', '')"
        )
    result = sqlite_cli(
        "claims", "import", str(write_csv(tmp_path / "c.csv", CLAIMS_HEADER, GOOD)), "--posting-date", "2026-05-31"
    )
    assert result.exit_code == 2
    assert "period 2026-05 is closed" in result.stderr


def test_installed_console_script_runs_as_a_subprocess(tmp_path):
    exe = shutil.which("ar-cli", path=str(Path(sys.executable).parent)) or shutil.which("ar-cli")
    assert exe, "ar-cli console script is not installed"
    csv_path = write_csv(tmp_path / "c.csv", CLAIMS_HEADER, GOOD)
    env = {**os.environ, "AR_DB": str(tmp_path / "l.sqlite"), "AR_USER": "cron"}
    done = subprocess.run(
        [exe, "claims", "import", str(csv_path)], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "\x1b[" not in done.stdout  # no ANSI colour when not on a terminal
    listed = subprocess.run(
        [exe, "claims", "list", "--format", "csv"], capture_output=True, text=True, env=env, timeout=120
    )
    assert listed.stdout.splitlines()[1].startswith("C1,A1,")
    bad = subprocess.run(
        [exe, "claims", "import", str(tmp_path / "missing.csv")], capture_output=True, text=True, env=env, timeout=120
    )
    assert bad.returncode == 2
    assert bad.stderr == f"error: {tmp_path / 'missing.csv'}: no such file\n"

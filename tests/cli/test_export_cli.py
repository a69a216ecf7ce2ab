"""`ar-cli export`: what it prints, and bad input (exit 2, one line, nothing written,
nothing recorded)."""

import json

import pytest

from conftest import REPO

SAMPLE = REPO / "sample_data"


@pytest.fixture
def claims_cli(cli):
    assert cli("claims", "import", str(SAMPLE / "claims.csv"), "--posting-date", "2026-06-30").exit_code == 0
    return cli


def _audit_rows(cli) -> int:
    result = cli("audit", "verify")
    assert result.exit_code == 0, result.output
    return int(result.stdout.split(" audit events")[0].split()[-1])


def test_export_prints_the_file_its_rows_and_hash(claims_cli, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = claims_cli("export", "ledger", "--from", "2026-06-01", "--to", "2026-06-30", "--output", str(out))
    assert result.exit_code == 0, result.output
    first, second = result.stdout.splitlines()
    target = out / "ledger_2026-06-01_2026-06-30.csv"
    manifest = json.loads((out / (target.name + ".manifest.json")).read_text())
    assert first == (f"{target}: 626 ledger rows (amount 76029.00), PHI masked; sha256 {manifest['sha256']}")
    assert second.startswith(f"{target}.manifest.json: manifest (audit event ")
    workbook = claims_cli(
        "export", "claims", "--from", "2026-06-01", "--to", "2026-06-30", "--output", str(out / "claims.xlsx")
    )
    assert workbook.exit_code == 0 and (out / "claims.xlsx").read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    "args,message",
    [
        (
            ["nope", "--from", "2026-06-01", "--to", "2026-06-30", "--output", "{out}"],
            "error: export: 'nope' is not something to export (choose ledger, claims, remittances, denials, audit)\n",
        ),
        (
            ["ledger", "--from", "2026-07-01", "--to", "2026-06-30", "--output", "{out}"],
            "error: --from 2026-07-01 is after --to 2026-06-30\n",
        ),
        (
            ["ledger", "--from", "2026-06-31", "--to", "2026-06-30", "--output", "{out}"],
            "error: --from: '2026-06-31' is not a date (YYYY-MM-DD)\n",
        ),
        (
            ["ledger", "--to", "2026-06-30", "--output", "{out}"],
            "error: export: give the posting dates with --from YYYY-MM-DD and --to YYYY-MM-DD\n",
        ),
        (
            ["ledger", "--from", "2026-06-01", "--to", "2026-06-30", "--output", "{out}/missing/l.csv"],
            "error: --output {out}/missing/l.csv: folder {out}/missing does not exist\n",
        ),
        (
            ["ledger", "--from", "2026-06-01", "--to", "2026-06-30"],
            "error: --output: give the file (or a folder) to write the export to\n",
        ),
        (
            ["ledger", "--from", "2026-06-01", "--to", "2026-06-30", "--format", "pdf", "--output", "{out}"],
            "error: --format: 'pdf' is not an export format (choose csv or xlsx)\n",
        ),
        (
            ["ledger", "--from", "2026-06-01", "--to", "2026-06-30", "--format", "xlsx", "--bom", "--output", "{out}"],
            "error: --bom applies to CSV only (a workbook has no byte-order mark)\n",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(claims_cli, tmp_path, args, message):
    out = tmp_path / "out"
    out.mkdir()
    before = _audit_rows(claims_cli)
    result = claims_cli("export", *[a.replace("{out}", str(out)) for a in args])
    assert result.exit_code == 2
    assert result.stderr == message.replace("{out}", str(out))
    assert list(out.iterdir()) == []
    assert _audit_rows(claims_cli) == before

"""`ar-cli aging`, `aging snapshot` and `aging trend` through Typer's runner (both
databases) and as a real subprocess."""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REPO
from support import CLAIMS_HEADER, write_csv

ROWS = [
    'C1,A1,"DOE, JANE",1950-02-03,MCR01,Medicare Part B,2026-06-10,2026-06-12,99213,,1,145.00,M1,,,,C1-1',
    'C2,A2,"ROE, RICH",1980-07-09,ACM01,Acme Health Plan,2026-03-01,2026-03-03,99214,,1,210.50,X2,,,,C2-1',
    'C3,A3,"POE, ED",1975-01-01,,,2026-04-15,2026-04-16,99203,,1,80.00,,,,,C3-1',
]


@pytest.fixture
def loaded(cli, tmp_path):
    done = cli(
        "claims", "import", str(write_csv(tmp_path / "c.csv", CLAIMS_HEADER, *ROWS)), "--posting-date", "2026-06-30"
    )
    assert done.exit_code == 0, done.output
    return cli


def test_json_by_payer_with_totals(loaded):
    result = loaded("aging", "--as-of", "2026-06-30", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert [(r["kind"], r["payer"], r["total"]) for r in body["aging"]] == [
        ("payer", "ACM01", 210.5),
        ("payer", "MCR01", 145.0),
        ("patient", "Patient", 80.0),
    ]
    acme = body["aging"][0]
    assert (acme["days_121_plus"], acme["days_121_plus_count"], acme["over_90_share"]) == (210.5, 1, 1.0)
    assert body["totals"]["kind"] == "total" and body["totals"]["total"] == 435.5
    assert body["totals"]["share"] == 1.0 and body["totals"]["credits"] == 0.0


def test_table_on_screen(loaded):
    result = loaded("aging", "--as-of", "2026-06-30")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Aging by payer as of 2026-06-30" in out and "121+" in out and "Patient" in out
    assert "$435.50" in out and "AR over 90 days: $210.50 of $435.50 (48.3%)" in out


def test_patient_names_are_masked_in_files_unless_asked(loaded, tmp_path):
    piped = json.loads(loaded("aging", "--as-of", "2026-06-30", "--by", "patient", "--format", "json").stdout)
    assert [r["patient_name"] for r in piped["aging"]] == ["D***, J***", "R***, R***", "P***, E***"]
    shown = json.loads(
        loaded("aging", "--as-of", "2026-06-30", "--by", "claim", "--format", "json", "--include-phi").stdout
    )
    assert [r["patient_name"] for r in shown["aging"]] == ["DOE, JANE", "ROE, RICH", "POE, ED"]
    out = tmp_path / "aging.csv"
    assert loaded("aging", "--as-of", "2026-06-30", "--by", "patient", "--output", str(out)).exit_code == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("kind,patient_account,patient_name,days_0_30,days_0_30_count,")
    assert lines[1].startswith('patient,A1,"D***, J***",145.00,1,')
    assert lines[-1].startswith("total,Total,,145.00,1,") and len(lines) == 5
    assert oct(out.stat().st_mode & 0o777) == "0o644"


def test_xlsx_workbook(loaded, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "aging.xlsx"
    result = loaded("aging", "--as-of", "2026-06-30", "--by", "claim", "--output", str(out))
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in row])) for row in sheet.iter_rows(min_row=2)]
    assert [r["claim_number"] for r in rows] == ["C1", "C2", "C3", "Total"]
    assert rows[0]["patient_name"] == "D***, J***" and rows[1]["days_121_plus"] == 210.5
    assert sheet.cell(row=2, column=header.index("total") + 1).number_format == "#,##0.00"
    phi = tmp_path / "phi.xlsx"
    assert (
        loaded(
            "aging",
            "--as-of",
            "2026-06-30",
            "--by",
            "patient",
            "--format",
            "xlsx",
            "--output",
            str(phi),
            "--include-phi",
        ).exit_code
        == 0
    )
    assert load_workbook(phi).active["C2"].value == "DOE, JANE"
    assert oct(phi.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    "args,message",
    [
        (("--by", "doctor"), "--by: 'doctor' is not one of payer, financial-class, patient, provider, claim"),
        (("--buckets", "30,90,60"), "--buckets: edges must be strictly increasing (90 is followed by 60)"),
        (("--buckets", "thirty"), "--buckets: 'thirty' is not a whole number of days (e.g. 30,60,90,120)"),
        (("--as-of", "2026-02-30"), "--as-of: '2026-02-30' is not a date (YYYY-MM-DD)"),
        (("--as-of", "yesterday"), "--as-of: 'yesterday' is not a date (YYYY-MM-DD)"),
        (("--payer", "NOPE"), "payer 'NOPE' is not in the ledger (see `ar-cli payers list`)"),
        (("--basis", "paid"), "--basis: 'paid' is not one of service, billed, responsibility, last-payment"),
        (("--responsibility", "payer"), "--responsibility: 'payer' is not one of insurance, patient, all"),
        (
            ("--financial-class", "gold"),
            "--financial-class: 'gold' is not one of medicare, medicaid, commercial, self-pay, other",
        ),
        (("--min-balance", "ten"), "--min-balance: 'ten' is not an amount"),
        (("--format", "xlsx"), "--format xlsx writes a workbook: give --output FILE.xlsx"),
        (("--as-of", "2026-06-30", "snapshot"), "--as-of: put the options after `aging snapshot`"),
        (("snapshot", "--buckets", "0"), "--buckets: the first edge must be at least 1 day, not 0"),
        (("trend", "--period", "year"), "--period: 'year' is not one of week, month"),
        (("trend", "--from", "2026-07-01", "--to", "2026-06-01"), "--from is after --to"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(loaded, args, message):
    result = loaded("aging", *args)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: {message}\n"
    assert "Traceback" not in result.output


def test_filters_and_the_team_buckets(loaded):
    body = json.loads(
        loaded(
            "aging",
            "--as-of",
            "2026-06-30",
            "--responsibility",
            "insurance",
            "--min-balance",
            "150",
            "--by",
            "claim",
            "--format",
            "json",
        ).stdout
    )
    assert [r["claim_number"] for r in body["aging"]] == ["C2"]
    assert loaded("config", "set", "aging.buckets", "60,120").exit_code == 0
    body = json.loads(loaded("aging", "--as-of", "2026-06-30", "--format", "json").stdout)
    assert [k for k in body["totals"] if k.startswith("days_") and not k.endswith("_count")] == [
        "days_0_60",
        "days_61_120",
        "days_121_plus",
    ]


def test_snapshot_then_trend(loaded, tmp_path):
    for day in ("2026-06-30", "2026-07-31", "2026-07-31"):
        done = loaded("aging", "snapshot", "--as-of", day)
        assert done.exit_code == 0, done.output
    assert done.stdout.startswith("aging snapshot 2026-07-31: $435.50 in buckets 30,60,90,120 across 2 payer(s)")
    assert "replaced the earlier snapshot of that date" in done.stdout
    table = loaded("aging", "trend")
    assert table.exit_code == 0, table.output
    assert "Aging trend by month" in table.stdout and "Open AR by bucket" in table.stdout
    assert "2026-07   " in table.stdout and "█ 0-30" in table.stdout
    body = json.loads(loaded("aging", "trend", "--format", "json").stdout)
    assert [(p["period"], p["as_of"], p["total"], p["change"]) for p in body["trend"]] == [
        ("2026-06", "2026-06-30", 435.5, None),
        ("2026-07", "2026-07-31", 435.5, 0.0),
    ]
    out = tmp_path / "trend.csv"
    assert loaded("aging", "trend", "--period", "week", "--payer", "ACM01", "--output", str(out)).exit_code == 0
    assert out.read_text().splitlines()[1].startswith("2026-W27,2026-06-30,0.00,0.00,0.00,0.00,210.50,210.50,")


def test_sample_practice_ties_to_the_ledger_after_posting_remittances(cli):
    """The real sample practice: charges, then every ERA (payments, write-offs, transfers)."""
    assert (
        cli("claims", "import", str(REPO / "sample_data" / "claims.csv"), "--posting-date", "2026-06-30").exit_code == 0
    )
    posted = cli("post", "era", str(REPO / "sample_data" / "eras"), "--posting-date", "2026-06-30")
    assert posted.exit_code in (0, 1), posted.output
    from sqlalchemy import func, select

    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location
    from ar_cli.store.tables import ClaimBalanceRow

    ledger = Ledger(resolve_location(cli.db)).open()
    with ledger.read() as session:
        owed = int(session.execute(select(func.sum(ClaimBalanceRow.balance))).scalar_one())
    ledger.dispose()
    for by in ("payer", "financial-class", "patient", "provider", "claim"):
        totals = json.loads(cli("aging", "--as-of", "2026-06-30", "--by", by, "--format", "json").stdout)["totals"]
        assert Decimal(str(totals["total"])) + Decimal(str(totals["credits"])) == Decimal(owed) / 100, by


def test_aging_as_a_real_process(tmp_path):
    db = tmp_path / "ledger.sqlite"
    exe = str(Path(sys.executable).parent / "ar-cli")
    env = {**os.environ, "COLUMNS": "120"}
    subprocess.run(
        [
            exe,
            "--db",
            str(db),
            "claims",
            "import",
            str(write_csv(tmp_path / "c.csv", CLAIMS_HEADER, *ROWS)),
            "--posting-date",
            "2026-06-30",
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    done = subprocess.run(
        [exe, "--db", str(db), "aging", "--as-of", "2026-06-30"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "\x1b[" not in done.stdout  # no colour when not on a terminal
    assert "│ Total" in done.stdout and "AR over 90 days" in done.stdout
    bad = subprocess.run([exe, "--db", str(db), "aging", "--by", "doctor"], capture_output=True, text=True, env=env)
    assert (bad.returncode, bad.stderr) == (
        2,
        "error: --by: 'doctor' is not one of payer, financial-class, patient, provider, claim\n",
    )

"""Issue #13 item 3: a payment by hand on `--line` (post payment, a row of post batch)
is limited by what that responsibility holds on the line, as an ERA line is; over it,
one line and nothing changes (a batch names the row, as for any bad row)."""

import json

import pytest

from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries
from support import CLAIMS_HEADER, write_csv

# Claim C3: line 1 charges 20.00, line 2 charges 400.00, both to ACME1 (no secondary).
LINE_1 = 'C3,A3,"DOE, JANE",1950-02-03,ACME1,Acme Health Plan,2026-05-01,2026-05-03,99213,,1,20.00,AC1,,,,C3-1'
LINE_2 = 'C3,A3,"DOE, JANE",1950-02-03,ACME1,Acme Health Plan,2026-05-01,2026-05-03,93000,,1,400.00,AC1,,,,C3-2'
PAY = (
    "post",
    "payment",
    "C3",
    "--payer",
    "ACME1",
    "--method",
    "check",
    "--reference",
    "777",
    "--date",
    "2026-06-20",
    "--posting-date",
    "2026-06-30",
)
BATCH_HEADER = "claim_number,amount,payer,method,reference,date,line,adjustments"


@pytest.fixture
def claim(cli, tmp_path):
    result = cli(
        "claims",
        "import",
        str(write_csv(tmp_path / "c.csv", CLAIMS_HEADER, LINE_1, LINE_2)),
        "--posting-date",
        "2026-06-30",
    )
    assert result.exit_code == 0, result.output
    return cli


def _events(cli) -> int:
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location

    ledger = Ledger(resolve_location(cli.db)).open()
    try:
        with ledger.read() as session:
            assert_balances_equal_entries(session)
            return assert_audit_chain_intact(session)
    finally:
        ledger.dispose()


def _balances(cli) -> list:
    return json.loads(cli("claims", "show", "C3", "--format", "json").stdout)["balances"]


def test_post_payment_over_the_line_is_refused(claim):
    before = _events(claim)
    result = claim(*PAY, "--amount", "300.00", "--line", "1")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "error: claim C3 line 1: payment 300.00 + adjustments 0.00 = 300.00 is more than the primary holds on "
        "that line (20.00); nothing posted"
    ]
    over = claim(*PAY, "--amount", "15.00", "--adjust", "CO-45=5.01", "--line", "1")
    assert over.exit_code == 2 and "= 20.01 is more than the primary holds on that line (20.00)" in over.stderr
    assert _events(claim) == before
    exact = claim(*PAY, "--amount", "15.00", "--adjust", "CO-45=5.00", "--line", "1")
    assert exact.exit_code == 0, exact.output
    assert _balances(claim) == [{"owed_by": "primary", "balance": 400.0}]


def test_the_issue_case_a_deposit_row_larger_than_its_line(claim, tmp_path):
    """$300 on the $20 line used to leave it at −$280 and refuse the correct payment of
    line 2 afterwards; now the row is named and nothing posts."""
    before = _events(claim)
    path = write_csv(tmp_path / "deposit.csv", BATCH_HEADER, "C3,300.00,ACME1,check,D1,2026-06-20,1,")
    result = claim("post", "batch", str(path), "--deposit-total", "300.00", "--posting-date", "2026-06-30")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"error: {path}: line 2: claim C3 line 1: payment 300.00 + adjustments 0.00 = 300.00 is more than the "
        "primary holds on that line (20.00); nothing posted"
    ]
    assert _events(claim) == before
    # The money belongs to line 2: posted there, it is taken.
    right = write_csv(tmp_path / "right.csv", BATCH_HEADER, "C3,300.00,ACME1,check,D1,2026-06-20,2,")
    assert claim("post", "batch", str(right), "--deposit-total", "300.00").exit_code == 0
    assert _balances(claim) == [{"owed_by": "primary", "balance": 120.0}]


def test_rows_of_one_batch_on_one_line_add_up(claim, tmp_path):
    before = _events(claim)
    path = write_csv(
        tmp_path / "deposit.csv",
        BATCH_HEADER,
        "C3,15.00,ACME1,check,D1,2026-06-20,1,",
        "C3,100.00,ACME1,check,D2,2026-06-20,2,",
        "C3,10.00,ACME1,eft,E9,2026-06-21,1,",
    )
    result = claim("post", "batch", str(path), "--deposit-total", "125.00", "--posting-date", "2026-06-30")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"error: {path}: line 4: claim C3 line 1: payment 10.00 + adjustments 0.00 = 10.00 is more than the "
        "primary holds on that line (5.00); nothing posted"
    ]
    assert _events(claim) == before


def test_a_patient_payment_on_a_line_is_limited_by_the_patient_share_there(claim):
    moved = claim(*PAY, "--amount", "10.00", "--adjust", "PR-2=10.00", "--line", "1")
    assert moved.exit_code == 0, moved.output
    moved = claim(*PAY, "--amount", "300.00", "--adjust", "PR-2=30.00", "--line", "2")
    assert moved.exit_code == 0, moved.output
    before = _events(claim)
    patient = [
        "post",
        "payment",
        "C3",
        "--patient",
        "--method",
        "cash",
        "--reference",
        "R1",
        "--date",
        "2026-06-22",
        "--posting-date",
        "2026-06-30",
    ]
    result = claim(*patient, "--amount", "10.01", "--line", "1")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: claim C3 line 1: payment 10.01 + adjustments 0.00 = 10.01 is more than the patient holds on "
        "that line (10.00); nothing posted"
    ]
    other = claim(*patient, "--amount", "30.50", "--line", "2")
    assert other.exit_code == 2 and "the patient holds on that line (30.00)" in other.stderr
    assert _events(claim) == before
    assert claim(*patient, "--amount", "10.00", "--line", "1").exit_code == 0

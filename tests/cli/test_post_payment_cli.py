"""`ar-cli post payment` and `ar-cli post batch`: output, exit codes, messages."""

import pytest

from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries
from support import CLAIMS_HEADER, write_csv

ROW_1 = 'C1,A1,"DOE, JANE",1950-02-03,MCR01,Medicare Part B,2026-05-01,2026-05-03,99213,25,1,145.00,1EG4,MGAP1,Medigap G,MG9,C1-1'
ROW_3 = 'C2,A2,"ROE, RICH",1980-07-09,ACME1,Acme Health Plan,2026-05-10,2026-05-12,99214,,1,210.50,AC5,,,,'
PAY = (
    "post",
    "payment",
    "C1",
    "--payer",
    "MCR01",
    "--method",
    "check",
    "--reference",
    "12345",
    "--date",
    "2026-06-20",
    "--posting-date",
    "2026-06-30",
)


@pytest.fixture
def claims(cli, tmp_path):
    result = cli(
        "claims",
        "import",
        str(write_csv(tmp_path / "c.csv", CLAIMS_HEADER, ROW_1, ROW_3)),
        "--posting-date",
        "2026-06-30",
    )
    assert result.exit_code == 0, result.output
    return cli


def _check(cli):
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location

    ledger = Ledger(resolve_location(cli.db)).open()
    try:
        with ledger.read() as session:
            assert_balances_equal_entries(session)
            return assert_audit_chain_intact(session)
    finally:
        ledger.dispose()


def test_payment_then_repeat(claims):
    result = claims(*PAY, "--amount", "90.00", "--adjust", "CO-45=30.00", "--adjust", "PR-2=25.00")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "claim C1: check 12345 from MCR01: paid 90.00 on the primary; written down 30.00; "
        "moved 25.00 to the secondary\n"
    )
    events = _check(claims)
    again = claims(*PAY, "--amount", "90.00")
    assert again.exit_code == 0 and "already posted; skipped" in again.stdout
    assert _check(claims) == events


@pytest.mark.parametrize(
    "args,message",
    [
        (("--amount", "4x"), "error: --amount: '4x' is not an amount"),
        (("--amount", "-4"), "error: --amount: '-4' is negative"),
        (
            ("--amount", "40", "--adjust", "CO45"),
            "error: --adjust: 'CO45' is not an adjustment like CO-45=12.50 (group CO, OA, PI or PR)",
        ),
        (("--amount", "40", "--line", "3"), "error: claim C1 has no line 3 (its lines: 1)"),
        (
            ("--amount", "400"),
            "error: claim C1: payment 400.00 + adjustments 0.00 = 400.00 is more than the primary owes (145.00); "
            "nothing posted",
        ),
    ],
)
def test_bad_payment_is_exit_2_and_changes_nothing(claims, args, message):
    events = _check(claims)
    result = claims(*PAY, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == message
    assert _check(claims) == events


def test_bad_options(claims):
    base = ["post", "payment", "C1", "--amount", "1", "--method", "check", "--reference", "1", "--date", "2026-06-20"]
    both = claims(*base, "--payer", "MCR01", "--patient")
    assert both.exit_code == 2 and both.stderr.strip() == "error: give exactly one of --payer PAYER or --patient"
    method = claims(*[("wire" if a == "check" else a) for a in base], "--patient")
    assert method.stderr.strip() == "error: --method: 'wire' is not one of check, eft, card, cash"
    day = claims(*[("2026-02-30" if a == "2026-06-20" else a) for a in base], "--patient")
    assert day.exit_code == 2 and day.stderr.strip() == "error: --date: '2026-02-30' is not a date (YYYY-MM-DD)"
    other = claims(*base, "--payer", "ACME1")
    assert other.stderr.strip() == "error: payer ACME1 is not a coverage on claim C1 (its coverages: MCR01, MGAP1)"


def test_batch(claims, tmp_path):
    path = write_csv(
        tmp_path / "deposit.csv",
        "claim_number,amount,payer,method,reference,date,adjustments",
        "C1,90.00,MCR01,check,555,2026-06-20,CO-45=30.00;PR-2=25.00",
        "C2,150.00,ACME1,eft,TRN9,2026-06-21,CO-45=40.50;PR-2=20.00",
        "C2,20.00,,cash,RCPT-7,2026-06-22,",
    )
    wrong = claims("post", "batch", str(path), "--deposit-total", "250.00", "--posting-date", "2026-06-30")
    assert wrong.exit_code == 2
    assert wrong.stderr.strip() == (
        f"error: {path}: the rows add up to 260.00, the deposit total is 250.00 (difference 10.00); nothing posted"
    )
    result = claims("post", "batch", str(path), "--deposit-total", "260.00", "--posting-date", "2026-06-30")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "deposit.csv: 3 rows, deposit 260.00: 3 posted, 0 already posted "
        "(skipped); paid 260.00, written down 70.50, moved 45.00"
    )
    _check(claims)
    again = claims("post", "batch", str(path), "--deposit-total", "260.00", "--posting-date", "2026-06-30")
    assert again.exit_code == 0 and "0 posted, 3 already posted (skipped)" in again.stdout
    _check(claims)


def test_batch_bad_rows(claims, tmp_path):
    path = write_csv(
        tmp_path / "deposit.csv",
        "claim_number,amount,payer,method,reference,date",
        "C1,1.00,MCR01,check,555,2026-06-20",
        "C1,x,MCR01,check,555,2026-06-20",
    )
    events = _check(claims)
    result = claims("post", "batch", str(path), "--deposit-total", "1.00")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {path}: line 3: amount: 'x' is not an amount"
    assert _check(claims) == events

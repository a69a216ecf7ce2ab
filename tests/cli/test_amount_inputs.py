"""Issue #13 item 1: every way an amount enters (post payment's --amount and --adjust,
--deposit-total, a batch cell, a charge-file cell, an 835 element) reads it by the one
grammar (domain/money.py). Each loose or huge amount is refused with one line, exit 2,
and the ledger is as before: no audit event, no entry, no claim."""

import pytest

from conftest import FIXTURES
from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries
from support import CLAIMS_HEADER, write_csv

ROW = 'C1,A1,"DOE, JANE",1950-02-03,MCR01,Medicare Part B,2026-05-01,2026-05-03,99213,,1,145.00,1EG4,,,,C1-1'
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
HUGE = "99999999999999999999"
# (text, the end of the one line that refuses it)
LOOSE = [
    ("12,5", "'12,5' has a comma that is not a thousands separator (write 1,250.00 or 1250.00)"),
    ("1,00", "'1,00' has a comma that is not a thousands separator (write 1,250.00 or 1250.00)"),
    ("1e2", "'1e2' is not an amount"),
    ("1_00", "'1_00' is not an amount"),
    ("\u0661\u0660\u0660", "'\u0661\u0660\u0660' is not an amount (digits 0-9 only)"),
    ("\uff11\uff10\uff10", "'\uff11\uff10\uff10' is not an amount (digits 0-9 only)"),
    (HUGE, f"'{HUGE}' is more than the largest amount accepted ($10,000,000,000.00)"),
]


def _state(cli) -> tuple[int, int, int]:
    """(audit events, ledger entries, claims): what must not move when input is refused."""
    from sqlalchemy import func, select

    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location
    from ar_cli.store.tables import ClaimRow, LedgerEntryRow

    ledger = Ledger(resolve_location(cli.db)).open()
    try:
        with ledger.read() as session:
            assert_balances_equal_entries(session)
            events = assert_audit_chain_intact(session)
            entries = session.execute(select(func.count()).select_from(LedgerEntryRow)).scalar_one()
            claims = session.execute(select(func.count()).select_from(ClaimRow)).scalar_one()
            return events, entries, claims
    finally:
        ledger.dispose()


def _refused(result, line: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [line]
    assert "Traceback" not in result.output


@pytest.fixture
def claimed(cli, tmp_path):
    result = cli(
        "claims", "import", str(write_csv(tmp_path / "c.csv", CLAIMS_HEADER, ROW)), "--posting-date", "2026-06-30"
    )
    assert result.exit_code == 0, result.output
    return cli


@pytest.mark.parametrize("text,said", LOOSE)
def test_post_payment_amount_and_adjustment(claimed, text, said):
    before = _state(claimed)
    _refused(claimed(*PAY, "--amount", text), f"error: --amount: {said}")
    _refused(
        claimed(*PAY, "--amount", "10.00", "--adjust", f"CO-45={text}"),
        f"error: --adjust: 'CO-45={text}': the amount {said}",
    )
    assert _state(claimed) == before


@pytest.mark.parametrize("text,said", LOOSE)
def test_post_batch_cell_and_deposit_total(claimed, tmp_path, text, said):
    before = _state(claimed)
    path = write_csv(
        tmp_path / "deposit.csv",
        "claim_number,amount,payer,method,reference,date",
        f'C1,"{text}",MCR01,check,555,2026-06-20',
    )
    _refused(
        claimed("post", "batch", str(path), "--deposit-total", "1.00", "--posting-date", "2026-06-30"),
        f"error: {path}: line 2: amount: {said}",
    )
    _refused(
        claimed("post", "batch", str(path), "--deposit-total", text, "--posting-date", "2026-06-30"),
        f"error: --deposit-total: {said}",
    )
    assert _state(claimed) == before


def test_a_batch_cell_with_a_decimal_comma_is_not_ten_times_the_money(claimed, tmp_path):
    """The issue's case: a cell "2,5" posted $25.00."""
    before = _state(claimed)
    path = write_csv(
        tmp_path / "deposit.csv",
        "claim_number,amount,payer,method,reference,date",
        'C1,"2,5",MCR01,check,555,2026-06-20',
    )
    _refused(
        claimed("post", "batch", str(path), "--deposit-total", "25.00"),
        f"error: {path}: line 2: amount: '2,5' has a comma that is not a thousands separator "
        "(write 1,250.00 or 1250.00)",
    )
    assert _state(claimed) == before


@pytest.mark.parametrize(
    "text,said", [*LOOSE, ("1e3", "'1e3' is not an amount"), ("1_000", "'1_000' is not an amount")]
)
def test_claims_import_charge(cli, tmp_path, text, said):
    before = _state(cli)
    path = write_csv(tmp_path / "c.csv", CLAIMS_HEADER, ROW.replace("145.00", f'"{text}"'))
    _refused(cli("claims", "import", str(path)), f"error: {path}: line 2: charge: {said}")
    assert _state(cli) == before == (0, 0, 0)


def test_a_thousands_separator_in_a_charge_file_is_read(cli, tmp_path):
    path = write_csv(tmp_path / "c.csv", CLAIMS_HEADER, ROW.replace("145.00", '"1,250.00"'))
    assert cli("claims", "import", str(path)).exit_code == 0
    assert _state(cli)[1:] == (1, 1)


@pytest.mark.parametrize(
    "old,new,said",
    [
        (
            "CLP*CLM3001*1*100.00",
            f"CLP*CLM3001*1*{HUGE}",
            f"segment 10: CLP03: '{HUGE}' is more than the largest amount accepted ($10,000,000,000.00)",
        ),
        (
            "SVC*HC:99213*100.00*80.00",
            f"SVC*HC:99213*100.00*{HUGE}",
            f"segment 12: SVC03: '{HUGE}' is more than the largest amount accepted ($10,000,000,000.00)",
        ),
        ("CAS*PR*1*20.00", "CAS*PR*1*1e3", "segment 14: CAS03: the value is not an amount"),
        ("BPR*C*80.00", "BPR*C*80,00", "segment 4: BPR02: '80,00' is not an amount"),
        ("BPR*C*80.00", "BPR*C*80.000", "segment 4: BPR02: '80.000' has more than two decimals"),
        ("CLP*CLM3001*1*100.00", "CLP*CLM3001*1*\u0661\u0660\u0660", "segment 10: CLP03: the value is not an amount"),
    ],
)
def test_post_era(cli, tmp_path, old, new, said):
    text = (FIXTURES / "x12" / "one-line.835").read_text()
    assert old in text
    path = tmp_path / "bad.835"
    path.write_text(text.replace(old, new))
    assert cli("claims", "import", str(write_csv(tmp_path / "c.csv", CLAIMS_HEADER, ROW))).exit_code == 0
    before = _state(cli)
    _refused(cli("post", "era", str(path), "--posting-date", "2026-06-30"), f"error: bad.835: {said}")
    assert _state(cli) == before

"""A batch of claim payments written early: a reversal of a payment earlier in the same
remittance writes the rows before it first (its original must be in the ledger to pair
with). The open-balance summary must file the balances as those rows left them, not as
the reversal (planned, not written yet) will. SQLite and PostgreSQL."""

from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.era.files import post_era_file
from ar_cli.store import balance_summary
from conftest import POSTING
from denial_eras import claim, claims_csv, era, line
from ledger_checks import assert_balances_equal_entries


def test_a_payment_reversed_in_the_same_remittance_leaves_the_summary_exact(ledger, actor, tmp_path):
    import_claims(ledger, claims_csv(tmp_path), actor=actor, posting_date=POSTING)
    paid = claim("D3", "1", 15000, 15000, "ICN-D3", "MC333", [line("99213", 15000, 15000, "D3-1")])
    undo = claim("D3", "22", -15000, -15000, "ICN-D3", "MC333", [line("99213", -15000, -15000, "D3-1")])
    result = post_era_file(
        ledger,
        era(tmp_path / "same.835", "MCR01", "M2", "20260601", paid, undo),
        actor=actor,
        posting_date=POSTING,
        dry_run=False,
        force=False,
        create_claims=False,
    )
    (remittance,) = result.remittances
    assert (remittance.status, remittance.reversed, remittance.exception_ids) == ("posted", 1, [])
    with ledger.read() as session:
        assert_balances_equal_entries(session)
        assert balance_summary.drift(session) == []

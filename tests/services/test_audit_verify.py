"""`audit verify`'s checks on the sample practice: clean as posted, and each kind of
tampering (an audit row, a ledger entry, a deleted event, a row written around the
chain, unapplied money) caught with its id — on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import select, text

from ar_cli.reports.audit.verify import verify_ledger
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.era.files import post_era_files
from ar_cli.store.tables import ClaimRow, LedgerEntryRow, UnappliedEntryRow
from conftest import POSTING, REPO

SAMPLE = REPO / "sample_data"


@pytest.fixture
def sample(ledger, actor):
    import_claims(ledger, SAMPLE / "claims.csv", actor=actor, posting_date=POSTING)
    post_era_files(ledger, [SAMPLE / "eras"], actor=actor, posting_date=POSTING)
    return ledger


def _tamper(ledger, sql: str, **params) -> None:
    with ledger.engine.begin() as conn:
        conn.execute(text(sql), params)


def _found(ledger) -> list[tuple[str, str]]:
    return [(f.check, f.ref) for f in verify_ledger(ledger).findings]


def test_sample_practice_is_clean(sample):
    result = verify_ledger(sample)
    assert result.clean, result.findings
    assert result.events == 7 and result.remittances == 8
    assert result.balances > 300 and result.entries > 2000


def test_an_edited_audit_row_is_caught_at_its_id(sample):
    _tamper(sample, "UPDATE audit_event SET actor = 'mallory' WHERE id = 2")
    assert _found(sample) == [("chain", "event 2")]


def test_an_edited_event_hash_breaks_the_next_link_and_the_head(sample):
    _tamper(sample, "UPDATE audit_event SET hash = :h WHERE id = 7", h="f" * 64)
    assert _found(sample) == [("chain", "event 7"), ("chain", "audit head")]


def test_a_deleted_event_is_a_gap_and_its_rows_are_unaudited(sample):
    with sample.read() as session:
        stamped = (
            session.execute(
                select(LedgerEntryRow.id).where(LedgerEntryRow.audit_event_id == 3).order_by(LedgerEntryRow.id)
            )
            .scalars()
            .all()
        )
        held = (
            session.execute(select(UnappliedEntryRow.id).where(UnappliedEntryRow.audit_event_id == 3)).scalars().all()
        )
    _tamper(sample, "DELETE FROM audit_event WHERE id = 3")
    findings = verify_ledger(sample).findings
    assert [(f.check, f.ref) for f in findings] == [
        ("chain", "event 4"),
        ("chain", "event 4"),
        ("chain", "event 3"),
        ("unaudited", "event 3"),
    ]
    assert findings[0].message == "event 3 missing from the chain"
    assert findings[2].message == "has a manifest but is not in the chain (the event was removed)"
    assert findings[3].message == (
        f"{len(stamped)} ledger entries (ids {stamped[0]}-{stamped[-1]}) and "
        f"{len(held)} unapplied entry (id {held[0]}) name this event, "
        "which is not in the chain"
    )


def test_an_edited_ledger_entry_is_caught_by_its_claims_balance(sample):
    with sample.read() as session:
        entry_id, number = session.execute(
            select(LedgerEntryRow.id, ClaimRow.claim_number)
            .join(ClaimRow, ClaimRow.id == LedgerEntryRow.claim_id)
            .where(LedgerEntryRow.kind == "charge")
            .order_by(LedgerEntryRow.id)
            .limit(1)
        ).one()
    _tamper(sample, "UPDATE posting_entry SET amount = amount + 100 WHERE id = :i", i=entry_id)
    result = verify_ledger(sample)
    assert [(f.check, f.ref) for f in result.findings] == [
        ("rows", f"ledger_entry {entry_id}"),
        ("balance", f"claim {number} primary"),
    ]
    assert "but the entries sum to" in result.findings[1].message


def test_an_edited_payment_and_balance_together_still_break_the_remittance(sample):
    """Changing an ERA payment and its cached balance alike keeps the balances whole,
    but the remittance no longer ties to the money in the bank."""
    with sample.read() as session:
        entry = session.execute(
            select(LedgerEntryRow)
            .where(LedgerEntryRow.kind == "payment", LedgerEntryRow.remittance_id.is_not(None))
            .order_by(LedgerEntryRow.id)
            .limit(1)
        ).scalar_one()
    _tamper(sample, "UPDATE posting_entry SET amount = amount - 500 WHERE id = :i", i=entry.id)
    _tamper(
        sample,
        "UPDATE claim_balance SET balance = balance - 500 WHERE claim_id = :c AND responsibility = :r",
        c=entry.claim_id,
        r=entry.responsibility,
    )
    found = _found(sample)
    # The balance edited around the code no longer agrees with aging's summary either.
    assert [check for check, _ in found] == ["rows", "summary", "remittance"]
    assert found[0][1] == f"ledger_entry {entry.id}"
    assert found[2][1].startswith(f"remittance {entry.remittance_id} ")


def test_an_entry_written_around_the_chain_is_unaudited(sample):
    with sample.read() as session:
        entry = session.execute(select(LedgerEntryRow).order_by(LedgerEntryRow.id).limit(1)).scalar_one()
    _tamper(
        sample,
        "INSERT INTO posting (id, posting_date, effective_date, source_ref, created_by) VALUES "
        "((SELECT min(id) - 1 FROM posting), :d, :d, '', 'mallory')",
        d=POSTING,
    )
    _tamper(
        sample,
        "INSERT INTO posting_entry (posting_id, claim_id, responsibility, kind, amount, "
        "adjustment_group, reason_code, remark_codes, source_ref) VALUES "
        "((SELECT min(id) FROM posting), :c, :r, 'writeoff', -100, '', '', '', '')",
        c=entry.claim_id,
        r=entry.responsibility,
    )
    _tamper(
        sample,
        "UPDATE claim_balance SET balance = balance - 100 WHERE claim_id = :c AND responsibility = :r",
        c=entry.claim_id,
        r=entry.responsibility,
    )
    found = _found(sample)
    assert [check for check, _ in found] == ["rows", "unaudited", "summary"] and found[1][1].startswith("ledger entry ")
    assert found[0][1] == found[1][1].replace("ledger entry ", "ledger_entry ")
    assert found[1][1] != f"ledger entry {entry.id}"


def test_unapplied_money_taken_out_twice_is_caught(sample):
    with sample.read() as session:
        applied = session.execute(select(UnappliedEntryRow).where(UnappliedEntryRow.reason == "applied")).scalar_one()
    _tamper(sample, "UPDATE unapplied_entry SET amount = amount * 2 WHERE id = :i", i=applied.id)
    found = _found(sample)
    assert ("unapplied", f"unapplied entry {applied.id}") in found  # differs from its claim payment
    assert ("unapplied", f"unapplied entry {applied.applies_id}") in found  # more out than was held
    assert any(check == "remittance" for check, _ in found)

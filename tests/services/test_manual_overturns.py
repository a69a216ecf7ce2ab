"""A paper EOB posted by hand (`post payment --payer`, `post batch`) overturns its payer's
denials exactly as an ERA payment does (services/denials/overturns.py): the same payer,
more than zero on the denied line (or anything, for a claim-level denial); never a
patient's payment, never another payer's. Against real SQLite and PostgreSQL ledgers."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from ar_cli.domain.posting.manual_payment import Adjustment
from ar_cli.reports.posting import describe
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.era.files import post_era_file
from ar_cli.services.posting.batch import post_batch
from ar_cli.services.posting.manual import ManualPayment, post_payment
from ar_cli.store.tables import AuditEventRow, ClaimRow, DenialRow
from conftest import POSTING
from denial_eras import claim, claims_csv, era, line
from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries
from support import write_csv

PAID_ON = date(2026, 6, 12)


@pytest.fixture
def denied(ledger, actor, tmp_path):
    """Acme, 2026-05-10: D1 line 1 paid (PR-1 moved to Second Choice), line 2 denied CO-97;
    D2 denied whole CO-197 on its line. Medicare, 2026-05-20: D3 denied CO-16 at claim level."""
    import_claims(ledger, claims_csv(tmp_path), actor=actor, posting_date=POSTING)
    for path in (
        era(
            tmp_path / "e1.835",
            "ACME1",
            "T1",
            "20260510",
            claim(
                "D1",
                "1",
                12500,
                6000,
                "PCN-D1-A",
                "AC111",
                [
                    line("99213", 10000, 6000, "D1-1", ("CO", "45", 2000), ("PR", "1", 2000)),
                    line("36415", 2500, 0, "D1-2", ("CO", "97", 2500)),
                ],
                pr=2000,
            ),
            claim("D2", "4", 20000, 0, "PCN-D2-A", "AC222", [line("99214", 20000, 0, "D2-1", ("CO", "197", 20000))]),
        ),
        era(
            tmp_path / "m1.835",
            "MCR01",
            "M1",
            "20260520",
            claim("D3", "4", 15000, 0, "ICN-D3", "MC333", [], cas=(("CO", "16", 15000),)),
        ),
    ):
        post_era_file(ledger, path, actor=actor, posting_date=POSTING, dry_run=False, force=False, create_claims=False)
    return ledger


def _denial(ledger, number, carc):
    with ledger.read() as session:
        return session.execute(
            select(DenialRow)
            .join(ClaimRow, ClaimRow.id == DenialRow.claim_id)
            .where(ClaimRow.claim_number == number, DenialRow.reason_code == carc)
        ).scalar_one()


def _status(ledger, number):
    with ledger.read() as session:
        return session.execute(select(ClaimRow.status).where(ClaimRow.claim_number == number)).scalar_one()


def _pay(ledger, actor, claim_number, payer, amount, *, line=None, adjustments=(), reference="PAPER-1"):
    return post_payment(
        ledger,
        ManualPayment(
            claim_number=claim_number,
            amount=amount,
            payer=payer,
            method="check",
            reference=reference,
            paid_on=PAID_ON,
            line=line,
            adjustments=tuple(adjustments),
        ),
        actor=actor,
        posting_date=POSTING,
    )


def _clean(ledger):
    with ledger.read() as session:
        assert_balances_equal_entries(session)
        assert_audit_chain_intact(session)


def test_the_denials_payer_paying_the_line_by_paper_eob_overturns_it(denied, actor):
    assert (_denial(denied, "D2", "197").status, _status(denied, "D2")) == ("open", "denied")
    result = _pay(
        denied, actor, "D2", "ACME1", 12000, line=1, adjustments=[Adjustment(group="CO", carc="45", amount=8000)]
    )
    d2 = _denial(denied, "D2", "197")
    assert (d2.status, d2.resolution, d2.overturned_amount, d2.resolved_on) == ("overturned", "paid", 12000, PAID_ON)
    assert result.overturned == [d2.id] and result.recovered == 12000
    assert describe(result) == (
        "claim D2: check PAPER-1 from ACME1: paid 120.00 on the primary; written down 80.00; "
        "overturned 1 denial of ACME1 (recovered 120.00)"
    )
    assert _status(denied, "D2") == "closed"
    with denied.read() as session:
        event = session.execute(select(AuditEventRow).order_by(AuditEventRow.id.desc())).scalars().first()
        assert event.action == "post.payment" and json.loads(event.details)["overturned_denials"] == [d2.id]
    _clean(denied)


def test_a_partial_payment_overturns_for_what_it_paid(denied, actor):
    _pay(denied, actor, "D1", "ACME1", 1000, line=2)
    d1 = _denial(denied, "D1", "97")
    assert (d1.status, d1.overturned_amount) == ("overturned", 1000)
    _clean(denied)


def test_a_claim_level_denial_is_overturned_by_any_payment_of_its_payer(denied, actor):
    assert _status(denied, "D3") == "denied"
    result = _pay(denied, actor, "D3", "MCR01", 5000)
    d3 = _denial(denied, "D3", "16")
    assert (d3.status, d3.overturned_amount, d3.resolved_on) == ("overturned", 5000, PAID_ON)
    assert result.overturned == [d3.id]
    assert _status(denied, "D3") == "partially_paid"
    _clean(denied)


def test_a_claim_level_payment_leaves_a_line_denial_open(denied, actor):
    """As for an ERA: a line's denial is overturned by a payment on that line (--line)."""
    result = _pay(denied, actor, "D2", "ACME1", 5000)
    assert result.overturned == [] and "overturned" not in describe(result)
    assert _denial(denied, "D2", "197").status == "open"
    _clean(denied)


def _secondary_holds_at_claim_level(ledger, actor, cents):
    """Acme moves `cents` of D1 to Second Choice at claim level (an EOB of adjustments
    only: no overturn), so the secondary may pay that much on any line of D1: a payment
    by hand on a line is limited by what its payer holds there (issue #13 item 3)."""
    _pay(
        ledger,
        actor,
        "D1",
        "ACME1",
        0,
        adjustments=[Adjustment(group="PR", carc="2", amount=cents)],
        reference="ACME-PR",
    )


def test_a_patient_payment_or_another_payers_never_overturns(denied, actor):
    _secondary_holds_at_claim_level(denied, actor, 1500)
    # The secondary pays on Acme's denied line and moves 5.00 to the patient ...
    other = _pay(denied, actor, "D1", "SECO2", 1000, line=2, adjustments=[Adjustment(group="PR", carc="2", amount=500)])
    assert other.overturned == []
    assert (_denial(denied, "D1", "97").status, _denial(denied, "D1", "97").overturned_amount) == ("open", 0)
    # ... and the patient pays that on the same line.
    patient = post_payment(
        denied,
        ManualPayment(
            claim_number="D1", amount=500, payer=None, method="cash", reference="R-1", paid_on=PAID_ON, line=2
        ),
        actor=actor,
        posting_date=POSTING,
    )
    assert patient.overturned == []
    assert (_denial(denied, "D1", "97").status, _denial(denied, "D1", "97").overturned_amount) == ("open", 0)
    _clean(denied)


def test_an_adjustments_only_eob_overturns_nothing(denied, actor):
    _pay(denied, actor, "D2", "ACME1", 0, line=1, adjustments=[Adjustment(group="CO", carc="45", amount=8000)])
    assert _denial(denied, "D2", "197").status == "open"
    _clean(denied)


def test_a_batch_row_overturns_and_a_later_row_finds_it_done(denied, actor, tmp_path):
    batch = write_csv(
        tmp_path / "deposit.csv",
        "claim_number,amount,payer,method,reference,date,line",
        "D2,50.00,ACME1,check,CHK-9,2026-06-12,1",
        "D2,30.00,ACME1,check,CHK-9,2026-06-13,1",
        "D1,5.00,SECO2,check,SC-4,2026-06-12,2",
    )
    _secondary_holds_at_claim_level(denied, actor, 500)
    result = post_batch(denied, batch, deposit_total=8500, actor=actor, posting_date=POSTING)
    d2 = _denial(denied, "D2", "197")
    # The first row overturned it; paid, it waits for nothing more (as after an ERA).
    assert (d2.status, d2.resolution, d2.overturned_amount, d2.resolved_on) == ("overturned", "paid", 5000, PAID_ON)
    assert [p.overturned for p in result.payments] == [[d2.id], [], []]
    assert result.overturned == 1
    assert _denial(denied, "D1", "97").status == "open"  # another payer's row
    with denied.read() as session:
        event = session.execute(select(AuditEventRow).order_by(AuditEventRow.id.desc())).scalars().first()
        assert event.action == "post.batch" and json.loads(event.details)["overturned_denials"] == [d2.id]
    _clean(denied)

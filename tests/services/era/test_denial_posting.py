"""Denials on posting: one per denial adjustment, its appeal deadline, overturned only by
the same payer's later payment, superseded when the payment that opened it is reversed.
Against real SQLite and PostgreSQL ledgers, with hand-written 835s."""

from datetime import date

import pytest
from sqlalchemy import select

from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.era.files import post_era_file
from ar_cli.store.tables import ClaimPaymentRow, ClaimRow, DenialRow, ExceptionRow, LedgerEntryRow
from conftest import POSTING
from denial_eras import claim, claims_csv, era, line
from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries


@pytest.fixture
def practice(ledger, actor, tmp_path):
    import_claims(ledger, claims_csv(tmp_path), actor=actor, posting_date=POSTING)
    return ledger


def post(ledger, actor, path):
    return post_era_file(
        ledger, path, actor=actor, posting_date=POSTING, dry_run=False, force=False, create_claims=False
    )


def first_era(tmp_path):
    """Acme, 2026-05-10: D1 line 1 paid with a PR-1 share moved to Second Choice, line 2
    denied CO-97 (bundling); D2 denied whole CO-197 (authorization, status 4)."""
    return era(
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
    )


def denials(ledger):
    with ledger.read() as session:
        return {(r.claim_id, r.reason_code): r for r in session.execute(select(DenialRow)).scalars()}


def claim_id(ledger, number):
    with ledger.read() as session:
        return session.execute(select(ClaimRow.id).where(ClaimRow.claim_number == number)).scalar_one()


def test_denials_open_with_their_payment_and_appeal_deadline(practice, actor, tmp_path):
    post(practice, actor, first_era(tmp_path))
    found = denials(practice)
    d1, d2 = claim_id(practice, "D1"), claim_id(practice, "D2")
    assert sorted((k[1], r.category, r.amount, r.status, r.level) for k, r in found.items()) == [
        ("197", "authorization", 20000, "open", 0),
        ("97", "bundling", 2500, "open", 0),
    ]
    # Acme is not Medicare: 180 days from BPR16.
    assert {r.appeal_deadline for r in found.values()} == {date(2026, 11, 6)}
    with practice.read() as session:
        payments = {p.id: p for p in session.execute(select(ClaimPaymentRow)).scalars()}
        assert {p.payer_claim_number for p in payments.values()} == {"PCN-D1-A", "PCN-D2-A"}
        assert payments[found[(d1, "97")].claim_payment_id].claim_number == "D1"
        assert payments[found[(d2, "197")].claim_payment_id].status_code == "4"
        assert session.get(ClaimRow, d2).status == "denied"


def test_medicare_denial_deadline_is_120_days_plus_5_from_bpr16(practice, actor, tmp_path):
    post(
        practice,
        actor,
        era(
            tmp_path / "m.835",
            "MCR01",
            "M1",
            "20260601",
            claim("D3", "1", 15000, 0, "ICN-D3", "MC333", [line("99213", 15000, 0, "D3-1", ("CO", "50", 15000))]),
        ),
    )
    (denial,) = denials(practice).values()
    assert (denial.category, denial.appeal_deadline) == ("medical_necessity", date(2026, 10, 4))


def test_a_later_payment_by_the_same_payer_overturns_for_the_amount_paid(practice, actor, tmp_path):
    post(practice, actor, first_era(tmp_path))
    post(
        practice,
        actor,
        era(
            tmp_path / "e2.835",
            "ACME1",
            "T2",
            "20260610",
            claim(
                "D2", "1", 20000, 12000, "PCN-D2-B", "AC222", [line("99214", 20000, 12000, "D2-1", ("CO", "45", 8000))]
            ),
        ),
    )
    d2 = denials(practice)[(claim_id(practice, "D2"), "197")]
    assert (d2.status, d2.resolution, d2.overturned_amount, d2.resolved_on) == (
        "overturned",
        "paid",
        12000,
        date(2026, 6, 10),
    )
    # The bundling denial on D1 was not paid: still open.
    assert denials(practice)[(claim_id(practice, "D1"), "97")].status == "open"
    with practice.read() as session:
        assert session.get(ClaimRow, claim_id(practice, "D2")).status == "closed"
        assert_balances_equal_entries(session)
        assert_audit_chain_intact(session)


def test_another_payer_paying_the_line_does_not_overturn(practice, actor, tmp_path):
    post(practice, actor, first_era(tmp_path))
    # Second Choice pays 10.00 on the denied line 2 (its OA-23 says the rest was the
    # prior payer's): not Acme, so Acme's denial stays open.
    post(
        practice,
        actor,
        era(
            tmp_path / "s.835",
            "SECO2",
            "S1",
            "20260601",
            claim("D1", "2", 2500, 1000, "SC-D1", "SC111", [line("36415", 2500, 1000, "D1-2", ("OA", "23", 1500))]),
        ),
    )
    denial = denials(practice)[(claim_id(practice, "D1"), "97")]
    assert (denial.status, denial.overturned_amount) == ("open", 0)


def test_a_reversal_supersedes_the_denials_of_the_payment_it_reverses(practice, actor, tmp_path):
    post(practice, actor, first_era(tmp_path))
    # Acme reverses its D1 payment and sends a correction paying line 2 too.
    post(
        practice,
        actor,
        era(
            tmp_path / "e3.835",
            "ACME1",
            "T3",
            "20260620",
            claim(
                "D1",
                "22",
                -12500,
                -6000,
                "PCN-D1-A",
                "AC111",
                [
                    line("99213", -10000, -6000, "D1-1", ("CO", "45", -2000), ("PR", "1", -2000)),
                    line("36415", -2500, 0, "D1-2", ("CO", "97", -2500)),
                ],
                pr=-2000,
            ),
            claim(
                "D1",
                "1",
                12500,
                8500,
                "PCN-D1-B",
                "AC111",
                [
                    line("99213", 10000, 6000, "D1-1", ("CO", "45", 2000), ("PR", "1", 2000)),
                    line("36415", 2500, 2500, "D1-2"),
                ],
                pr=2000,
            ),
        ),
    )
    denial = denials(practice)[(claim_id(practice, "D1"), "97")]
    # Superseded by the reversal, so the correction's payment does not overturn it.
    assert (denial.status, denial.resolution, denial.overturned_amount) == ("superseded", "reversed", 0)
    with practice.read() as session:
        rows = session.execute(select(ClaimPaymentRow).order_by(ClaimPaymentRow.id)).scalars().all()
        original = next(p for p in rows if p.payer_claim_number == "PCN-D1-A" and p.status_code == "1")
        reversal = next(p for p in rows if p.status_code == "22")
        assert reversal.reverses_id == original.id
        # Each entry of the reversal points at the original entry it negates.
        undone = session.execute(select(LedgerEntryRow).where(LedgerEntryRow.reverses_id.is_not(None))).scalars().all()
        assert sorted(e.kind for e in undone) == ["contractual", "payment", "transfer", "transfer"]
        for entry in undone:
            assert session.get(LedgerEntryRow, entry.reverses_id).amount == -entry.amount
        assert session.execute(select(ExceptionRow.kind)).scalars().all() == []
        assert_balances_equal_entries(session)
        assert_audit_chain_intact(session)


def test_a_reversal_earlier_in_the_same_file_is_paired(practice, actor, tmp_path):
    payment = claim("D3", "1", 15000, 0, "ICN-D3", "MC333", [line("99213", 15000, 0, "D3-1", ("CO", "50", 15000))])
    undo = claim("D3", "22", -15000, 0, "ICN-D3", "MC333", [line("99213", -15000, 0, "D3-1", ("CO", "50", -15000))])
    post(practice, actor, era(tmp_path / "same.835", "MCR01", "M2", "20260601", payment, undo))
    (denial,) = denials(practice).values()
    assert denial.status == "superseded"
    with practice.read() as session:
        assert session.execute(select(ExceptionRow.kind)).scalars().all() == []


def test_a_reversal_that_differs_from_its_original_is_an_exception(practice, actor, tmp_path):
    post(practice, actor, first_era(tmp_path))
    result = post(
        practice,
        actor,
        era(
            tmp_path / "e4.835",
            "ACME1",
            "T4",
            "20260620",
            claim("D2", "22", -20000, 0, "PCN-D2-A", "AC222", [line("99214", -20000, 0, "D2-1", ("CO", "16", -20000))]),
        ),
    )
    assert result.needs_attention
    with practice.read() as session:
        (held,) = session.execute(select(ExceptionRow)).scalars().all()
        assert (held.kind, held.claim_number) == ("reversal_differs", "D2")
    # It is still the reversal of that payment: the denial is superseded.
    assert denials(practice)[(claim_id(practice, "D2"), "197")].status == "superseded"


def test_a_reversal_with_no_original_is_an_exception_and_posts(practice, actor, tmp_path):
    post(
        practice,
        actor,
        era(
            tmp_path / "e5.835",
            "ACME1",
            "T5",
            "20260620",
            claim(
                "D2", "22", -20000, 0, "NOT-THERE", "AC222", [line("99214", -20000, 0, "D2-1", ("CO", "45", -20000))]
            ),
        ),
    )
    with practice.read() as session:
        assert session.execute(select(ExceptionRow.kind)).scalars().all() == ["reversal_unpaired"]
        assert session.execute(select(ClaimPaymentRow.reverses_id)).scalars().all() == [None]


def test_sample_practice_reversal_pairs_with_the_earlier_file(ledger, actor):
    """05_medicare reverses CLM100157's payment from 01_medicare (CLP07 1126098886050)
    and corrects it in the same file."""
    from ar_cli.services.era.files import post_era_files
    from conftest import REPO

    import_claims(ledger, REPO / "sample_data" / "claims.csv", actor=actor, posting_date=POSTING)
    post_era_files(ledger, [REPO / "sample_data" / "eras"], actor=actor, posting_date=POSTING)
    with ledger.read() as session:
        (reversal,) = (
            session.execute(select(ClaimPaymentRow).where(ClaimPaymentRow.status_code == "22")).scalars().all()
        )
        original = session.get(ClaimPaymentRow, reversal.reverses_id)
        assert (original.claim_number, original.payer_claim_number, original.paid) == (
            "CLM100157",
            "1126098886050",
            4475,
        )
        assert reversal.paid == -original.paid
        kinds = session.execute(select(ExceptionRow.kind)).scalars().all()
        assert "reversal_differs" not in kinds and "reversal_unpaired" not in kinds
        linked = session.execute(select(LedgerEntryRow).where(LedgerEntryRow.reverses_id.is_not(None))).scalars().all()
        assert linked and all(session.get(LedgerEntryRow, e.reverses_id).amount == -e.amount for e in linked)

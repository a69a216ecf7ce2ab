"""Posting 835 remittances: the sample practice end to end, the shared public files,
bad input — against real SQLite and PostgreSQL ledgers."""

from collections import defaultdict

import pytest
from sqlalchemy import func, select

from ar_cli.domain.errors import InputError
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.era.files import post_era_file, post_era_files
from ar_cli.store.claims_repo import balances_of, get_claim
from ar_cli.store.tables import (
    DenialRow,
    ExceptionRow,
    FollowUpRow,
    LedgerEntryRow,
    RemittanceRow,
    UnappliedEntryRow,
)
from conftest import POSTING, REPO
from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries

SAMPLE = REPO / "sample_data"


def _sample_ledger(ledger, actor):
    import_claims(ledger, SAMPLE / "claims.csv", actor=actor, posting_date=POSTING)
    return post_era_files(ledger, [SAMPLE / "eras"], actor=actor, posting_date=POSTING)


def _ties_to_bpr02(session) -> None:
    """Per remittance: claim payments + unapplied = BPR02. Interest is money in the bank
    too: its closing entry (interest_income) moves it to income, not out of the bank."""
    paid = defaultdict(int)
    for rid, amount in session.execute(
        select(LedgerEntryRow.remittance_id, LedgerEntryRow.amount).where(LedgerEntryRow.kind == "payment")
    ):
        paid[rid] -= amount
    held = defaultdict(int)
    for rid, amount, reason in session.execute(
        select(UnappliedEntryRow.remittance_id, UnappliedEntryRow.amount, UnappliedEntryRow.reason)
    ):
        if reason != "interest_income":
            held[rid] += amount
    for rem in session.execute(select(RemittanceRow).where(RemittanceRow.status == "posted")).scalars():
        assert paid[rem.id] + held[rem.id] == rem.amount, f"remittance {rem.trace_number} does not tie"


def test_sample_practice_posts_and_ties(ledger, actor):
    results = _sample_ledger(ledger, actor)
    statuses = [r.status for f in results for r in f.remittances]
    assert statuses == ["posted"] * 8
    exceptions = [e for f in results for r in f.remittances for e in r.exception_ids]
    assert len(exceptions) == 1
    with ledger.read() as session:
        held = session.get(ExceptionRow, exceptions[0])
        assert (held.kind, held.claim_number, held.amount) == ("unmatched_claim", "CLM200417", 16210)
        open_unapplied = session.execute(
            select(UnappliedEntryRow.reason, func.sum(UnappliedEntryRow.amount)).group_by(UnappliedEntryRow.reason)
        ).all()
        assert dict(open_unapplied) == {
            "unmatched_claim": 16210,
            "plb_interest": 480,
            "interest_income": -480,
            "plb_recoupment": -5403,
            "applied": 5403,
        }
        _ties_to_bpr02(session)
        assert_balances_equal_entries(session)
        assert_audit_chain_intact(session)
        # The recoupment named CLM100147: Medicare is owed 54.03 on it again.
        assert balances_of(session, get_claim(session, "CLM100147").id).get(1) == 5403
        # A denial for CO-197 on the full denial, bundling denials on 36415 lines.
        denials = session.execute(select(DenialRow.reason_code, DenialRow.category)).all()
        assert ("197", "authorization") in denials and ("97", "bundling") in denials
        assert session.execute(select(func.count()).select_from(FollowUpRow)).scalar_one() >= 30  # crossovers


def test_posting_again_is_skipped(ledger, actor):
    _sample_ledger(ledger, actor)
    with ledger.read() as session:
        before = session.execute(select(func.count()).select_from(LedgerEntryRow)).scalar_one()
    again = post_era_files(ledger, [SAMPLE / "eras"], actor=actor, posting_date=POSTING)
    assert {r.status for f in again for r in f.remittances} == {"skipped"}
    with ledger.read() as session:
        assert session.execute(select(func.count()).select_from(LedgerEntryRow)).scalar_one() == before


def test_medicare_crossover_then_medigap_pays_the_secondary(ledger, actor):
    import_claims(ledger, SAMPLE / "claims.csv", actor=actor, posting_date=POSTING)
    post_era_file(
        ledger,
        SAMPLE / "eras" / "01_medicare_20260501.835",
        actor=actor,
        posting_date=POSTING,
        dry_run=False,
        force=False,
        create_claims=False,
    )
    with ledger.read() as session:
        crossed = [c for c in session.execute(select(FollowUpRow.claim_id)).scalars()]
        assert crossed
        moved = balances_of(session, crossed[0])
        assert moved.get(2, 0) > 0  # the patient's share waits with the secondary
    post_era_file(
        ledger,
        SAMPLE / "eras" / "03_medigap_20260529.835",
        actor=actor,
        posting_date=POSTING,
        dry_run=False,
        force=False,
        create_claims=False,
    )
    with ledger.read() as session:
        assert_balances_equal_entries(session)
        _ties_to_bpr02(session)


def test_dry_run_changes_nothing(ledger, actor):
    import_claims(ledger, SAMPLE / "claims.csv", actor=actor, posting_date=POSTING)
    result = post_era_file(
        ledger,
        SAMPLE / "eras" / "02_acme_20260515.835",
        actor=actor,
        posting_date=POSTING,
        dry_run=True,
        force=False,
        create_claims=False,
    )
    assert result.remittances[0].money_paid > 0
    with ledger.read() as session:
        assert session.execute(select(func.count()).select_from(RemittanceRow)).scalar_one() == 0
        assert (
            session.execute(
                select(func.count()).select_from(LedgerEntryRow).where(LedgerEntryRow.kind != "charge")
            ).scalar_one()
            == 0
        )


BALANCED = [
    "LinuxForHealth__x12__src__tests__resources__835_005010X221A1__managed-care.835",
    "LinuxForHealth__x12__src__tests__resources__835_005010X221A1__medicare-part-a.835",
    "LinuxForHealth__x12__src__tests__resources__835_005010X221A1__secondary-payment.835",
    "albmarin__badX12__tests__files__edi__X221-secondary-payment-with-higher-fee-schedule.edi",
    "azoner__pyx12__pyx12__tests__835_mult_loops.txt",
]
# blue_cross_nc_sample.txt balances too, but a line without SVC02/SVC03 holds its claim
# (tests/services/era/test_era_trust.py).


@pytest.mark.parametrize("name", BALANCED)
def test_balanced_shared_files_post_with_created_claims_and_tie(sqlite_url, actor, shared_x12, name):
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location

    ledger = Ledger(resolve_location(sqlite_url)).open()
    result = post_era_file(
        ledger, shared_x12 / name, actor=actor, posting_date=POSTING, dry_run=False, force=False, create_claims=True
    )
    # 835_mult_loops is BPR01 H (notification only): its denial posts, no money moves.
    assert [r.status for r in result.remittances] == ["notification" if "mult_loops" in name else "posted"]
    assert not result.needs_attention
    with ledger.read() as session:
        _ties_to_bpr02(session)
        assert_balances_equal_entries(session)
    ledger.dispose()


@pytest.mark.parametrize(
    "name,difference",
    [
        ("slott56__TigerShark__tests__835-example.txt", -21619),
        ("azoner__pyx12__test__files__835_simple.txt", 548252),
    ],
)
def test_unbalanced_shared_files_are_rejected_whole(ledger, actor, shared_x12, name, difference):
    result = post_era_file(
        ledger, shared_x12 / name, actor=actor, posting_date=POSTING, dry_run=False, force=False, create_claims=True
    )
    (rem,) = result.remittances
    assert (rem.status, rem.difference) == ("rejected", difference)
    with ledger.read() as session:
        assert (
            session.execute(
                select(func.count()).select_from(LedgerEntryRow).where(LedgerEntryRow.remittance_id.is_not(None))
            ).scalar_one()
            == 0
        )
        kinds = session.execute(select(ExceptionRow.kind)).scalars().all()
        assert kinds == ["unbalanced_remittance"]
        assert_audit_chain_intact(session)


def test_unbalanced_claim_is_parked_in_unapplied(ledger, actor, shared_x12):
    name = "CHS-CDS-AIML__edi-835-parser__tests__test_edi_835_files__test.835"
    result = post_era_file(
        ledger, shared_x12 / name, actor=actor, posting_date=POSTING, dry_run=False, force=False, create_claims=True
    )
    assert result.remittances[0].status == "posted" and result.needs_attention
    with ledger.read() as session:
        assert session.execute(select(ExceptionRow.kind)).scalars().all() == ["unbalanced_claim"]
        assert session.execute(select(func.sum(UnappliedEntryRow.amount))).scalar_one() == 150050
        _ties_to_bpr02(session)


@pytest.mark.parametrize(
    "content,message",
    [
        (b"hello, this is not an 835", "not an X12"),
        (b"ISA*00*", ""),
    ],
)
def test_bad_files_post_nothing(ledger, actor, tmp_path, content, message):
    path = tmp_path / "bad.835"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        post_era_file(ledger, path, actor=actor, posting_date=POSTING, dry_run=False, force=False, create_claims=False)
    assert str(caught.value).startswith(f"{path.name}: segment 1")
    with ledger.read() as session:
        assert session.execute(select(func.count()).select_from(RemittanceRow)).scalar_one() == 0

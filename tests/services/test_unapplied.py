"""Unapplied money: listing it and applying it to claims (both signs), and applying a
parked ERA claim payment — on the sample practice, against SQLite and PostgreSQL."""

from collections import defaultdict

import pytest
from sqlalchemy import func, select

from ar_cli.domain.errors import InputError, NotFoundError
from ar_cli.reports.unapplied import unapplied_report
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.era.files import post_era_files
from ar_cli.services.posting.unapplied import apply_exception, apply_unapplied
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.claims_repo import balances_of, get_claim
from ar_cli.store.tables import (
    AuditEventRow,
    ClaimPaymentRow,
    ExceptionRow,
    LedgerEntryRow,
    PayerRow,
    RemittanceRow,
    UnappliedEntryRow,
)
from conftest import POSTING, REPO
from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries
from support import CLAIMS_HEADER, write_csv

SAMPLE = REPO / "sample_data"


@pytest.fixture
def sample(ledger, actor):
    import_claims(ledger, SAMPLE / "claims.csv", actor=actor, posting_date=POSTING)
    post_era_files(ledger, [SAMPLE / "eras"], actor=actor, posting_date=POSTING)
    return ledger


def _held(ledger) -> tuple[int, int]:
    """(unapplied entry id, exception id) of CLM200417's parked 162.10."""
    with ledger.read() as session:
        row = session.execute(
            select(UnappliedEntryRow).where(UnappliedEntryRow.reason == "unmatched_claim")
        ).scalar_one()
        return row.id, row.exception_id


def _open(ledger, entry_id: int) -> int:
    rows = unapplied_report(ledger, payer=None, include_closed=True).rows
    return next(r["open"] for r in rows if r["id"] == str(entry_id))


def _balance(ledger, number: str, rank: int = 1) -> int:
    with ledger.read() as session:
        return balances_of(session, get_claim(session, number).id).get(rank, 0)


def _counts(ledger) -> tuple[int, int, int, list]:
    with ledger.read() as session:
        return (
            session.execute(select(func.count()).select_from(LedgerEntryRow)).scalar_one(),
            session.execute(select(func.count()).select_from(UnappliedEntryRow)).scalar_one(),
            session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one(),
            session.execute(select(ExceptionRow.id, ExceptionRow.status)).all(),
        )


def _checks(ledger) -> None:
    with ledger.read() as session:
        assert_balances_equal_entries(session)
        assert_audit_chain_intact(session)
        paid, held = defaultdict(int), defaultdict(int)
        for rid, amount in session.execute(
            select(LedgerEntryRow.remittance_id, LedgerEntryRow.amount).where(LedgerEntryRow.kind == "payment")
        ):
            paid[rid] -= amount
        for rid, amount, reason in session.execute(
            select(UnappliedEntryRow.remittance_id, UnappliedEntryRow.amount, UnappliedEntryRow.reason)
        ):
            if reason != "interest_income":
                held[rid] += amount
        for rem in session.execute(select(RemittanceRow).where(RemittanceRow.status == "posted")).scalars():
            assert paid[rem.id] + held[rem.id] == rem.amount, f"remittance {rem.trace_number} does not tie"


def test_list_shows_the_parked_payment_open_for_acme(sample):
    report = unapplied_report(sample, payer="acm01", include_closed=False)
    assert [(r["payer"], r["reason"], r["reference"], r["trace"], r["open"]) for r in report.rows] == [
        ("ACM01", "unmatched_claim", "CLM200417", "095190", 16210)
    ]
    assert report.totals["open"] == 16210
    assert unapplied_report(sample, payer=None, include_closed=False).totals["open"] == 16210
    everything = unapplied_report(sample, payer=None, include_closed=True).rows
    assert {r["reason"]: r["open"] for r in everything} == {
        "plb_interest": 0,
        "unmatched_claim": 16210,
        "plb_recoupment": 0,
    }
    with pytest.raises(NotFoundError, match="--payer: payer 'ZZZ' is not in the ledger"):
        unapplied_report(sample, payer="ZZZ", include_closed=False)


def test_apply_all_to_a_claim(sample, actor):
    entry_id, _ = _held(sample)
    before = _balance(sample, "CLM100009")
    done = apply_unapplied(sample, entry_id, claim_number="CLM100009", amount=None, actor=actor, posting_date=POSTING)
    assert (done.amount, done.rank, done.payer, done.open_after) == (16210, 1, "ACM01", 0)
    assert _balance(sample, "CLM100009") == before - 16210
    assert _open(sample, entry_id) == 0
    assert unapplied_report(sample, payer=None, include_closed=False).rows == []
    with sample.read() as session:
        link = session.execute(select(UnappliedEntryRow).where(UnappliedEntryRow.applies_id == entry_id)).scalar_one()
        entry = session.get(LedgerEntryRow, link.ledger_entry_id)
        assert (link.reason, link.amount, link.claim_id) == ("applied", -16210, entry.claim_id)
        assert (entry.kind, entry.amount, entry.responsibility) == ("payment", -16210, 1)
        assert entry.audit_event_id == link.audit_event_id
        event = session.get(AuditEventRow, entry.audit_event_id)
        assert (event.action, event.entity_key) == ("unapplied.apply", str(entry_id))
    _checks(sample)
    with pytest.raises(InputError, match=f"unapplied entry {entry_id} is already fully applied"):
        apply_unapplied(sample, entry_id, claim_number="CLM100009", amount=None, actor=actor, posting_date=POSTING)


def test_apply_in_parts(sample, actor):
    entry_id, _ = _held(sample)
    before = _balance(sample, "CLM100009")
    first = apply_unapplied(sample, entry_id, claim_number="CLM100009", amount=10000, actor=actor, posting_date=POSTING)
    assert (first.amount, first.open_after) == (10000, 6210)
    assert _open(sample, entry_id) == 6210
    with pytest.raises(
        InputError, match=f"--amount 62.11 is more than the 62.10 still open on unapplied entry {entry_id}"
    ):
        apply_unapplied(sample, entry_id, claim_number="CLM100018", amount=6211, actor=actor, posting_date=POSTING)
    rest = apply_unapplied(sample, entry_id, claim_number="CLM100018", amount=None, actor=actor, posting_date=POSTING)
    assert rest.amount == 6210 and _open(sample, entry_id) == 0
    assert _balance(sample, "CLM100009") == before - 10000
    _checks(sample)


def _recoupment(ledger, actor, amount: int) -> int:
    """A recoupment naming no claim in the ledger: negative money in Acme's unapplied."""
    with ledger.write() as session:
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        payer = session.execute(select(PayerRow.id).where(PayerRow.code == "ACM01")).scalar_one()
        entry_id = rec.insert_one(
            UnappliedEntryRow,
            {
                "payer_id": payer,
                "amount": amount,
                "reason": "plb_recoupment",
                "reference": "XYZ999",
                "posting_date": POSTING,
                "effective_date": POSTING,
                "created_by": actor.user,
            },
        )
        rec.finish(action="test.recoupment")
    return entry_id


def test_a_recoupment_makes_the_payer_owed_again(sample, actor):
    entry_id = _recoupment(sample, actor, -3000)
    assert _open(sample, entry_id) == -3000
    before = _balance(sample, "CLM100009")
    part = apply_unapplied(sample, entry_id, claim_number="CLM100009", amount=1000, actor=actor, posting_date=POSTING)
    assert (part.amount, part.open_after) == (-1000, -2000)
    assert _balance(sample, "CLM100009") == before + 1000
    with sample.read() as session:
        link = session.execute(select(UnappliedEntryRow).where(UnappliedEntryRow.applies_id == entry_id)).scalar_one()
        assert link.amount == 1000
        assert session.get(LedgerEntryRow, link.ledger_entry_id).amount == 1000
    with pytest.raises(InputError, match=r"--amount 20\.01 is more than the 20\.00 still open"):
        apply_unapplied(sample, entry_id, claim_number="CLM100009", amount=2001, actor=actor, posting_date=POSTING)
    apply_unapplied(sample, entry_id, claim_number="CLM100009", amount=None, actor=actor, posting_date=POSTING)
    assert _balance(sample, "CLM100009") == before + 3000
    assert _open(sample, entry_id) == 0
    _checks(sample)


@pytest.mark.parametrize(
    "entry,claim,amount,message",
    [
        (999, "CLM100009", None, "unapplied entry 999 does not exist"),
        (
            "held",
            "CLM100001",
            None,
            "claim CLM100001 has no coverage with payer ACM01; "
            "unapplied money from ACM01 applies only to that payer's claims",
        ),
        ("held", "NOPE", None, "claim 'NOPE' is not in the ledger"),
        ("held", "CLM100009", 0, "--amount must be more than 0 (got 0.00)"),
        ("held", "CLM100009", -500, "--amount must be more than 0 (got -5.00)"),
        ("held", "CLM100009", 16211, "--amount 162.11 is more than the 162.10 still open on unapplied entry"),
        ("interest", "CLM100001", None, "is already fully applied"),
        ("closing", "CLM100001", None, "is an interest_income entry, not money held"),
    ],
)
def test_bad_applications_change_nothing(sample, actor, entry, claim, amount, message):
    with sample.read() as session:
        ids = {r: i for r, i in session.execute(select(UnappliedEntryRow.reason, UnappliedEntryRow.id))}
    entry_id = {"held": ids["unmatched_claim"], "interest": ids["plb_interest"], "closing": ids["interest_income"]}.get(
        entry, entry
    )
    before = _counts(sample)
    with pytest.raises(InputError) as caught:
        apply_unapplied(sample, entry_id, claim_number=claim, amount=amount, actor=actor, posting_date=POSTING)
    assert message in str(caught.value)
    assert _counts(sample) == before
    _checks(sample)


def _import_missing_claim(ledger, actor, tmp_path, payer="ACM01,Acme Health Plan"):
    path = write_csv(
        tmp_path / "late.csv",
        CLAIMS_HEADER,
        f'CLM200417,PT20417,"Latecomer, Lee",1980-01-01,{payer},2026-04-20,2026-04-22,99214,,1,'
        "210.00,AHP26041515878,,,,CLM200417-1",
    )
    import_claims(ledger, path, actor=actor, posting_date=POSTING)


def test_exception_apply_once_the_claim_exists(sample, actor, tmp_path):
    entry_id, exception_id = _held(sample)
    _import_missing_claim(sample, actor, tmp_path)
    assert _balance(sample, "CLM200417") == 21000
    done = apply_exception(sample, exception_id, claim_number="CLM200417", actor=actor, posting_date=POSTING)
    assert (done.amount, done.exception_id) == (16210, exception_id)
    # The whole claim payment posts, as its remittance said: paid 162.10 and CO-45 47.90
    # written down (the remittance's patient, PIPERWICK, is not the claim's: the person
    # applying it confirmed the claim).
    assert (done.posted.paid, done.posted.written_down, done.posted.to_patient) == (16210, 4790, 0)
    assert _balance(sample, "CLM200417") == 21000 - 16210 - 4790
    assert _balance(sample, "CLM200417", rank=0) == 0
    assert _open(sample, entry_id) == 0
    with sample.read() as session:
        row = session.get(ExceptionRow, exception_id)
        assert (row.status, row.resolved_by) == ("applied", "tester")
        assert row.resolved_at is not None
        assert (
            "posted the parked claim payment onto claim CLM200417: paid 162.10, written down 47.90"
            in row.resolution_note
        )
        claim_id = get_claim(session, "CLM200417").id
        payments = session.execute(select(ClaimPaymentRow).where(ClaimPaymentRow.claim_id == claim_id)).scalars().all()
        assert [(p.paid, p.status_code, p.payer_claim_number) for p in payments] == [(16210, "1", "AHP26041515878")]
        assert get_claim(session, "CLM200417").status == "closed"  # nothing left owed
    _checks(sample)
    before = _counts(sample)
    with pytest.raises(InputError, match=f"exception {exception_id} is already applied"):
        apply_exception(sample, exception_id, claim_number="CLM200417", actor=actor, posting_date=POSTING)
    with pytest.raises(NotFoundError, match="exception 999 does not exist"):
        apply_exception(sample, 999, claim_number="CLM200417", actor=actor, posting_date=POSTING)
    assert _counts(sample) == before


def test_exception_apply_refuses_another_payer_and_money_already_applied(sample, actor, tmp_path):
    entry_id, exception_id = _held(sample)
    _import_missing_claim(sample, actor, tmp_path, payer="MCR01,Medicare Part B")
    before = _counts(sample)
    with pytest.raises(InputError, match="claim CLM200417 has no coverage with payer ACM01"):
        apply_exception(sample, exception_id, claim_number="CLM200417", actor=actor, posting_date=POSTING)
    assert _counts(sample) == before
    # Part of the money applied by hand: posting the whole payment would count it twice.
    apply_unapplied(sample, entry_id, claim_number="CLM100009", amount=6210, actor=actor, posting_date=POSTING)
    before = _counts(sample)
    with pytest.raises(InputError, match=r"paid 162\.10 but 100\.00 of it is still in unapplied"):
        apply_exception(sample, exception_id, claim_number="CLM100018", actor=actor, posting_date=POSTING)
    assert _counts(sample) == before
    with sample.read() as session:
        assert session.get(ExceptionRow, exception_id).status == "open"
    _checks(sample)


def test_exception_apply_to_a_claim_the_payment_does_not_fit_changes_nothing(sample, actor):
    _, exception_id = _held(sample)
    before = _counts(sample)
    # CLM100018 is an Acme claim, but not for this procedure: the lines do not match.
    with pytest.raises(InputError, match="the parked payment would not post"):
        apply_exception(sample, exception_id, claim_number="CLM100018", actor=actor, posting_date=POSTING)
    assert _counts(sample) == before


def test_exception_apply_with_a_damaged_stored_payment_changes_nothing(sample, actor):
    _, exception_id = _held(sample)
    with sample.write() as session:  # the stored payment cut short (a hand edit, a damaged copy)
        row = session.get(ExceptionRow, exception_id)
        row.payload = row.payload.replace('"payment": {', '"payment": {"broken": 1, ', 1).replace('"charge"', '"x"', 1)
        session.add(row)
    before = _counts(sample)
    with pytest.raises(InputError, match=f"exception {exception_id}: its stored payment cannot be read"):
        apply_exception(sample, exception_id, claim_number="CLM100018", actor=actor, posting_date=POSTING)
    assert _counts(sample) == before
    with sample.read() as session:
        assert session.get(ExceptionRow, exception_id).status == "open"

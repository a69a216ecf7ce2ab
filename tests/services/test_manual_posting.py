"""Payments by hand and deposit batches against real SQLite and PostgreSQL ledgers."""

from datetime import date

import pytest
from sqlalchemy import func, select

from ar_cli.domain.errors import InputError, InputProblems, NotFoundError
from ar_cli.domain.posting.manual_payment import Adjustment
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.posting.batch import post_batch
from ar_cli.services.posting.manual import ManualPayment, post_payment
from ar_cli.store.tables import AuditEventRow, ClaimRow, LedgerEntryRow
from conftest import POSTING
from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries
from support import CLAIMS_HEADER, write_csv

ROW_1 = 'C1,A1,"DOE, JANE",1950-02-03,MCR01,Medicare Part B,2026-05-01,2026-05-03,99213,25,1,145.00,1EG4,MGAP1,Medigap G,MG9,C1-1'
ROW_2 = 'C1,A1,"DOE, JANE",1950-02-03,MCR01,Medicare Part B,2026-05-01,2026-05-03,36415,,1,25.00,1EG4,MGAP1,Medigap G,MG9,C1-2'
ROW_3 = 'C2,A2,"ROE, RICH",1980-07-09,ACME1,Acme Health Plan,2026-05-10,2026-05-12,99214,,1,210.50,AC5,,,,'
PAID_ON = date(2026, 6, 20)
BATCH_HEADER = "claim_number,amount,payer,method,reference,date,line,adjustments"


@pytest.fixture
def claims(ledger, actor, tmp_path):
    import_claims(
        ledger, write_csv(tmp_path / "c.csv", CLAIMS_HEADER, ROW_1, ROW_2, ROW_3), actor=actor, posting_date=POSTING
    )
    return ledger


def _balances(ledger, number):
    from ar_cli.store import claims_repo

    with ledger.read() as session:
        return claims_repo.balances_of(session, claims_repo.get_claim(session, number).id)


def _snapshot(ledger):
    with ledger.read() as session:
        assert_balances_equal_entries(session)
        events = assert_audit_chain_intact(session)
        entries = session.execute(select(func.count()).select_from(LedgerEntryRow)).scalar_one()
    return events, entries


def _pay(ledger, actor, claim="C1", amount=9000, payer="MCR01", reference="12345", adjustments=(), **kw):
    return post_payment(
        ledger,
        ManualPayment(
            claim_number=claim,
            amount=amount,
            payer=payer,
            method=kw.pop("method", "check"),
            reference=reference,
            paid_on=kw.pop("paid_on", PAID_ON),
            adjustments=tuple(adjustments),
            **kw,
        ),
        actor=actor,
        posting_date=POSTING,
    )


def test_payer_payment_with_contractual_and_patient_share_to_the_secondary(claims, actor):
    result = _pay(
        claims,
        actor,
        amount=9000,
        line=1,
        adjustments=[Adjustment(group="CO", carc="45", amount=3000), Adjustment(group="PR", carc="2", amount=2500)],
    )
    assert (result.paid, result.written_down, result.transferred, result.transferred_to) == (
        9000,
        3000,
        2500,
        "secondary",
    )
    assert _balances(claims, "C1") == {1: 17000 - 14500, 2: 2500}
    with claims.read() as session:
        rows = (
            session.execute(select(LedgerEntryRow).where(LedgerEntryRow.kind != "charge").order_by(LedgerEntryRow.id))
            .scalars()
            .all()
        )
        assert [(r.kind, r.responsibility, r.amount, r.adjustment_group + r.reason_code) for r in rows] == [
            ("payment", 1, -9000, ""),
            ("contractual", 1, -3000, "CO45"),
            ("transfer", 1, -2500, "PR2"),
            ("transfer", 2, 2500, "PR2"),
        ]
        assert {r.source_ref for r in rows} == {"check 12345"}
        assert {r.created_by for r in rows} == {"tester"}
        assert {r.effective_date for r in rows} == {PAID_ON}
        assert rows[2].transfer_group is not None and rows[2].transfer_group == rows[3].transfer_group
        assert all(r.line_id is not None for r in rows)
        assert (
            session.execute(select(ClaimRow.status).where(ClaimRow.claim_number == "C1")).scalar_one()
            == "partially_paid"
        )
        event = session.execute(select(AuditEventRow).order_by(AuditEventRow.id.desc())).scalars().first()
        assert (event.action, event.entity_key, event.actor) == ("post.payment", "C1", "tester")
    _snapshot(claims)


def test_patient_share_goes_to_the_patient_then_the_patient_pays(claims, actor):
    _pay(
        claims,
        actor,
        claim="C2",
        payer="ACME1",
        amount=15000,
        adjustments=[Adjustment(group="CO", carc="45", amount=4050), Adjustment(group="PR", carc="2", amount=2000)],
    )
    assert _balances(claims, "C2") == {1: 0, 0: 2000}
    result = _pay(claims, actor, claim="C2", payer=None, amount=2000, method="card", reference="R-1")
    assert (result.payer, result.responsibility, result.paid) == ("patient", "patient", 2000)
    assert _balances(claims, "C2") == {1: 0, 0: 0}
    with claims.read() as session:
        assert session.execute(select(ClaimRow.status).where(ClaimRow.claim_number == "C2")).scalar_one() == "closed"
    _snapshot(claims)


def test_a_repeat_is_skipped(claims, actor):
    _pay(claims, actor)
    before = _snapshot(claims)
    assert _pay(claims, actor).skipped
    assert _snapshot(claims) == before


def test_an_adjustments_only_eob_typed_twice_writes_down_once(claims, actor):
    write_down = [Adjustment(group="CO", carc="45", amount=3000), Adjustment(group="PR", carc="2", amount=1000)]
    first = _pay(claims, actor, amount=0, line=1, adjustments=write_down)
    assert (first.skipped, first.written_down, first.transferred) == (False, 3000, 1000)
    before = _snapshot(claims)
    assert _pay(claims, actor, amount=0, line=1, adjustments=write_down).skipped
    assert _snapshot(claims) == before
    assert _balances(claims, "C1") == {1: 17000 - 4000, 2: 1000}
    # The same check on the other line (within its 25.00), or other amounts, is another EOB: it posts.
    on_line_2 = [Adjustment(group="CO", carc="45", amount=2000)]
    assert not _pay(claims, actor, amount=0, line=2, adjustments=on_line_2).skipped
    assert _pay(claims, actor, amount=0, line=2, adjustments=on_line_2).skipped
    assert not _pay(
        claims, actor, amount=0, line=1, adjustments=[Adjustment(group="CO", carc="45", amount=500)]
    ).skipped
    assert _balances(claims, "C1") == {1: 17000 - 4000 - 2000 - 500, 2: 1000}


def test_a_batch_of_adjustments_only_rows_posts_again_as_skips(claims, actor, tmp_path):
    path = _batch(
        tmp_path, "C1,0.00,MCR01,check,556,2026-06-20,1,CO-45=30.00", "C1,0.00,MCR01,check,556,2026-06-20,2,CO-45=5.00"
    )
    result = post_batch(claims, path, deposit_total=0, actor=actor, posting_date=POSTING)
    assert (result.posted, result.skipped) == (2, 0)
    before = _snapshot(claims)
    again = post_batch(claims, path, deposit_total=0, actor=actor, posting_date=POSTING)
    assert (again.posted, again.skipped) == (0, 2)
    assert _snapshot(claims)[1] == before[1]
    assert _balances(claims, "C1") == {1: 17000 - 3500}


@pytest.mark.parametrize(
    "kw,error,message",
    [
        ({"payer": "ACME1"}, InputError, "payer ACME1 is not a coverage on claim C1 (its coverages: MCR01, MGAP1)"),
        ({"payer": "NOPE"}, NotFoundError, "payer 'NOPE' is not in the ledger (see `ar-cli payers list`)"),
        ({"claim": "C9"}, NotFoundError, "claim 'C9' is not in the ledger"),
        ({"line": 7}, InputError, "claim C1 has no line 7 (its lines: 1, 2)"),
        (
            {"amount": 16000, "adjustments": [Adjustment(group="CO", carc="45", amount=1001)]},
            InputError,
            "claim C1: payment 160.00 + adjustments 10.01 = 170.01 is more than the primary owes (170.00); nothing posted",
        ),
        (
            {"payer": None, "amount": 100},
            InputError,
            "claim C1: payment 1.00 + adjustments 0.00 = 1.00 is more than the patient owes (0.00); nothing posted",
        ),
        ({"reference": " "}, InputError, "the reference (check number, EFT trace, receipt) is empty"),
    ],
)
def test_bad_payments_change_nothing(claims, actor, kw, error, message):
    before = _snapshot(claims)
    with pytest.raises(error) as err:
        _pay(claims, actor, **kw)
    assert str(err.value) == message
    assert _snapshot(claims) == before


def _batch(tmp_path, *rows):
    return write_csv(tmp_path / "deposit.csv", BATCH_HEADER, *rows)


def test_batch_posts_all_and_skips_repeats(claims, actor, tmp_path):
    path = _batch(
        tmp_path,
        "C1,90.00,MCR01,check,555,2026-06-20,,CO-45=30.00;PR-2=25.00",
        "C2,150.00,ACME1,eft,TRN9,2026-06-21,,CO-45=40.50;PR-2=20.00",
        "C2,20.00,,cash,RCPT-7,2026-06-22,,",
    )
    result = post_batch(claims, path, deposit_total=26000, actor=actor, posting_date=POSTING)
    assert (result.rows, result.posted, result.skipped, result.paid) == (3, 3, 0, 26000)
    assert _balances(claims, "C1") == {1: 2500, 2: 2500}
    assert _balances(claims, "C2") == {1: 0, 0: 0}
    with claims.read() as session:
        event = session.execute(select(AuditEventRow).order_by(AuditEventRow.id.desc())).scalars().first()
        assert event.action == "post.batch"
    before = _snapshot(claims)
    again = post_batch(claims, path, deposit_total=26000, actor=actor, posting_date=POSTING)
    assert (again.posted, again.skipped) == (0, 3)
    assert _snapshot(claims)[1] == before[1]  # no new entries


def test_batch_is_all_or_nothing_and_names_every_bad_row(claims, actor, tmp_path):
    path = _batch(
        tmp_path,
        "C1,90.00,MCR01,check,555,2026-06-20,,",
        "C2,abc,ACME1,wire,TRN9,2026-13-01,,CO-45",
        "C9,10.00,,cash,R1,2026-06-22,,",
    )
    before = _snapshot(claims)
    with pytest.raises(InputProblems) as err:
        post_batch(claims, path, deposit_total=11000, actor=actor, posting_date=POSTING)
    assert str(err.value).splitlines() == [
        f"{path}: line 3: amount: 'abc' is not an amount",
        f"{path}: line 3: method: 'wire' is not one of check, eft, card, cash",
        f"{path}: line 3: date: '2026-13-01' is not a date (YYYY-MM-DD)",
        f"{path}: line 3: adjustments: 'CO-45' is not an adjustment like CO-45=12.50 (group CO, OA, PI or PR)",
    ]
    path = _batch(
        tmp_path,
        "C1,90.00,MCR01,check,555,2026-06-20,,",
        "C1,90.00,MCR01,check,555,2026-06-20,,",
        "C9,10.00,,cash,R1,2026-06-22,,",
        "C2,10.00,MGAP1,check,R2,2026-06-22,,",
    )
    with pytest.raises(InputProblems) as err:
        post_batch(claims, path, deposit_total=20000, actor=actor, posting_date=POSTING)
    assert str(err.value).splitlines() == [
        f"{path}: line 3: same claim, payer, reference, date and amount as line 2",
        f"{path}: line 4: claim 'C9' is not in the ledger",
        f"{path}: line 5: payer MGAP1 is not a coverage on claim C2 (its coverages: ACME1)",
    ]
    assert _snapshot(claims) == before


def test_batch_refused_when_it_does_not_add_up(claims, actor, tmp_path):
    path = _batch(tmp_path, "C1,90.00,MCR01,check,555,2026-06-20,,", "C2,20.00,ACME1,eft,T1,2026-06-20,,")
    before = _snapshot(claims)
    with pytest.raises(InputError) as err:
        post_batch(claims, path, deposit_total=12345, actor=actor, posting_date=POSTING)
    assert str(err.value) == (
        f"{path}: the rows add up to 110.00, the deposit total is 123.45 (difference -13.45); nothing posted"
    )
    assert _snapshot(claims) == before


def test_batch_rows_on_one_claim_are_checked_together(claims, actor, tmp_path):
    path = _batch(tmp_path, "C2,200.00,ACME1,check,1,2026-06-20,,", "C2,10.51,ACME1,check,2,2026-06-20,,")
    with pytest.raises(InputProblems) as err:
        post_batch(claims, path, deposit_total=21051, actor=actor, posting_date=POSTING)
    assert str(err.value) == (
        f"{path}: line 3: claim C2: payment 10.51 + adjustments 0.00 = 10.51 is more "
        "than the primary owes (10.50); nothing posted"
    )

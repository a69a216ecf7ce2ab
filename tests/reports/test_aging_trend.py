"""Aging snapshots (replace a date, audited) and the trend across them, on both databases."""

from datetime import date

import pytest
from sqlalchemy import select

from ar_cli.domain.aging import CREDIT_BUCKET, BucketEdges
from ar_cli.domain.errors import InputError
from ar_cli.reports.aging.report import AgingQuery, aging_report, snapshot_measure
from ar_cli.reports.aging.trend import Period, TrendQuery, aging_trend, period_of
from ar_cli.services.aging_snapshot import take_snapshot
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.store import claims_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.tables import AgingSnapshotRow, AuditEventRow, ClaimRow, LedgerEntryRow, PayerRow
from ledger_checks import assert_audit_chain_intact
from support import CLAIMS_HEADER, write_csv

JUNE = [
    'J1,A1,"DOE, JANE",1950-02-03,MCR01,Medicare Part B,2026-06-01,2026-06-02,99213,,1,100.00,M1,,,,J1-1',
    'J2,A2,"ROE, RICH",1980-07-09,ACM01,Acme Health Plan,2026-05-10,2026-05-12,99214,,1,200.00,X2,,,,J2-1',
    'J3,A3,"POE, ED",1975-01-01,,,2026-06-05,2026-06-06,99203,,1,50.00,,,,,J3-1',
]
JULY = ['K1,A1,"DOE, JANE",1950-02-03,MCR01,Medicare Part B,2026-07-01,2026-07-02,99213,,1,70.00,M1,,,,K1-1']


def pay(ledger, actor, number, resp, cents, posted) -> None:
    """A payment and its balance delta, written the way a posting service writes them."""
    with ledger.write() as session:
        claim_id = session.execute(select(ClaimRow.id).where(ClaimRow.claim_number == number)).scalar_one()
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        rec.insert(
            LedgerEntryRow,
            [
                {
                    "claim_id": claim_id,
                    "responsibility": resp,
                    "kind": "payment",
                    "amount": -cents,
                    "posting_date": posted,
                    "effective_date": posted,
                    "created_by": actor.user,
                }
            ],
        )
        claims_repo.apply_balance_deltas(session, {(claim_id, resp): -cents}, since={(claim_id, resp): posted})
        rec.finish(action="test.pay", entity="claim", entity_key=number)


@pytest.fixture
def ledger_with_history(ledger, actor, tmp_path):
    import_claims(
        ledger, write_csv(tmp_path / "june.csv", CLAIMS_HEADER, *JUNE), actor=actor, posting_date=date(2026, 6, 15)
    )
    import_claims(
        ledger, write_csv(tmp_path / "july.csv", CLAIMS_HEADER, *JULY), actor=actor, posting_date=date(2026, 7, 10)
    )
    pay(ledger, actor, "J3", 0, 6000, date(2026, 7, 20))  # the self-pay patient overpays: a credit
    return ledger


def snap(ledger, actor, day, edges=None):
    return take_snapshot(ledger, as_of=day, edges=edges, actor=actor, measure=snapshot_measure)


def stored(ledger, day):
    with ledger.read() as session:
        return session.execute(
            select(
                AgingSnapshotRow.payer_id,
                AgingSnapshotRow.bucket,
                AgingSnapshotRow.amount,
                AgingSnapshotRow.balance_count,
                AgingSnapshotRow.bucket_edges,
            )
            .where(AgingSnapshotRow.as_of == day)
            .order_by(AgingSnapshotRow.payer_id, AgingSnapshotRow.bucket)
        ).all()


def test_snapshot_stores_buckets_per_payer_that_add_up_to_the_aging(ledger_with_history, actor):
    day = date(2026, 7, 31)
    done = snap(ledger_with_history, actor, day)
    with ledger_with_history.read() as session:
        aging = aging_report(session, AgingQuery(as_of=day))
        codes = dict(session.execute(select(PayerRow.id, PayerRow.code)).all())
    assert (done.total, done.credits, done.payers, done.replaced) == (aging.report.totals["total"], -1000, 2, 0)
    rows = stored(ledger_with_history, day)
    assert {(codes.get(p, "patient"), b, a, n) for p, b, a, n, _ in rows} == {
        ("ACM01", 2, 20000, 1),  # J2: served 05-10, 82 days
        ("MCR01", 1, 10000, 1),
        ("MCR01", 0, 7000, 1),  # J1 60 days; K1 30 days
        ("patient", CREDIT_BUCKET, -1000, 1),
    }  # J3: paid 60.00 on 50.00
    assert {edges for *_, edges in rows} == {"30,60,90,120"}


def test_taking_a_date_again_replaces_it_and_is_audited(ledger_with_history, actor):
    day = date(2026, 7, 31)
    first = snap(ledger_with_history, actor, day)
    pay(ledger_with_history, actor, "J2", 1, 20000, date(2026, 7, 25))
    second = snap(ledger_with_history, actor, day)
    assert second.replaced == first.rows and second.total == first.total - 20000
    assert sum(a for _, b, a, _, _ in stored(ledger_with_history, day) if b != CREDIT_BUCKET) == second.total
    third = snap(ledger_with_history, actor, day, BucketEdges((60,)))
    assert {edges for *_, edges in stored(ledger_with_history, day)} == {"60"} and third.replaced == second.rows
    with ledger_with_history.read() as session:
        actions = session.execute(
            select(AuditEventRow.action, AuditEventRow.entity_key).where(AuditEventRow.action == "aging.snapshot")
        ).all()
        assert actions == [("aging.snapshot", "2026-07-31")] * 3
        assert_audit_chain_intact(session)


def test_an_empty_ledger_date_is_still_a_snapshot(ledger_with_history, actor):
    done = snap(ledger_with_history, actor, date(2026, 5, 31))  # nothing posted yet
    assert (done.total, done.rows) == (0, 5)
    trend = _trend(ledger_with_history)
    assert [(p.period, p.total) for p in trend.points] == [("2026-05", 0)]


def _trend(ledger, **kwargs):
    with ledger.read() as session:
        return aging_trend(session, TrendQuery(**kwargs))


def test_trend_by_month_uses_the_latest_snapshot_of_each_month(ledger_with_history, actor):
    for day in (date(2026, 6, 15), date(2026, 6, 30), date(2026, 7, 15), date(2026, 7, 31)):
        snap(ledger_with_history, actor, day)
    trend = _trend(ledger_with_history)
    assert [(p.period, p.as_of, p.amounts, p.credits) for p in trend.points] == [
        ("2026-06", date(2026, 6, 30), [15000, 20000, 0, 0, 0], 0),
        ("2026-07", date(2026, 7, 31), [7000, 10000, 20000, 0, 0], -1000),
    ]
    rows = trend.report.rows
    assert [r["change"] for r in rows] == [None, 2000] and rows[1]["total"] == 37000
    assert rows[1]["over_90_share"] == 0.0
    weekly = _trend(ledger_with_history, period=Period.WEEK)
    assert [p.period for p in weekly.points] == ["2026-W25", "2026-W27", "2026-W29", "2026-W31"]
    medicare = _trend(ledger_with_history, payer="MCR01", start=date(2026, 7, 1))
    assert [(p.as_of, p.total) for p in medicare.points] == [(date(2026, 7, 31), 17000)]
    assert medicare.report.title == "Aging trend by month · payer MCR01"


def test_trend_compares_only_snapshots_with_the_same_edges(ledger_with_history, actor):
    snap(ledger_with_history, actor, date(2026, 6, 30), BucketEdges((30, 60, 90)))
    snap(ledger_with_history, actor, date(2026, 7, 31))
    newest = _trend(ledger_with_history)
    assert [p.as_of for p in newest.points] == [date(2026, 7, 31)] and newest.skipped == 1
    assert any("1 snapshot date(s) taken with other bucket edges" in n for n in newest.report.notes)
    older = _trend(ledger_with_history, edges=BucketEdges((30, 60, 90)))
    assert [p.as_of for p in older.points] == [date(2026, 6, 30)]
    assert [c.key for c in older.report.columns][2:6] == ["days_0_30", "days_31_60", "days_61_90", "days_91_plus"]


def test_trend_of_nothing_and_bad_ranges(ledger):
    empty = _trend(ledger)
    assert empty.points == [] and empty.report.notes == [
        "No aging snapshots in range: take one with `ar-cli aging snapshot`."
    ]
    with pytest.raises(InputError, match="--from is after --to"):
        _trend(ledger, start=date(2026, 7, 1), end=date(2026, 6, 1))


@pytest.mark.parametrize(
    "day,period,label",
    [
        (date(2026, 6, 30), Period.MONTH, "2026-06"),
        (date(2026, 6, 30), Period.WEEK, "2026-W27"),
        (date(2027, 1, 1), Period.WEEK, "2026-W53"),
    ],
)
def test_period_labels(day, period, label):
    assert period_of(day, period) == label

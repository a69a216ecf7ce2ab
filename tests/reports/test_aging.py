"""The aging report against real SQLite and PostgreSQL ledgers.

Payments and transfers are not posted by any command this test may rely on, so
`post` below writes entries and cached balances the way a posting service does: through
the ChangeRecorder (audited) and `apply_balance_deltas`, in one transaction.
"""

from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import select

from ar_cli.domain.aging import Basis, BucketEdges, GroupBy, Party
from ar_cli.domain.errors import NotFoundError
from ar_cli.reports.aging import report as aging_module
from ar_cli.reports.aging.report import AgingQuery, aging_report
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.store import claims_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.tables import ClaimRow, LedgerEntryRow
from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries
from support import CLAIMS_HEADER, write_csv

AS_OF = date(2026, 6, 30)
IMPORTED = date(2026, 6, 15)
# Ages on 2026-06-30 from the date of service: C1 20 days, C2 30, C3 31, C4 121, C5 90, C6 71.
ROWS = [
    'C1,A1,"DOE, JANE",1950-02-03,MCR01,Medicare Part B,2026-06-10,2026-06-12,99213,,1,100.00,M1,MGAP1,Brightwater Medigap,G1,C1-1',
    'C2,A2,"ROE, RICH",1980-07-09,ACM01,Acme Health Plan,2026-05-31,2026-06-02,99214,,1,200.00,X2,,,,C2-1',
    'C3,A2,"ROE, RICH",1980-07-09,ACM01,Acme Health Plan,2026-05-30,2026-06-01,36415,,1,50.00,X2,,,,C3-1',
    'C4,A3,"POE, ED",1975-01-01,MCD01,State Medicaid Program,2026-03-01,2026-03-05,99215,,1,300.00,D4,,,,C4-1',
    'C5,A4,"LOE, AMY",1990-05-05,,,2026-04-01,2026-04-02,99203,,1,80.00,,,,,C5-1',
    'C6,A1,"DOE, JANE",1950-02-03,MCR01,Medicare Part B,2026-04-20,2026-04-22,99213,,1,60.00,M1,,,,C6-1',
    'C6,A1,"DOE, JANE",1950-02-03,MCR01,Medicare Part B,2026-04-20,2026-04-22,80053,,1,40.00,M1,,,,C6-2',
]


def post(ledger, actor, *entries) -> None:
    """Entries (claim, responsibility, kind, cents, posting date, effective date) and their
    balance deltas in one audited transaction; a new responsibility starts on its posting date."""
    with ledger.write() as session:
        ids = dict(session.execute(select(ClaimRow.claim_number, ClaimRow.id)).all())
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        rows, deltas, since = [], defaultdict(int), {}
        for number, resp, kind, amount, posted, effective in entries:
            claim_id = ids[number]
            rows.append(
                {
                    "claim_id": claim_id,
                    "responsibility": resp,
                    "kind": kind,
                    "amount": amount,
                    "posting_date": posted,
                    "effective_date": effective,
                    "created_by": actor.user,
                }
            )
            deltas[(claim_id, resp)] += amount
            since.setdefault((claim_id, resp), posted)
        rec.insert(LedgerEntryRow, rows)
        claims_repo.apply_balance_deltas(session, dict(deltas), since=since)
        rec.finish(action="test.post", entity="claim")


def transfer(number, giver, receiver, amount, posted):
    return [
        (number, giver, "transfer", -amount, posted, posted),
        (number, receiver, "transfer", amount, posted, posted),
    ]


@pytest.fixture
def practice(ledger, actor, tmp_path):
    import_claims(ledger, write_csv(tmp_path / "c.csv", CLAIMS_HEADER, *ROWS), actor=actor, posting_date=IMPORTED)
    post(
        ledger,
        actor,
        # Medicare pays C1, writes some off and crosses the rest over to the Medigap plan.
        ("C1", 1, "payment", -6000, date(2026, 6, 20), date(2026, 6, 19)),
        ("C1", 1, "contractual", -2000, date(2026, 6, 20), date(2026, 6, 19)),
        *transfer("C1", 1, 2, 2000, date(2026, 6, 20)),
        # Medicaid pays part of C4; the self-pay patient of C5 pays 100.00 on 80.00 owed.
        ("C4", 1, "payment", -10000, date(2026, 6, 25), date(2026, 6, 24)),
        ("C5", 0, "payment", -10000, date(2026, 6, 28), date(2026, 6, 28)),
        # Posted after the month-end: a month-end aging must not see it.
        ("C6", 1, "payment", -5000, date(2026, 7, 5), date(2026, 7, 2)),
    )
    return ledger


def run(ledger, **kwargs):
    with ledger.read() as session:
        return aging_report(session, AgingQuery(**{"as_of": AS_OF, **kwargs}))


def by_label(result, key="payer"):
    return {row[key]: row for row in result.report.rows}


def test_by_payer_each_balance_under_the_payer_that_owes_it_now(practice):
    result = run(practice)
    rows = by_label(result)
    assert list(rows) == ["ACM01", "MCD01", "MCR01", "MGAP1", "Patient"]
    assert result.from_entries  # C6's payment was posted after 2026-06-30
    amounts = {code: [row[result.edges.key(i)] for i in range(5)] for code, row in rows.items()}
    assert amounts == {
        "ACM01": [20000, 5000, 0, 0, 0],  # C2 is 30 days old (0-30), C3 31 days (31-60)
        "MCD01": [0, 0, 0, 0, 20000],  # C4: 300.00 − 100.00, 121 days
        "MCR01": [0, 0, 10000, 0, 0],  # C6 still whole on 06-30; C1's primary is paid off
        "MGAP1": [2000, 0, 0, 0, 0],  # C1's crossover sits with the secondary coverage
        "Patient": [0, 0, 0, 0, 0],  # C5 is a credit: never in a bucket
    }
    assert rows["ACM01"]["days_0_30_count"] == 1 and rows["ACM01"]["count"] == 2
    assert (rows["Patient"]["credits"], rows["Patient"]["credit_count"], rows["Patient"]["kind"]) == (
        -2000,
        1,
        "patient",
    )
    totals = result.report.totals
    assert (totals["total"], totals["count"], totals["credits"], totals["over_90"]) == (57000, 5, -2000, 20000)
    assert totals["over_90_share"] == pytest.approx(20000 / 57000)
    assert rows["ACM01"]["share"] == pytest.approx(25000 / 57000)
    assert any(note == "AR over 90 days: $200.00 of $570.00 (35.1%)" for note in result.report.notes)
    assert any("Credits" in note and "-$20.00 in 1 balance" in note for note in result.report.notes)


def _entries_sum(session, as_of):
    sums = defaultdict(int)
    for claim_id, resp, amount in session.execute(
        select(LedgerEntryRow.claim_id, LedgerEntryRow.responsibility, LedgerEntryRow.amount).where(
            LedgerEntryRow.posting_date <= as_of
        )
    ):
        sums[(claim_id, resp)] += amount
    return {key: value for key, value in sums.items() if value}


@pytest.mark.parametrize("as_of", [date(2026, 6, 14), IMPORTED, AS_OF, date(2026, 7, 31)])
def test_aging_adds_up_to_every_open_balance_to_the_cent(practice, as_of):
    with practice.read() as session:
        assert_balances_equal_entries(session)
        open_balances = _entries_sum(session, as_of)
    for group_by in GroupBy:
        for basis in Basis:
            totals = run(practice, as_of=as_of, group_by=group_by, basis=basis).report.totals
            assert totals["total"] + totals["credits"] == sum(open_balances.values()), (group_by, basis)
            assert totals["total"] == sum(v for v in open_balances.values() if v > 0)
            assert totals["count"] + totals["credit_count"] == len(open_balances), (group_by, basis)


def test_as_of_a_past_date_leaves_out_entries_posted_after_it(practice):
    before = run(practice, as_of=date(2026, 6, 14))  # the charges were posted on 06-15
    assert before.report.rows == [] and before.report.totals["total"] == 0
    mid = by_label(run(practice, as_of=IMPORTED))
    assert {code: row["total"] for code, row in mid.items()} == {
        "ACM01": 25000,
        "MCD01": 30000,
        "MCR01": 20000,
        "Patient": 8000,
    }
    june = by_label(run(practice))
    july = run(practice, as_of=date(2026, 7, 31))
    assert not july.from_entries  # nothing posted after 07-31: the cached balances serve it
    assert june["MCR01"]["total"] == 10000 and by_label(july)["MCR01"]["total"] == 5000


def test_cached_balances_and_summed_entries_agree(practice, monkeypatch):
    for group_by in GroupBy:
        for basis in Basis:
            cached = run(practice, as_of=date(2026, 7, 31), group_by=group_by, basis=basis)
            monkeypatch.setattr(aging_module, "needs_entries", lambda session, as_of: True)
            summed = run(practice, as_of=date(2026, 7, 31), group_by=group_by, basis=basis)
            monkeypatch.undo()
            assert not cached.from_entries and summed.from_entries
            assert summed.report.rows == cached.report.rows and summed.report.totals == cached.report.totals


def _buckets(result, key):
    return {row[key]: [row[result.edges.key(i)] for i in range(result.edges.count)] for row in result.report.rows}


def test_each_basis_counts_from_its_own_date(practice):
    billed = _buckets(run(practice, basis=Basis.BILLED, group_by=GroupBy.CLAIM), "claim_number")
    assert billed["C3"] == [5000, 0, 0, 0, 0]  # billed 06-01: 29 days
    assert billed["C4"] == [0, 0, 0, 20000, 0]  # billed 03-05: 117 days
    responsibility = _buckets(run(practice, basis=Basis.RESPONSIBILITY, group_by=GroupBy.CLAIM), "claim_number")
    assert responsibility["C1"] == [2000, 0, 0, 0, 0]  # the secondary owes since 06-20
    assert responsibility["C6"] == [0, 0, 10000, 0, 0]  # the primary since billing (04-22): 69 days
    paid = _buckets(run(practice, basis=Basis.LAST_PAYMENT, group_by=GroupBy.CLAIM), "claim_number")
    assert paid["C4"] == [20000, 0, 0, 0, 0]  # Medicaid paid on 06-24
    assert paid["C6"] == [0, 0, 10000, 0, 0]  # its payment came after 06-30: billed date
    assert paid["C1"] == [2000, 0, 0, 0, 0]  # the Medigap plan has not paid: billed 06-12


def test_other_groupings(practice):
    classes = by_label(run(practice, group_by=GroupBy.FINANCIAL_CLASS), "financial_class")
    assert {k: (v["total"], v["kind"]) for k, v in classes.items()} == {
        "medicaid": (20000, "financial_class"),
        "medicare": (10000, "financial_class"),
        "other": (27000, "financial_class"),
        "Patient": (0, "patient"),
    }
    patients = by_label(run(practice, group_by=GroupBy.PATIENT), "patient_account")
    assert {k: (v["total"], v["credits"], v["patient_name"]) for k, v in patients.items()} == {
        "A1": (12000, 0, "DOE, JANE"),
        "A2": (25000, 0, "ROE, RICH"),
        "A3": (20000, 0, "POE, ED"),
        "A4": (0, -2000, "LOE, AMY"),
    }
    providers = run(practice, group_by=GroupBy.PROVIDER)
    assert [(r["provider_npi"], r["total"]) for r in providers.report.rows] == [("(none)", 57000)]
    claims = by_label(run(practice, group_by=GroupBy.CLAIM), "claim_number")
    assert list(claims) == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert claims["C5"]["patient_account"] == "A4" and claims["C5"]["credits"] == -2000


def test_filters(practice):
    assert list(by_label(run(practice, party=Party.PATIENT))) == ["Patient"]
    assert "Patient" not in by_label(run(practice, party=Party.INSURANCE))
    acme = run(practice, payer="acme health plan")
    assert list(by_label(acme)) == ["ACM01"] and acme.report.totals["total"] == 25000
    medicare = run(practice, financial_class="medicare", group_by=GroupBy.CLAIM)
    assert list(by_label(medicare, "claim_number")) == ["C6"]
    big = run(practice, min_balance=10000, group_by=GroupBy.CLAIM)
    assert list(by_label(big, "claim_number")) == ["C2", "C4", "C6"]
    credits_too = run(practice, min_balance=2000, group_by=GroupBy.CLAIM)
    assert "C5" in by_label(credits_too, "claim_number")  # a 20.00 credit is 20.00 in size
    with pytest.raises(NotFoundError):
        run(practice, payer="NOPE")


def test_other_edges_and_the_team_setting(practice, actor):
    custom = run(practice, edges=BucketEdges((30, 60, 90, 120, 180)))
    assert custom.edges.labels()[-2:] == ["121-180", "181+"]
    assert custom.report.totals["days_121_180"] == 20000
    from ar_cli.services.settings import set_setting

    set_setting(practice, "aging.buckets", "45,90", actor=actor)
    team = run(practice)
    assert team.edges.labels() == ["0-45", "46-90", "91+"]
    assert team.report.totals["days_0_45"] == 27000 and team.report.totals["days_91_plus"] == 20000
    straddling = run(practice, edges=BucketEdges((45, 100)))  # 90 days falls inside 46-100
    assert straddling.report.totals["over_90"] == 20000 and straddling.report.totals["days_46_100"] == 10000
    with practice.read() as session:
        assert_audit_chain_intact(session)


def test_an_insurance_balance_whose_coverage_is_gone_is_shown_not_lost(practice):
    from sqlalchemy import delete

    from ar_cli.store.tables import CoverageRow

    with practice.write() as session:  # bypasses the services on purpose: a damaged claim
        claim_id = session.execute(select(ClaimRow.id).where(ClaimRow.claim_number == "C1")).scalar_one()
        session.execute(delete(CoverageRow).where(CoverageRow.claim_id == claim_id, CoverageRow.rank == 2))
    rows = by_label(run(practice))
    assert rows["(none)"]["kind"] == "unassigned" and rows["(none)"]["total"] == 2000
    assert "MGAP1" not in rows and run(practice).report.totals["total"] == 57000
    classes = by_label(run(practice, group_by=GroupBy.FINANCIAL_CLASS), "financial_class")
    assert classes["(no coverage)"]["total"] == 2000

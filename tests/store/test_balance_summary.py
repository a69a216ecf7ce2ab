"""The open-balance summary stays equal to a fresh grouping of the balances through
every kind of change, and `aging` read from it equals `aging` summed balance by balance."""

import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ar_cli.domain.aging import Basis, GroupBy, Party
from ar_cli.reports.aging.report import AgingQuery, aging_sums, resolve_edges, summary_serves
from ar_cli.store import balance_summary, claims_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.location import resolve_location
from ar_cli.store.tables import ClaimBalanceRow, ClaimRow, LedgerEntryRow, OpenBalanceSummaryRow
from support import CLAIMS_HEADER, write_csv

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
AS_OF = date(2026, 6, 30)


def _drift(url: str) -> list[str]:
    ledger = Ledger(resolve_location(url)).open()
    try:
        with ledger.read() as session:
            return balance_summary.drift(session)
    finally:
        ledger.dispose()


def _both_ways(url: str, query: AgingQuery):
    """The aging sums from the summary, and the same query summed balance by balance
    (min_balance of one cent leaves every non-zero balance in but takes the long way)."""
    ledger = Ledger(resolve_location(url)).open()
    try:
        with ledger.read() as session:
            edges = resolve_edges(session, None)
            fast, _ = aging_sums(session, query, edges)
            slow, _ = aging_sums(session, AgingQuery(**{**query.__dict__, "min_balance": 1}), edges)
            return sorted(fast, key=repr), sorted(slow, key=repr)
    finally:
        ledger.dispose()


def test_sample_practice_summary_matches_through_posting_payments_and_corrections(cli, ledger_url, tmp_path):
    assert cli("claims", "import", str(SAMPLE / "claims.csv"), "--posting-date", "2026-06-30").exit_code in (0, 1)
    assert _drift(ledger_url) == []
    assert cli("post", "era", str(SAMPLE / "eras"), "--posting-date", "2026-06-30").exit_code in (0, 1)
    assert _drift(ledger_url) == []
    # A correction moves a claim's dates and coverage: the summary follows.
    good = 'Z1,AZ,"ZED, ZOE",1970-01-01,ACM01,Acme Health Plan,2026-05-01,2026-05-03,99213,,1,145.00,M9,,,,Z1-1'
    cli("claims", "import", str(write_csv(tmp_path / "a.csv", CLAIMS_HEADER, good)), "--posting-date", "2026-06-30")
    moved = good.replace("2026-05-01,2026-05-03", "2026-04-02,2026-04-04").replace("145.00", "150.00")
    assert (
        cli(
            "claims", "import", str(write_csv(tmp_path / "b.csv", CLAIMS_HEADER, moved)), "--posting-date", "2026-06-30"
        ).exit_code
        == 1
    )
    listed = json.loads(cli("exceptions", "list", "--format", "json").stdout)["exceptions"]
    conflict = next(e for e in listed if e["claim_number"] == "Z1")
    done = cli(
        "exceptions",
        "resolve",
        str(conflict["id"]),
        "--accept",
        "--note",
        "dates corrected",
        "--posting-date",
        "2026-06-30",
    )
    assert done.exit_code == 0, done.output
    shown = json.loads(cli("claims", "show", "Z1", "--format", "json").stdout)
    assert "2026-04-02" in json.dumps(shown)
    assert _drift(ledger_url) == []
    # A paper EOB by hand: paid, written down, and the rest moved to the patient.
    paid = cli(
        "post",
        "payment",
        "Z1",
        "--payer",
        "ACM01",
        "--amount",
        "50.00",
        "--method",
        "check",
        "--reference",
        "CHK1",
        "--date",
        "2026-06-20",
        "--adjust",
        "CO-45=20.00",
        "--adjust",
        "PR-2=30.00",
        "--posting-date",
        "2026-06-30",
    )
    assert paid.exit_code == 0, paid.output
    assert _drift(ledger_url) == []
    for query in [
        AgingQuery(as_of=AS_OF),
        AgingQuery(as_of=date(2026, 12, 31), basis=Basis.BILLED),
        AgingQuery(as_of=AS_OF, group_by=GroupBy.FINANCIAL_CLASS, party=Party.INSURANCE),
        AgingQuery(as_of=AS_OF, party=Party.PATIENT),
        AgingQuery(as_of=AS_OF, payer="ACM01"),
        AgingQuery(as_of=AS_OF, financial_class="medicare"),
    ]:
        assert summary_serves(query)
        fast, slow = _both_ways(ledger_url, query)
        assert fast == slow
        assert fast  # the sample practice owes something in each of these


def test_rebuild_gives_what_was_kept(ledger, actor, tmp_path, ledger_url):
    from ar_cli.services.claims.charge_file import import_claims

    import_claims(ledger, SAMPLE / "claims.csv", actor=actor, posting_date=AS_OF)
    with ledger.read() as session:
        kept = session.execute(select(OpenBalanceSummaryRow.__table__)).all()
    with ledger.write() as session:
        assert balance_summary.rebuild(session) == len(kept)
    with ledger.read() as session:
        assert sorted(session.execute(select(OpenBalanceSummaryRow.__table__)).all()) == sorted(kept)
        # A tampered summary row is found.
    with ledger.write() as session:
        session.execute(OpenBalanceSummaryRow.__table__.update().values(amount=OpenBalanceSummaryRow.amount + 1))
    with ledger.read() as session:
        assert len(balance_summary.drift(session)) == len(kept)


ROWS = [
    'C1,A1,"DOE, JANE",1950-02-03,MCR01,Medicare Part B,2026-06-10,2026-06-12,99213,,1,100.00,M1,MGAP1,Brightwater Medigap,G1,C1-1',
    'C2,A2,"ROE, RICH",1980-07-09,ACM01,Acme Health Plan,2026-05-31,2026-06-02,99214,,1,200.00,X2,,,,C2-1',
    'C3,A2,"ROE, RICH",1980-07-09,ACM01,Acme Health Plan,2026-05-31,2026-06-02,36415,,1,50.00,X2,,,,C3-1',
]

# (claim index, responsibility, cents): a payment, a transfer leg, an overpayment…
moves = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3), st.integers(-30_000, 30_000)), min_size=1, max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(moves, min_size=1, max_size=3))
def test_any_sequence_of_balance_changes_keeps_the_summary_exact(batches, tmp_path_factory, actor):
    from ar_cli.services.claims.charge_file import import_claims

    folder = tmp_path_factory.mktemp("summary")
    ledger = Ledger(resolve_location(str(folder / "ledger.sqlite"))).open()
    try:
        import_claims(ledger, write_csv(folder / "c.csv", CLAIMS_HEADER, *ROWS), actor=actor, posting_date=AS_OF)
        for batch in batches:
            with ledger.write() as session:
                ids = [cid for (cid,) in session.execute(select(ClaimRow.id).order_by(ClaimRow.claim_number))]
                rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
                deltas: dict = defaultdict(int)
                rows = []
                for index, resp, cents in batch:
                    rows.append(
                        {
                            "claim_id": ids[index],
                            "responsibility": resp,
                            "kind": "payment",
                            "amount": cents,
                            "posting_date": AS_OF,
                            "effective_date": AS_OF,
                            "created_by": actor.user,
                        }
                    )
                    deltas[(ids[index], resp)] += cents
                rec.insert(LedgerEntryRow, rows)
                claims_repo.apply_balance_deltas(session, dict(deltas), since={k: AS_OF for k in deltas})
                rec.finish(action="test.post", entity="claim")
            with ledger.read() as session:
                assert balance_summary.drift(session) == []
    finally:
        ledger.dispose()


@pytest.mark.parametrize(
    "query",
    [
        AgingQuery(as_of=AS_OF, basis=Basis.RESPONSIBILITY),
        AgingQuery(as_of=AS_OF, group_by=GroupBy.CLAIM),
        AgingQuery(as_of=AS_OF, min_balance=100),
    ],
)
def test_what_the_summary_cannot_answer_takes_the_long_way(query):
    assert not summary_serves(query)


def test_a_party_that_owes_again_is_responsible_again_from_that_day(ledger, actor, tmp_path):
    """responsible_since moves only when a balance that was zero owes again; a balance
    that goes on owing keeps its date (aging by responsibility, the queue's no-response)."""
    from ar_cli.services.claims.charge_file import import_claims

    import_claims(ledger, write_csv(tmp_path / "c.csv", CLAIMS_HEADER, ROWS[1]), actor=actor, posting_date=AS_OF)
    days = [date(2026, 7, 1), date(2026, 7, 10), date(2026, 8, 1), date(2026, 8, 20)]
    seen = []
    for day, secondary_delta in zip(days, [5000, -5000, 3000, 1000]):
        with ledger.write() as session:
            claim_id = session.execute(select(ClaimRow.id)).scalar_one()
            rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
            rec.insert(
                LedgerEntryRow,
                [
                    {
                        "claim_id": claim_id,
                        "responsibility": 2,
                        "kind": "transfer",
                        "amount": secondary_delta,
                        "posting_date": day,
                        "effective_date": day,
                        "created_by": actor.user,
                    }
                ],
            )
            claims_repo.apply_balance_deltas(session, {(claim_id, 2): secondary_delta}, since={(claim_id, 2): day})
            rec.finish(action="test.post", entity="claim")
        with ledger.read() as session:
            seen.append(
                session.execute(
                    select(ClaimBalanceRow.balance, ClaimBalanceRow.responsible_since).where(
                        ClaimBalanceRow.responsibility == 2
                    )
                ).one()
            )
    # Owes from 07-01; paid off 07-10 (the date stays: it owed nothing after); owes again
    # from 08-01; more on 08-20 keeps 08-01.
    assert [tuple(r) for r in seen] == [(5000, days[0]), (0, days[0]), (3000, days[2]), (4000, days[2])]

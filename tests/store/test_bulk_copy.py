"""PostgreSQL's bulk writes (store/bulk_copy.py): COPY under ChangeRecorder.insert /
insert_tuples, and the set-based balance upsert and status update a posting batch makes.
Each is held to what the statement it replaced did: the same rows, ids, values, errors
and resulting balances and statuses."""

from datetime import UTC, date, datetime, timedelta, timezone

import psycopg
import pytest
from sqlalchemy import select

from ar_cli.domain.errors import InputError
from ar_cli.store import claims_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.location import resolve_location
from ar_cli.store.queries import era as era_queries
from ar_cli.store.sql import sql_of
from ar_cli.store.tables import PayerRow
from conftest import REPO
from support import Cli

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def pg_ledger(pg_url):
    from ar_cli.services.schema_admin import init_ledger

    init_ledger(resolve_location(pg_url))
    opened = Ledger(resolve_location(pg_url)).open()
    yield opened
    opened.dispose()


def _payers(prefix: str, count: int) -> list[dict]:
    return [{"code": f"{prefix}{n:04d}", "name": f"Payer {n}", "created_at": NOW} for n in range(count)]


def test_reserved_ids_follow_the_rows_and_the_sequence_moves_past_them(pg_ledger):
    with pg_ledger.write() as session:
        rec = ChangeRecorder(session, actor="tester", now=NOW)
        first = rec.insert(PayerRow, _payers("A", 3), returning_ids=True)
        more = rec.insert(PayerRow, _payers("B", 5001), returning_ids=True)  # two COPY batches
        session.add(PayerRow(code="ORM", name="after", created_at=NOW))
        session.flush()
        rec.finish(action="test.copy")
    ids = first + more
    assert ids == sorted(ids) and len(set(ids)) == len(ids) == 5004
    with pg_ledger.read() as session:
        stored = dict(session.execute(select(PayerRow.code, PayerRow.id)).all())
    assert [stored[row["code"]] for row in _payers("A", 3) + _payers("B", 5001)] == ids
    assert stored["ORM"] > ids[-1]


def test_copied_values_are_what_an_insert_stores(pg_ledger):
    """Through each column's type: a zoned time lands as the same instant, defaults
    (financial class, timely filing) as the model declares them."""
    elsewhere = datetime(2026, 6, 30, 7, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-5)))
    with pg_ledger.write() as session:
        rec = ChangeRecorder(session, actor="tester", now=NOW)
        rec.insert(PayerRow, [{"code": "COPY", "name": "Ä payer\ttab\\slash\nline", "created_at": elsewhere}])
        session.add(PayerRow(code="ORM", name="Ä payer\ttab\\slash\nline", created_at=elsewhere))
        rec.finish(action="test.copy")
    with pg_ledger.read() as session:
        rows = {
            row.code: (row.name, row.created_at, row.financial_class, row.timely_filing_count, row.timely_filing_unit)
            for row in session.execute(select(PayerRow)).scalars()
        }
    assert rows["COPY"] == rows["ORM"]
    assert rows["COPY"][1] == elsewhere


def test_pending_orm_changes_are_written_before_the_copy(pg_ledger):
    """As SQLAlchemy's INSERT autoflushed: a payer added on the session and not flushed
    makes the copied duplicate fail at the copy (not later, at the commit's flush)."""
    reached = False
    with pytest.raises(psycopg.errors.UniqueViolation), pg_ledger.write() as session:
        rec = ChangeRecorder(session, actor="tester", now=NOW)
        session.add(PayerRow(code="SAME", name="first", created_at=NOW))
        rec.insert(PayerRow, [{"code": "SAME", "name": "second", "created_at": NOW}])
        reached = True
    assert not reached
    with pg_ledger.read() as session:
        assert session.execute(select(PayerRow.id).where(PayerRow.code == "SAME")).all() == []


def test_a_value_too_long_is_the_ledgers_one_line_and_nothing_is_written(pg_ledger):
    with pytest.raises(InputError, match="a value is longer than the ledger allows"), pg_ledger.write() as session:
        rec = ChangeRecorder(session, actor="tester", now=NOW)
        rec.insert(PayerRow, [*_payers("C", 2), {"code": "X" * 81, "name": "long", "created_at": NOW}])
        rec.finish(action="test.copy")
    with pg_ledger.read() as session:
        assert session.execute(select(PayerRow.id)).all() == []


@pytest.fixture
def pg_claims(pg_url, pg_ledger):
    """The sample practice's claims on PostgreSQL: (ledger, claim ids)."""
    result = Cli(pg_url)("claims", "import", str(REPO / "sample_data" / "claims.csv"), "--posting-date", "2026-06-30")
    assert result.exit_code in (0, 1), result.output
    with pg_ledger.read() as session:
        ids = [row[0] for row in sql_of(session).rows("SELECT id FROM claim ORDER BY id")]
    return pg_ledger, ids


class _Undo(Exception):
    """Carries what a write saw out of it, and rolls it back."""


def _rolled_back(ledger, write) -> list[tuple]:
    try:
        with ledger.write() as session:
            raise _Undo(write(session))
    except _Undo as undo:
        return undo.args[0]


def _balances(session) -> list[tuple]:
    return sql_of(session).rows(
        "SELECT claim_id, responsibility, balance, responsible_since FROM claim_balance ORDER BY 1, 2"
    )


def test_the_set_based_balance_upsert_does_what_a_statement_per_balance_did(pg_claims):
    """Existing balances move (one to zero, one from zero: its `responsible_since`
    follows), new responsibilities are made: the same table either way."""
    ledger, ids = pg_claims
    with ledger.read() as session:
        before = {(c, r): b for c, r, b, _ in _balances(session)}
    zero = next(key for key, balance in before.items() if balance)
    deltas = {zero: -before[zero], (ids[0], 4): 1234, (ids[1], 4): -5}
    deltas |= {key: 100 for key in list(before)[:20] if key != zero}
    since = {key: date(2026, 7, n % 28 + 1) for n, key in enumerate(sorted(deltas))}

    def per_row(session) -> None:
        sql_of(session).executemany(
            claims_repo._UPSERT_BALANCE,
            [
                {"claim_id": c, "responsibility": r, "balance": d, "since": since[(c, r)]}
                for (c, r), d in sorted(deltas.items())
            ],
        )

    def write(first_pass):
        def run(session) -> list[tuple]:
            first_pass(session)
            # again: the balance moved to zero moves from zero (responsible since anew)
            claims_repo._upsert_balances(session, {zero: before[zero]}, {zero: date(2026, 8, 1)})
            return _balances(session)

        return run

    by_set = _rolled_back(ledger, write(lambda session: claims_repo._upsert_balances(session, deltas, since)))
    assert by_set == _rolled_back(ledger, write(per_row))
    found = {(c, r): (b, s) for c, r, b, s in by_set}
    assert found[(ids[0], 4)] == (1234, since[(ids[0], 4)])
    assert found[zero][1] == date(2026, 8, 1)


def test_the_set_based_status_update_does_what_a_statement_per_claim_did(pg_claims):
    ledger, ids = pg_claims
    statuses = [(claim_id, ("paid", "partial", "denied")[n % 3]) for n, claim_id in enumerate(ids[:25])]

    def by_set(session) -> list[tuple]:
        era_queries.set_claim_statuses(session, statuses)
        return sql_of(session).rows("SELECT id, status FROM claim ORDER BY id")

    def per_row(session) -> list[tuple]:
        sql_of(session).executemany(
            "UPDATE claim SET status = :status WHERE id = :id",
            [{"status": status, "id": claim_id} for claim_id, status in statuses],
        )
        return sql_of(session).rows("SELECT id, status FROM claim ORDER BY id")

    found = _rolled_back(ledger, by_set)
    assert found == _rolled_back(ledger, per_row)
    assert dict(found)[ids[0]] == "paid"

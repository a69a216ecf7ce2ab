"""The bulk writer every change goes through (ChangeRecorder.insert / insert_tuples):
on SQLite it writes many rows per INSERT statement and the rest one by one; whatever
the count, every row lands once, in order, with its values. SQLite and PostgreSQL."""

import sqlite3
from datetime import UTC, datetime

import psycopg
import pytest
import sqlalchemy.exc
from sqlalchemy import select

from ar_cli.store.audit import chain as audit_chain
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.tables import PayerRow

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
# A duplicate key, as the driver under the bulk writer or SQLAlchemy raises it.
_DUPLICATE_KEY = (sqlite3.IntegrityError, psycopg.IntegrityError, sqlalchemy.exc.IntegrityError)


@pytest.fixture
def small_statements(monkeypatch):
    """Three payer rows (8 to 10 columns each) per INSERT statement, so that a handful of
    rows crosses every boundary: whole statements, then the rows left over."""
    monkeypatch.setattr(audit_chain, "_PARAMETERS_PER_INSERT", 30)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7, 1200])
def test_every_row_lands_once_in_order(ledger, small_statements, count):
    rows = [
        {
            "code": f"P{n:05d}",
            "name": f"Payer {n}",
            "financial_class": "commercial",
            "timely_filing_count": n,
            "timely_filing_unit": "d",
            "created_at": NOW,
        }
        for n in range(count)
    ]
    with ledger.write() as session:
        rec = ChangeRecorder(session, actor="tester", now=NOW)
        ids = rec.insert(PayerRow, rows, returning_ids=True)
        rec.finish(action="test.bulk")
    assert len(ids) == count and ids == sorted(ids)
    with ledger.read() as session:
        stored = session.execute(
            select(PayerRow.id, PayerRow.code, PayerRow.timely_filing_count)
            .where(PayerRow.code.like("P%"))
            .order_by(PayerRow.id)
        ).all()
    assert [tuple(r) for r in stored] == [(i, f"P{n:05d}", n) for n, i in enumerate(ids)]


def test_a_failed_row_fails_the_whole_write(ledger, small_statements):
    rows = [{"code": f"Q{n}", "name": "x", "created_at": NOW} for n in range(11)]
    rows[9]["code"] = "Q0"  # a duplicate code, in a later statement
    with pytest.raises(_DUPLICATE_KEY), ledger.write() as session:
        rec = ChangeRecorder(session, actor="tester", now=NOW)
        rec.insert(PayerRow, rows)
        rec.finish(action="test.bulk")
    with ledger.read() as session:
        assert session.execute(select(PayerRow.id).where(PayerRow.code.like("Q%"))).all() == []

"""The canonical row text (row encoding 2, domain/audit.py) is one text whoever makes it:
the writers make it in Python from the values they insert, `audit verify` has the
database build it from the stored row (store/audit/rows.text_sql). For random rows of
every covered table — unicode, quotes, backslashes, control characters, NULLs, negative
and 64-bit integers, dates from year 1 to 9999, times with microseconds in any zone —
the text SQLite and PostgreSQL build equals the text Python makes, byte for byte."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, DateTime, Integer, String

from ar_cli.domain.audit import row_text, row_texts, text_row_hash
from ar_cli.store.audit import rows as audit_rows

TABLES = sorted(audit_rows.COVERED)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))])


def _text(sqlite: bool, length: int | None):
    # PostgreSQL's text cannot hold U+0000; no database holds a lone surrogate.
    blacklist = ("Cs",)
    chars = st.characters(blacklist_categories=blacklist, blacklist_characters="" if sqlite else "\x00")
    plain = st.text(alphabet=chars, max_size=min(length or 40, 40))
    tricky = st.text(alphabet=st.sampled_from('"\\|,[]\n\t\x01\x1f\x7f\u2028é€😀 nul'), max_size=min(length or 12, 12))
    return st.one_of(plain, tricky)


def _values(table: str, sqlite: bool):
    """A strategy for one row of `table`: its hashed columns, values as Python writes them."""
    parts = []
    for name in audit_rows.columns(table):
        column = audit_rows.COVERED[table].__table__.c[name]
        kind = getattr(column.type, "impl", column.type)
        if isinstance(kind, DateTime):
            value = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=ZONES)
        elif isinstance(kind, Date):
            value = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
        elif isinstance(kind, Integer):
            bits = 63 if sqlite or kind.__class__.__name__ == "BigInteger" else 31
            value = st.one_of(
                st.integers(min_value=-(2**bits), max_value=2**bits - 1), st.integers(min_value=-3, max_value=3)
            )
        elif isinstance(kind, String):
            value = _text(sqlite, kind.length)
        else:  # pragma: no cover
            raise AssertionError(f"{table}.{name}: {kind!r}")
        parts.append(st.one_of(st.none(), value) if column.nullable else value)
    return st.tuples(*parts)


def _stored(table: str, values: tuple) -> tuple:
    """The values as the SQLite writers store them (store/audit/chain._sqlite_value)."""
    return tuple(
        audit_rows.stamp(v) if isinstance(v, datetime) else v.isoformat() if isinstance(v, date) else v for v in values
    )


@pytest.fixture
def raw(ledger_url):
    """The migrated ledger (each database) through its driver, foreign keys off: the
    rows are random."""
    if "://" not in ledger_url:
        conn = sqlite3.connect(ledger_url)
        yield "sqlite", conn
    else:
        conn = psycopg.connect(ledger_url.replace("postgresql+psycopg", "postgresql"))
        conn.execute("SET session_replication_role = replica")
        conn.commit()
        yield "postgresql", conn
    conn.close()


def _database_text(dialect: str, conn, table: str, values: tuple) -> tuple[str, str]:
    """Insert the row, read back (the database's canonical text, its row as verify reads
    it), and take the row out again."""
    names = audit_rows.columns(table)
    mark = "?" if dialect == "sqlite" else "%s"
    sql = f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({", ".join([mark] * len(names))})'
    try:
        if table == "ledger_entry":  # a view (revision 0010): its row goes in as a posting and an entry
            cursor = _insert_entry(conn, mark, dict(zip(names, values)))
        else:
            cursor = conn.execute(sql + " RETURNING id", values)
        (row_id,) = cursor.fetchone()
        got = conn.execute(audit_rows.text_select(table, dialect) + f" WHERE id = {mark}", (row_id,)).fetchone()
        return got[3], got
    finally:
        conn.rollback()


def _insert_entry(conn, mark: str, row: dict):
    """A ledger_entry row written as revision 0010 stores it: its shared values on a
    posting, the rest on a posting_entry; the source split between the two."""
    shared = ("posting_date", "effective_date", "payer_id", "source_file_id", "remittance_id", "audit_event_id")
    source = row["source_ref"]
    cut = len(source) // 2
    posting = [*shared, "created_by", "source_ref"]
    (posting_id,) = conn.execute(
        f"INSERT INTO posting ({', '.join(posting)}) VALUES ({', '.join([mark] * len(posting))}) RETURNING id",
        (*[row[n] for n in shared], row["created_by"], source[:cut]),
    ).fetchone()
    own = [n for n in row if n not in shared and n not in ("created_by", "source_ref")]
    entry = ["posting_id", *own, "source_ref"]
    return conn.execute(
        f"INSERT INTO posting_entry ({', '.join(entry)}) VALUES ({', '.join([mark] * len(entry))}) RETURNING id",
        (posting_id, *[row[n] for n in own], source[cut:]),
    )


@pytest.mark.parametrize("table", TABLES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_database_builds_the_text_python_makes(raw, table, data):
    dialect, conn = raw
    sqlite = dialect == "sqlite"
    values = data.draw(_values(table, sqlite))
    # What each writer hashes: SQLite's stored forms, PostgreSQL's through `hashable`.
    inserted = _stored(table, values) if sqlite else values
    hashed = inserted if sqlite else audit_rows.hashable(table, [values], sqlite=False)[0]
    want = row_texts([hashed])[0]
    assert want == row_text(values)  # dates and times: the same text from the objects themselves
    got, _ = _database_text(dialect, conn, table, inserted)
    assert got == want
    assert text_row_hash("", got) == text_row_hash("", want)


def test_the_text_is_json_with_nothing_left_to_choice():
    """The definition, pinned: compact, UTF-8 as itself, only quote, backslash and C0
    controls escaped (the short forms where JSON has them), NULL as null."""
    values = (
        'a"b\\c|d\n\t\x01é😀\u2028',
        -12,
        None,
        2**63 - 1,
        date(5, 3, 4),
        datetime(2026, 6, 30, 10, 0, 0, 7, tzinfo=timezone(timedelta(hours=-5))),
    )
    assert row_text(values) == (
        '["a\\"b\\\\c|d\\n\\t\\u0001é😀\u2028",-12,null,9223372036854775807,"0005-03-04","2026-06-30 15:00:00.000007"]'
    )


@pytest.mark.parametrize("value", [object(), b"bytes", 1j])
def test_a_value_with_no_canonical_text_is_refused(value):
    with pytest.raises((ValueError, TypeError)):
        row_text((value,))

"""Tampering with ledger entries through the database's own driver, as the tests that
tamper did on the wide `ledger_entry` table before revision 0010 made it a view of
`posting` and `posting_entry`: the same changes, made on those tables. SQL with `?`
marks, for SQLite and PostgreSQL alike.

A change to a value the entry shares with its posting (posting date, who, ...) is made
on a copy of its posting that only this entry is moved onto, numbered below every
posting (as the postings revision 0010 makes from older rows are: no row hash, not in
any event's manifest): so what `audit verify` names is the entry whose row changed,
as it was when the column was the entry's own.
"""

from __future__ import annotations

from ar_cli.store.audit.chain import ENTRY_OWN as OWN
from ar_cli.store.audit.chain import POSTING_SHARED as SHARED

POSTING_COLUMNS = (*SHARED, "source_ref")


def set_shared(entry_ids: tuple[int, ...], column: str, value_sql: str, params: tuple = ()) -> list[tuple[str, tuple]]:
    """Statements giving each entry `column` = `value_sql` (a shared column): each moved
    onto its own copy of its posting with that value."""
    assert column in SHARED
    statements = []
    for entry_id in entry_ids:
        picked = ", ".join(value_sql if name == column else name for name in POSTING_COLUMNS)
        statements += [
            (
                f"INSERT INTO posting (id, {', '.join(POSTING_COLUMNS)}) SELECT (SELECT min(id) - 1 FROM posting), "
                f"{picked} FROM posting WHERE id = (SELECT posting_id FROM posting_entry WHERE id = ?)",
                (*params, entry_id),
            ),
            ("UPDATE posting_entry SET posting_id = (SELECT min(id) FROM posting) WHERE id = ?", (entry_id,)),
        ]
    return statements


def insert_wide(values: dict, row_hash: str | None = None) -> list[tuple[str, tuple]]:
    """Statements inserting a whole ledger_entry row (every column but id and row_hash
    given in `values`, missing ones as NULL or ''): its shared values on a new posting
    numbered below every posting, its own on a new entry (the next id)."""
    shared = tuple(values.get(name) for name in SHARED)
    own = tuple(
        values.get(name, "" if name in ("adjustment_group", "reason_code", "remark_codes") else None) for name in OWN
    )
    marks = ", ".join("?" for _ in SHARED)
    return [
        (
            f"INSERT INTO posting (id, {', '.join(POSTING_COLUMNS)}) VALUES "
            f"((SELECT coalesce(min(id), 1) - 1 FROM posting), {marks}, '')",
            shared,
        ),
        (
            f"INSERT INTO posting_entry (posting_id, {', '.join(OWN)}, source_ref, row_hash) VALUES "
            f"((SELECT min(id) FROM posting), {', '.join('?' for _ in OWN)}, ?, ?)",
            (*own, values.get("source_ref", ""), row_hash),
        ),
    ]


def copy_entry(entry_id: int) -> tuple[str, tuple]:
    """A statement copying an entry, hash and all, under the same posting (the next id)."""
    columns = ", ".join(("posting_id", *OWN, "source_ref", "row_hash"))
    return (f"INSERT INTO posting_entry ({columns}) SELECT {columns} FROM posting_entry WHERE id = ?", (entry_id,))


def raw(ledger, *statements: tuple[str, tuple]) -> list:
    """Run SQL (`?` marks) through the driver itself, foreign keys off on PostgreSQL
    (as a superuser can; sqlite3 has them off unless asked); the last statement's rows."""
    import sqlite3

    import psycopg

    url = ledger.engine.url
    if url.get_backend_name() == "sqlite":
        conn = sqlite3.connect(url.database)
        mark = "?"
    else:
        conn = psycopg.connect(url.render_as_string(hide_password=False).replace("postgresql+psycopg", "postgresql"))
        conn.execute("SET session_replication_role = replica")
        mark = "%s"
    try:
        rows: list = []
        for sql, params in statements:
            cursor = conn.execute(sql.replace("?", mark), params)
            rows = cursor.fetchall() if cursor.description else []
        conn.commit()
        return rows
    finally:
        conn.close()

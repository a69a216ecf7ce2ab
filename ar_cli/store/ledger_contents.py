"""Whether a ledger holds anything yet: an empty ledger's reports say so, rather than
print zeros that read as "all is well"."""

from __future__ import annotations

from pathlib import Path

from ar_cli.store.reads import Reads, SqliteReads, as_reads


def is_empty(source) -> bool:
    """No claim and no remittance: nothing was ever imported or posted (settings, users
    and payers set up by hand do not make a ledger's books)."""
    db: Reads = as_reads(source)
    return not db.rows("SELECT 1 FROM claim LIMIT 1") and not db.rows("SELECT 1 FROM remittance LIMIT 1")


def file_is_empty(path: Path) -> bool | None:
    """`is_empty` for a SQLite ledger file read with sqlite3 alone (the fast readers'
    path); None when the file is not a ledger at this code's head."""
    from ar_cli.store.read_only import read_only

    return read_only(path, lambda con: is_empty(SqliteReads(con)))

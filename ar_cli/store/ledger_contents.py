"""Whether a ledger holds anything yet: an empty ledger's reports say so, rather than
print zeros that read as "all is well"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ar_cli.store.sql import sql_of


def is_empty(source: Any) -> bool:
    """No claim and no remittance: nothing was ever imported or posted (settings, users
    and payers set up by hand do not make a ledger's books)."""
    db = sql_of(source)
    return db.one("SELECT 1 FROM claim LIMIT 1") is None and db.one("SELECT 1 FROM remittance LIMIT 1") is None


def file_is_empty(path: Path) -> bool | None:
    """`is_empty` for a SQLite ledger file read with sqlite3 alone (the fast readers'
    path); None when the file is not a ledger at this code's head."""
    from ar_cli.store.read_only import read_only

    return read_only(path, is_empty)

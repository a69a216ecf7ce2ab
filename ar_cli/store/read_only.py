"""A SQLite ledger file opened read-only with the standard library's sqlite3, for the
commands that only read (`aging` as of today, `queue`) and start faster without
SQLAlchemy and the table models (about a second).

It vouches only for a file that is a ledger at this code's schema head; for anything
else (missing, not SQLite, behind or ahead of head, busy, unreadable) it gives None,
and the caller opens the ledger the usual way (`Ledger.open`), which creates, migrates,
refuses or explains exactly as for every other command.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ar_cli.store.revisions import HEAD_REVISION
from ar_cli.store.sql import Sql, sql_of

T = TypeVar("T")

# As store/database.py's connections: 64 MB of page cache (the default is 2 MB).
_CACHE_SIZE = -65536
# Pages read through a memory map rather than copied in: each run starts with an empty
# page cache, and the queue's scattered lookups on a large ledger then cost about a third
# less (SQLite caps this at its own maximum, 2 GB by default).
_MMAP_SIZE = 2**31


def schema_head() -> str:
    """The schema head this code expects (store/revisions.py, which imports nothing:
    store/schema.py would import SQLAlchemy, the very cost this opener avoids)."""
    return HEAD_REVISION


def read_only(path: Path, use: Callable[[Sql], T | None]) -> T | None:
    """`use(db)` (store/sql.py over the sqlite3 connection) in one read transaction on the
    SQLite ledger at `path`, opened read-only, or None when the file is not a ledger at this code's schema head or
    SQLite refused (busy, damaged, unreadable) at any point. Errors other than SQLite's
    (a bad filter, an unknown payer) reach the caller: the usual path would say the same."""
    if not path.is_file():
        return None
    try:
        # timeout 0: a ledger that makes readers wait is left to the usual open, which
        # waits the configured busy timeout and says so.
        con = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        con.execute(f"PRAGMA cache_size={_CACHE_SIZE:d}")
        con.execute(f"PRAGMA mmap_size={_MMAP_SIZE:d}")
        con.execute("BEGIN")
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        if row is None or row[0] != schema_head():
            return None
        return use(sql_of(con))
    except sqlite3.Error:
        return None
    finally:
        con.close()

"""The work queue straight from a SQLite ledger file, without SQLAlchemy: most of
`ar-cli queue`'s start-up was importing it and the table models.

The file is opened read-only by store/read_only.py and read through store/sql.py over its
sqlite3 connection: the one read path, `read_queue`, with the same statements in the same
order as on an opened ledger, so the report is the same. None when the opener does not vouch for the
file (missing, not a ledger at this code's schema head, busy, unreadable, or SQLite
failed midway): the caller then opens the ledger the usual way. A bad filter or an
unknown payer or user is the usual error, raised from here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ar_cli.reports.queue.build import QueueFilter
from ar_cli.reports.queue.report import read_queue, report_of
from ar_cli.reports.report import Report
from ar_cli.store.read_only import read_only


def queue_from_file(path: Path, flt: QueueFilter, *, as_of: date) -> Report | None:
    """The queue report of the SQLite ledger at `path`, or None: take the usual path."""
    return read_only(path, lambda db: report_of(read_queue(db, flt, as_of=as_of), flt))

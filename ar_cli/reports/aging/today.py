"""Aging as of today straight from a SQLite ledger file, without SQLAlchemy: the start-up
of `ar-cli aging` drops from ~1.5 s to a few tenths.

Not a second reader: `aging_from_summary_file` is reports/aging/report.py's one builder
run on the file (`aging_from_file`), with the same statements. It serves what the
open-balance summary serves and returns None for anything else; the caller then runs the
same builder on an opened ledger.
"""

from __future__ import annotations

from pathlib import Path

from ar_cli.reports.aging.layout import Aging, AgingQuery
from ar_cli.reports.aging.report import aging_from_file


def aging_from_summary_file(path: Path, query: AgingQuery) -> Aging | None:
    """The aging of the SQLite ledger at `path`, or None: take the usual path."""
    return aging_from_file(path, query)

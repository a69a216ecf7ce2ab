"""Aging: open balances in age buckets, grouped by payer, class, patient, provider or claim.

One builder for every aging: today or a past date, SQLite or PostgreSQL, through an opened
ledger's session or (`aging_from_file`, `ar-cli aging`'s fast start-up) a SQLite file read
with the standard library's sqlite3. The SQL is store/queries/aging.py's, one statement per
question, run through store/sql.py either way; the report built from its sums per (group,
bucket) is reports/aging/layout.py's.

By payer, an insurance balance sits under the payer of the claim's coverage at that
responsibility's rank (today's coverages, also for a past date); patient balances make
the 'Patient' row.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ar_cli.domain.aging import AgedSum, BucketEdges, parse_edges
from ar_cli.domain.settings import SETTINGS
from ar_cli.reports.aging.layout import (
    Aging,
    AgingQuery,
    aged_sums,
    aging_from_sums,
    summary_serves,
)
from ar_cli.store.queries import aging as aging_sql
from ar_cli.store.queries import lookups
from ar_cli.store.read_only import read_only
from ar_cli.store.sql import Sql, sql_of

if TYPE_CHECKING:
    from ar_cli.store import Session

BUCKETS_SETTING = "aging.buckets"


def aging_report(source: Session | Sql, query: AgingQuery) -> Aging:
    """The aging, read in the caller's transaction."""
    db = sql_of(source)
    edges = resolve_edges(db, query.edges)
    sums, from_entries = aging_sums(source, query, edges)
    return aging_from_sums(query, edges, sums, from_entries=from_entries)


def aging_from_file(path: Path, query: AgingQuery) -> Aging | None:
    """The aging of the SQLite ledger file at `path` read with sqlite3 alone (no
    SQLAlchemy to import: most of `ar-cli aging`'s start-up), by the same builder and the
    same SQL as `aging_report`, when the open-balance summary serves it (as of a date with
    nothing posted after it, and no `--payer`). None for anything else, or when the file
    is not a ledger store/read_only.py vouches for: the caller opens the ledger the usual way."""
    if not summary_serves(query) or query.payer:
        return None

    def age(db: Sql) -> Aging | None:
        edges = resolve_edges(db, query.edges)  # a bad stored setting is the same error
        if needs_entries(db, query.as_of):
            return None
        sums, from_entries = aging_sums(db, query, edges)
        return aging_from_sums(query, edges, sums, from_entries=from_entries)

    return read_only(path, age)


def resolve_edges(source: Session | Sql, edges: BucketEdges | None) -> BucketEdges:
    if edges is not None:
        return edges
    stored = lookups.stored_setting(sql_of(source), BUCKETS_SETTING)
    return parse_edges(
        SETTINGS[BUCKETS_SETTING].default if stored is None else stored, option=f"config {BUCKETS_SETTING}"
    )


def needs_entries(source: Session | Sql, as_of: date) -> bool:
    """True when something was posted after `as_of`: cached balances are not its sums."""
    return aging_sql.posted_after(sql_of(source), as_of)


def aging_sums(source: Session | Sql, query: AgingQuery, edges: BucketEdges) -> tuple[list[AgedSum], bool]:
    """Sums and counts per (group, bucket), with the group's labels; and whether
    the balances were summed from entries (a past date) rather than read from the cache."""
    db = sql_of(source)
    from_entries = needs_entries(db, query.as_of)
    rows = aging_sql.aged_rows(
        db,
        basis=query.basis,
        group_by=query.group_by,
        party=query.party,
        edges=edges,
        as_of=query.as_of,
        payer_id=lookups.payer_id(db, query.payer) if query.payer else None,
        financial_class=query.financial_class,
        min_balance=query.min_balance,
        from_entries=from_entries,
    )
    return aged_sums(rows, query, edges), from_entries


def snapshot_measure(session: Session, as_of: date, edges: BucketEdges) -> list[AgedSum]:
    """What `aging snapshot` stores: every balance by payer, aged from the date of service."""
    return aging_sums(session, AgingQuery(as_of=as_of, edges=edges), edges)[0]

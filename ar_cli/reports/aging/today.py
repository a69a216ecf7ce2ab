"""Aging as of today straight from a SQLite ledger file's open-balance summary, without
SQLAlchemy: the start-up of `ar-cli aging` drops from ~1.5 s to a few tenths.

It serves what the summary serves (`summary_serves`: by payer or financial class, from
the date of service or billing, no minimum balance) when nothing was posted after the
as-of date, except a `--payer` filter (finding a payer by code, alias or name is
store/payers_repo's rule, not repeated here). It returns None for anything else, or
when the file is not a ledger the reader vouches for; the caller then runs
reports/aging/report.py on an opened ledger, which gives the same report from the same SQL.
"""

from __future__ import annotations

from pathlib import Path

from ar_cli.domain.aging import parse_edges
from ar_cli.domain.settings import SETTINGS
from ar_cli.reports.aging.layout import Aging, AgingQuery, aged_sums, aging_from_sums, summary_serves
from ar_cli.store.summary_reader import SummaryReader, aged_summary_sql, read_summary

BUCKETS_SETTING = "aging.buckets"


def aging_from_summary_file(path: Path, query: AgingQuery) -> Aging | None:
    """The aging of the SQLite ledger at `path`, or None: take the usual path."""
    if not summary_serves(query) or query.payer:
        return None

    def age(reader: SummaryReader) -> Aging | None:
        # As reports/aging/report.py: the edges first (a bad stored setting is the same error),
        # then whether the summary holds the balances of that date.
        edges = query.edges
        if edges is None:
            stored = reader.setting(BUCKETS_SETTING)
            edges = parse_edges(SETTINGS[BUCKETS_SETTING].default if stored is None else stored,
                                option=f"config {BUCKETS_SETTING}")
        if reader.posted_after(query.as_of):
            return None
        sql, params = aged_summary_sql(basis=query.basis, group_by=query.group_by, party=query.party,
                                       edges=edges, as_of=query.as_of, financial_class=query.financial_class)
        return aging_from_sums(query, edges, aged_sums(reader.rows(sql, params), query, edges),
                               from_entries=False)

    return read_summary(path, age)

"""The open-balance summary aged into buckets: the one SQL statement that does it, and a
reader of it on a SQLite ledger file opened with the standard library's sqlite3.

`aging` as of today needs only the summary (store/balance_summary.py), the payers and
one setting. Reading them without SQLAlchemy and the table models spares about a
second of start-up; the SQLAlchemy session (PostgreSQL, or a SQLite ledger this reader
declines) runs the very same statement, so both ways give the same rows.

The file is opened by store/read_only.py, which vouches only for a ledger at this
code's schema head; for anything else the caller opens the ledger the usual way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from ar_cli.domain.aging import CREDIT_BUCKET, OVER_DAYS, Basis, BucketEdges, GroupBy, Party
from ar_cli.store import read_only
from ar_cli.store.reads import Reads, SqliteReads, day, first_value

PATIENT_KEY = -1  # the summary's owner key of patient balances (balance_summary.PATIENT_KEY)

T = TypeVar("T")


def aged_summary_sql(*, basis: Basis, group_by: GroupBy, party: Party, edges: BucketEdges, as_of: date,
                     payer_id: int | None = None, financial_class: str | None = None) -> tuple[str, dict]:
    """(key, bucket, amount, balances, over, *labels) per owner group and bucket, as SQL
    with :named parameters (dates as `date`). By payer the key is the owner key (−1 the
    patient, 0 no coverage at that rank) and the labels are the payer's code and name; by
    financial class the key is the class ('' no coverage, NULL the patient), no labels.

    A balance's bucket compares its basis date with cut-off dates (age <= edge exactly
    when date >= as_of − edge): no date arithmetic in SQL. A credit gets CREDIT_BUCKET.
    `over` is the part older than OVER_DAYS, for when 90 days is not an edge."""
    if basis not in (Basis.SERVICE, Basis.BILLED) or group_by not in (GroupBy.PAYER, GroupBy.FINANCIAL_CLASS):
        raise ValueError(f"the summary cannot age by {group_by} from {basis}")
    when = "s.service_date" if basis == Basis.SERVICE else "s.billed_date"
    # Bucket numbers and the patient's key are this code's integers, written into the SQL;
    # dates and the user's values are parameters.
    params: dict = {"old_cut": as_of - timedelta(days=OVER_DAYS)}
    cases = []
    for i, cut in enumerate(edges.cutoffs(as_of)):
        params[f"cut{i}"] = cut
        cases.append(f"WHEN {when} >= :cut{i} THEN {i:d}")
    bucket = f"CASE WHEN s.sign < 0 THEN {CREDIT_BUCKET:d} {' '.join(cases)} ELSE {edges.count - 1:d} END"
    by_class = group_by == GroupBy.FINANCIAL_CLASS
    key = (f"CASE WHEN s.owner_key = {PATIENT_KEY:d} THEN NULL ELSE coalesce(p.financial_class, '') END"
           if by_class else "s.owner_key")
    where = []
    if party == Party.INSURANCE:
        where.append(f"s.owner_key <> {PATIENT_KEY:d}")
    elif party == Party.PATIENT:
        where.append(f"s.owner_key = {PATIENT_KEY:d}")
    if payer_id is not None:
        where.append("s.owner_key = :payer_id")
        params["payer_id"] = payer_id
    if financial_class is not None:
        where.append("p.financial_class = :financial_class")
        params["financial_class"] = financial_class
    grouped = (f"SELECT {key} AS owner, {bucket} AS bucket, sum(s.amount) AS amount, "
               f"sum(s.balance_count) AS balances, "
               f"sum(CASE WHEN s.sign > 0 AND {when} < :old_cut THEN s.amount ELSE 0 END) AS old "
               f"FROM open_balance_summary AS s"
               + (" LEFT OUTER JOIN payer AS p ON p.id = s.owner_key" if by_class or financial_class else "")
               + (f" WHERE {' AND '.join(where)}" if where else "")
               + " GROUP BY 1, 2")
    if by_class:
        return f"SELECT g.owner, g.bucket, g.amount, g.balances, g.old FROM ({grouped}) AS g", params
    return (f"SELECT g.owner, g.bucket, g.amount, g.balances, g.old, named.code, named.name "
            f"FROM ({grouped}) AS g LEFT OUTER JOIN payer AS named ON named.id = g.owner"), params


def posted_after(db: Reads, as_of: date) -> bool:
    """Whether anything was posted after `as_of` (the summary is then not its sums)."""
    latest = day(first_value(db.rows("SELECT max(posting_date) FROM ledger_entry")))
    return latest is not None and latest > as_of


class SummaryReader(SqliteReads):
    """Reads inside one read transaction on a ledger file at this code's schema head."""

    def posted_after(self, as_of: date) -> bool:
        return posted_after(self, as_of)

    def setting(self, key: str) -> str | None:
        """The stored value of a team setting; None when the default applies."""
        return first_value(self.rows('SELECT value FROM setting WHERE "key" = :key', {"key": key}))


def read_summary(path: Path, use: Callable[[SummaryReader], T | None]) -> T | None:
    """`use(reader)` in one read-only transaction on the SQLite ledger at `path`, or None
    when the opener does not vouch for the file (store/read_only.py). Errors other than
    SQLite's (a bad setting) reach the caller."""
    return read_only.read_only(path, lambda con: use(SummaryReader(con)))

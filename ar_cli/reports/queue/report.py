"""The work queue as a report: one row per item, best first, with its score and why.

`read_queue` reads it through store/sql.py: an opened ledger's session (`load_queue`,
`queue_report`) or a read-only sqlite3 connection (reports/queue/from_file.py); both run
the same statements.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ar_cli.reports.queue.build import Queue, QueueFilter, add_details, build_queue
from ar_cli.reports.report import Column, Kind, Report
from ar_cli.store.sql import Sql, sql_of

if TYPE_CHECKING:
    from ar_cli.store import Session
    from ar_cli.store.database import Ledger

COLUMNS = [
    Column(key="rank", title="#", kind=Kind.INT),
    Column(key="kind", title="Kind"),
    Column(key="claim_number", title="Claim / item", kind=Kind.ID),
    Column(key="owed_by", title="Owed by"),
    Column(key="payer", title="Payer"),
    Column(key="patient_name", title="Patient", phi=True),
    Column(key="amount", title="Amount", kind=Kind.MONEY),
    Column(key="age_days", title="Age", kind=Kind.INT),
    Column(key="score", title="Score", kind=Kind.INT),
    Column(key="why", title="Why"),
    Column(key="assignee", title="Assignee"),
    Column(key="follow_up", title="Follow-up", kind=Kind.DATE),
]


def queue_rows(queue: Queue) -> list[dict]:
    rows = []
    for rank, item in enumerate(queue.items, 1):
        rows.append(
            {
                "rank": rank,
                "kind": item.kind.value,
                "claim_number": item.ref,
                "owed_by": item.owed_by,
                "payer": item.payer,
                "patient_name": item.extra.get("patient_name", ""),
                "amount": item.amount,
                "age_days": item.facts.age_days,
                "score": item.score,
                "why": item.why,
                "assignee": item.extra.get("assignee", ""),
                "follow_up": item.extra.get("follow_up"),
            }
        )
    return rows


def read_queue(source: Sql | Session, flt: QueueFilter, *, as_of: date) -> Queue:
    """The queue with the shown rows' details, in the caller's read transaction."""
    db = sql_of(source)
    queue = build_queue(db, flt, as_of=as_of)
    add_details(db, queue.items, as_of)
    return queue


def load_queue(ledger: Ledger, flt: QueueFilter, *, as_of: date) -> Queue:
    with ledger.read() as session:
        return read_queue(session, flt, as_of=as_of)


def queue_report(ledger: Ledger, flt: QueueFilter, *, as_of: date) -> Report:
    return report_of(load_queue(ledger, flt, as_of=as_of), flt)


def report_of(queue: Queue, flt: QueueFilter) -> Report:
    as_of = queue.as_of
    rows = queue_rows(queue)
    shown = "all" if flt.limit is None else f"top {flt.limit}"
    notes = [] if rows else ["Nothing to work: no item matches."]
    return Report(
        name="queue", title=f"Work queue as of {as_of.isoformat()} · {shown}", columns=COLUMNS, rows=rows, notes=notes
    )

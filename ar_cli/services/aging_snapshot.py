"""Storing a date's aging per payer (`ar-cli aging snapshot`), so trends can be drawn later.

One snapshot is the rows of one as-of date: per payer (NULL for balances no payer owes:
the patient's) and per bucket, the amount and the count of balances, with the bucket
edges used. Credits are stored too, in bucket −1, so a snapshot adds up to the whole
receivable. Ages count from the date of service. Taking a date again replaces its rows
— in one audited transaction, so a snapshot is never half old and half new.

The bucketing itself is the aging report's SQL; services sit above reports, so the
caller hands it in as `measure`, and it runs inside this write transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ar_cli.domain.aging import CREDIT_BUCKET, AgedSum, BucketEdges, parse_edges
from ar_cli.services.context import Actor
from ar_cli.store import Session
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.queries.settings import get_setting
from ar_cli.store.queries.snapshots import drop_snapshot
from ar_cli.store.tables import AgingSnapshotRow

# measure(session, as_of, edges) → by-payer sums: party 0 is the patient, key the payer id.
Measure = Callable[[Session, date, BucketEdges], list[AgedSum]]


@dataclass(frozen=True, kw_only=True)
class SnapshotResult:
    as_of: date
    edges: BucketEdges
    rows: int  # rows stored
    payers: int  # payers with a balance (the patient not counted)
    total: int  # cents in the buckets
    credits: int  # cents of credit balances (negative), kept apart
    replaced: int  # rows of an earlier snapshot of the same date, now gone


def take_snapshot(
    ledger: Ledger, *, as_of: date, edges: BucketEdges | None, actor: Actor, measure: Measure
) -> SnapshotResult:
    with ledger.write() as session:
        edges = edges or parse_edges(get_setting(session, "aging.buckets"), option="config aging.buckets")
        sums = measure(session, as_of, edges)
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        replaced = drop_snapshot(session, as_of)
        if replaced:
            rec.note_update("aging_snapshot", as_of.isoformat(), {"replaced_rows": replaced})
        rows = _rows(sums, as_of, edges, actor)
        rec.insert(AgingSnapshotRow, rows)
        result = SnapshotResult(
            as_of=as_of,
            edges=edges,
            rows=len(rows),
            payers=len({r["payer_id"] for r in rows if r["payer_id"] is not None}),
            total=sum(r["amount"] for r in rows if r["bucket"] != CREDIT_BUCKET),
            credits=sum(r["amount"] for r in rows if r["bucket"] == CREDIT_BUCKET),
            replaced=replaced,
        )
        rec.finish(
            action="aging.snapshot",
            entity="aging_snapshot",
            entity_key=as_of.isoformat(),
            details={
                "edges": edges.text(),
                "rows": result.rows,
                "replaced": replaced,
                "total": result.total,
                "credits": result.credits,
            },
        )
    return result


def _rows(sums: list[AgedSum], as_of: date, edges: BucketEdges, actor: Actor) -> list[dict]:
    merged: dict[tuple[int | None, int], list[int]] = {}
    for item in sums:
        # An insurance balance whose coverage is gone has no payer either: it joins NULL.
        payer_id = int(item.key) if item.party and item.key is not None else None
        cell = merged.setdefault((payer_id, item.bucket), [0, 0])
        cell[0] += item.amount
        cell[1] += item.count
    if not merged:  # nothing owed: still record the date, so a trend shows it as zero
        merged = {(None, bucket): [0, 0] for bucket in range(edges.count)}
    return [
        {
            "as_of": as_of,
            "payer_id": payer_id,
            "bucket_edges": edges.text(),
            "bucket": bucket,
            "amount": amount,
            "balance_count": count,
            "created_at": actor.now,
        }
        for (payer_id, bucket), (amount, count) in sorted(merged.items(), key=_order)
    ]


def _order(item) -> tuple:
    (payer_id, bucket), _ = item
    return (payer_id is None, payer_id or 0, bucket)

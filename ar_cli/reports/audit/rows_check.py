"""`audit verify`, the money rows: each event's manifest rebuilt from the rows stored.

For every money table (store/audit_rows.COVERED), rows are read in id order and each
row's hash is recomputed from its values and the stored hash of the row before it in
the same event and table (domain/audit.py). A finding names the row and its event:

- a row whose values do not hash to its stored row hash: changed after it was written
  (or a row before it in its event was removed, which the count also says);
- a row beyond the count its event's manifest gives for that table: inserted later,
  attributed to an event that did not write it; an event with fewer rows stored than it
  wrote: rows removed; a row with no row hash above the revision's boundary, or naming
  an event that has no manifest: written around the chain;
- a money row changed in place is checked against the state hash of the last event that
  changed it (its manifest's `changed` lines), since its values no longer hash into the
  chain of the event that wrote it (that link is its stored hash);
- a posting date in a month closed before the row's event was written (and not
  reopened then): DESIGN invariant 7.

Rows written before revision 0007 (ids up to the boundary the revision recorded, with
no row hash) and their events are checked the old way, by the event hashes only.
"""

from __future__ import annotations

import hashlib
import marshal
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter

from sqlalchemy import select
from sqlmodel import Session

from ar_cli.domain.audit import ROW_HASH_BYTES, Manifest, state_hash
from ar_cli.store.audit import rows as audit_rows
from ar_cli.store.tables import AuditEventRow, AuditRowsRow, ClosedPeriodRow

BOUNDARY_HEADER = "before 0007_audit_rows"


@dataclass(kw_only=True)
class Manifests:
    """What the chain's events say they wrote (events 1…), and the revision's boundary."""

    by_event: dict[int, Manifest] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)
    unreadable: set[int] = field(default_factory=set)
    boundary: dict[str, int] = field(default_factory=dict)


def load_manifests(session: Session) -> Manifests:
    t = AuditRowsRow.__table__
    found = Manifests()
    for event_id, text in session.execute(select(t.c.event_id, t.c.manifest).order_by(t.c.event_id)):
        event_id = int(event_id)
        if event_id == 0:
            found.boundary = _boundary(text)
            continue
        found.texts[event_id] = text
        try:
            found.by_event[event_id] = Manifest.parse(text)
        except ValueError:
            found.unreadable.add(event_id)
    return found


def _boundary(text: str) -> dict[str, int]:
    lines = text.splitlines()
    if not lines or lines[0] != BOUNDARY_HEADER:
        return {}
    out = {}
    for line in lines[1:]:
        name, _, last = line.partition(" ")
        if last.isdigit():
            out[name] = int(last)
    return out


@dataclass(frozen=True, kw_only=True)
class RowBreak:
    ref: str
    message: str


def check_rows(session: Session, manifests: Manifests, *,
               entry_sums: dict[tuple[int, int], int] | None = None) -> tuple[int, list[RowBreak]]:
    """Returns (money rows read, breaks). `entry_sums`, when given, is filled with the
    sum of ledger entries per (claim, responsibility) on the way."""
    occurred = {int(i): at for i, at in session.execute(select(AuditEventRow.id, AuditEventRow.occurred_at))}
    closed = _closed_months(session)
    total, found = 0, []
    for table in sorted(audit_rows.COVERED):
        sums = entry_sums if table == "ledger_entry" else None
        count, breaks = _check_table(session, table, manifests, occurred, closed, sums)
        total += count
        found.extend(breaks)
    return total, found


def _closed_months(session: Session) -> dict[str, list[tuple[datetime, datetime | None]]]:
    c = ClosedPeriodRow.__table__
    months: dict[str, list] = defaultdict(list)
    for period, closed_at, reopened_at in session.execute(select(c.c.period, c.c.closed_at, c.c.reopened_at)):
        months[period].append((closed_at, reopened_at))
    return dict(months)


def _check_table(session: Session, table: str, manifests: Manifests, occurred: dict[int, datetime],
                 closed: dict, sums: dict | None = None) -> tuple[int, list[RowBreak]]:
    by_event = manifests.by_event
    boundary = manifests.boundary.get(table, 0)
    latest: dict[int, tuple[int, str]] = {}  # row id → (last event that changed it, its state hash)
    for event_id in sorted(by_event):
        for (name, key), digest in by_event[event_id].changed.items():
            if name == table:
                latest[key] = (event_id, digest)
    names = audit_rows.columns(table)
    posted = table in audit_rows.POSTED and bool(closed)
    date_at = names.index("posting_date") + 2 if posted else 0
    claim_at, resp_at, amount_at = ((names.index(n) + 2 for n in ("claim_id", "responsibility", "amount"))
                                    if sums is not None else (0, 0, 0))
    ev_at = audit_rows.event_at(table)
    found: list[RowBreak] = []
    chains: dict[int, list] = {}  # event → [rows read, last stored hash, rows it wrote]
    seen_changed: set[int] = set()
    blake2b, dumps, size = hashlib.blake2b, marshal.dumps, ROW_HASH_BYTES  # domain/audit.row_hash, inlined
    cur_event, cur = None, None
    count, last, wrote = 0, "", 0  # the current event's chain, kept in locals (the hot loop)
    rows = 0
    # The hot loop (a million rows on a large ledger): the common row is one of the
    # current event's, hashed and compared; everything else is the slow path.
    key_of, amount_of = itemgetter(claim_at, resp_at), itemgetter(amount_at)
    for batch in audit_rows.batches(session, table):
        rows += len(batch)
        if sums is not None:  # the keys and amounts picked out in C (itemgetter)
            get = sums.get
            for key, amount in zip(map(key_of, batch), map(amount_of, batch)):
                sums[key] = get(key, 0) + (amount if type(amount) is int else _number(amount))
        for row in batch:
            event_id, stored = row[ev_at], row[1]
            if event_id != cur_event or stored is None or posted:
                if posted and event_id is not None:
                    _closed_check(found, table, row, event_id, date_at, closed, occurred)
                if stored is None:
                    if row[0] > boundary:
                        found.append(RowBreak(ref=f"{table} {row[0]}", message=(
                            "has no row hash: written around the audit chain" + (
                                f" (it names event {event_id})" if event_id is not None else ""))))
                    continue
                if event_id != cur_event:
                    if cur is not None:
                        cur[0], cur[1] = count, last
                    cur_event = event_id
                    manifest = by_event.get(event_id)
                    if manifest is None:
                        cur = None
                    else:
                        cur = chains.get(event_id)
                        if cur is None:
                            cur = chains[event_id] = [0, "", manifest.tables.get(table, (0, ""))[0]]
                        count, last, wrote = cur
                if cur is None:
                    found.append(RowBreak(ref=f"{table} {row[0]}", message=(
                        f"names event {event_id}, which has no manifest in the chain: written around it")))
                    continue
            if latest and row[0] in latest:
                change = latest[row[0]]
                seen_changed.add(row[0])
                if state_hash(tuple(row[2:])) != change[1]:
                    found.append(RowBreak(ref=f"{table} {row[0]}", message=(
                        f"differs from the state event {change[0]} left it in (changed after)")))
            elif blake2b(last.encode() + dumps(row[2:], 0), digest_size=size).hexdigest() != stored:
                found.append(RowBreak(ref=f"{table} {row[0]}", message=(
                    f"differs from what event {event_id} wrote (changed after, or a row before it was removed)")))
            count += 1
            last = stored
            if count > wrote:
                found.append(RowBreak(ref=f"{table} {row[0]}", message=(
                    f"is not among the {wrote} {table} row(s) event {event_id} wrote: inserted later")))
    if cur is not None:
        cur[0], cur[1] = count, last
    for event_id, manifest in sorted(by_event.items()):
        wrote, last = manifest.tables.get(table, (0, ""))
        if not wrote:
            continue
        have, stored_last, _ = chains.get(event_id, (0, "", 0))
        if have < wrote:
            found.append(RowBreak(ref=f"event {event_id}", message=(
                f"wrote {wrote} {table} row(s), {have} are stored: rows removed")))
        elif have == wrote and stored_last != last:
            found.append(RowBreak(ref=f"event {event_id}", message=(
                f"its {table} rows end with a row hash it did not write: rows replaced")))
    for row_id in sorted(set(latest) - seen_changed):
        found.append(RowBreak(ref=f"{table} {row_id}", message=(
            f"changed by event {latest[row_id][0]}, is missing: removed")))
    return rows, found


def _number(value) -> int:
    """An amount SQLite gave back as something else (stored around the code): what its
    SUM would count it as."""
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def _closed_check(found: list, table: str, row: tuple, event_id: int, date_at: int, closed: dict,
                  occurred: dict[int, datetime]) -> None:
    day = row[date_at]
    periods = closed.get(day[:7]) if day else None
    if not periods:
        return
    written = occurred.get(event_id)
    if written is None:
        return
    for closed_at, reopened_at in periods:
        if closed_at < written and (reopened_at is None or written < reopened_at):
            found.append(RowBreak(ref=f"{table} {row[0]}", message=(
                f"posting date {day} is in {day[:7]}, closed {closed_at:%Y-%m-%d %H:%M} before event "
                f"{event_id} wrote it")))
            return

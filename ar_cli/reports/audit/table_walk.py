"""`audit verify`, one money table rebuilt into its events' manifests (rows_check.py
walks every table with it): each id range read in its encoding, each row's hash
recomputed and compared, changed rows checked against their latest state hash, posting
dates against closed months; then what only the whole table shows (rows removed or
replaced)."""

from __future__ import annotations

import hashlib
import marshal
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import TYPE_CHECKING

from ar_cli.domain.audit import (
    ENCODING_JSON,
    ROW_HASH_BYTES,
    state_hash,
    text_row_hash,
    text_state_hash,
)
from ar_cli.store.audit import rows as audit_rows

if TYPE_CHECKING:
    from ar_cli.reports.audit.rows_check import Manifests
    from ar_cli.store import Session


@dataclass(frozen=True, kw_only=True)
class RowBreak:
    ref: str
    message: str


class TableWalk:
    """One covered table, rebuilt into its events' manifests: `read` each id range in
    its encoding (in id order), then `finish` for what only the whole table shows."""

    def __init__(
        self,
        session: Session,
        table: str,
        manifests: Manifests,
        occurred: dict[int, datetime],
        closed: dict,
        sums: dict | None,
    ) -> None:
        self.session, self.table, self.manifests = session, table, manifests
        self.occurred, self.closed, self.sums = occurred, closed, sums
        self.latest: dict[int, tuple[int, str]] = {}  # row id → (last event that changed it, its state hash)
        for event_id in sorted(manifests.by_event):
            for (name, key), digest in manifests.by_event[event_id].changed.items():
                if name == table:
                    self.latest[key] = (event_id, digest)
        self.found: list[RowBreak] = []
        self.chains: dict[int, list] = {}  # event → [rows read, last stored hash, rows it wrote]
        self.seen_changed: set[int] = set()
        self._closed_cache: dict[int, set[str]] = {}
        self.rows = 0

    def read(self, encoding: int, ids: tuple, *, blobs: bool = False) -> None:
        table, session, found, latest = self.table, self.session, self.found, self.latest
        by_event, chains, sums = self.manifests.by_event, self.chains, self.sums
        boundary = self.manifests.boundary.get(table, 0)
        names = audit_rows.columns(table)
        json = encoding == ENCODING_JSON
        posted = table in audit_rows.POSTED and bool(self.closed)
        extra: list[str] = []
        if json:
            # The canonical text is hashed as it is; what verify also needs of a row is read beside it.
            ev_at, at = 2, 4
            if sums is not None:
                raise ValueError("entries are summed on the way only when every event is in encoding 1")
            if posted:
                extra.append("posting_date")
                date_at = at + len(extra) - 1
        else:
            ev_at = audit_rows.event_at(table)
            date_at = names.index("posting_date") + 2 if posted else 0
            if sums is not None:
                claim_at, resp_at, amount_at = (names.index(n) + 2 for n in ("claim_id", "responsibility", "amount"))
        if sums is not None:
            key_of, amount_of = itemgetter(claim_at, resp_at), itemgetter(amount_at)
        blake2b, dumps, size = hashlib.blake2b, marshal.dumps, ROW_HASH_BYTES  # domain/audit.row_hash, inlined
        cur_event, cur, other = None, None, False
        count, last, wrote = 0, "", 0  # the current event's chain, kept in locals (the hot loop)
        # The hot loop (a million rows on a large ledger): the common row is one of the
        # current event's, hashed and compared; everything else is the slow path.
        ids_of, hashes_of, events_of, texts_of = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)
        dates_of = itemgetter(date_at) if posted else None
        for batch in audit_rows.batches(session, table, encoding=encoding, extra=extra, ids=ids, blobs=blobs):
            self.rows += len(batch)
            if sums is not None:  # the keys and amounts picked out in C (itemgetter)
                get = sums.get
                for key, amount in zip(map(key_of, batch), map(amount_of, batch)):
                    sums[key] = get(key, 0) + (amount if type(amount) is int else _number(amount))
            # The common batch: every row the current event's, hashed, none changed in
            # place, within the count it wrote, and every hash right: checked as a whole
            # (one comprehension, compared in C); anything else goes row by row below.
            # With closed periods, also: no posting date in a month closed before the event.
            if (
                json
                and cur is not None
                and not other
                and count + len(batch) <= wrote
                and (
                    not posted
                    or not self._closed_before(cur_event).intersection([day[:7] for day in map(dates_of, batch) if day])
                )
            ):
                stored_hashes = list(map(hashes_of, batch))
                if (
                    None not in stored_hashes
                    and set(map(events_of, batch)) == {cur_event}
                    and (not latest or latest.keys().isdisjoint(map(ids_of, batch)))
                    and [
                        blake2b((before + text).encode(), digest_size=size).hexdigest()
                        for before, text in zip([last, *stored_hashes[:-1]], map(texts_of, batch))
                    ]
                    == stored_hashes
                ):
                    count += len(batch)
                    last = stored_hashes[-1]
                    continue
            for row in batch:
                event_id, stored = row[ev_at], row[1]
                if event_id != cur_event or stored is None or posted or other:
                    if posted and event_id is not None:
                        _closed_check(found, table, row, event_id, date_at, self.closed, self.occurred)
                    if stored is None:
                        if row[0] > boundary:
                            found.append(
                                RowBreak(
                                    ref=f"{table} {row[0]}",
                                    message=(
                                        "has no row hash: written around the audit chain"
                                        + (f" (it names event {event_id})" if event_id is not None else "")
                                    ),
                                )
                            )
                        continue
                    if event_id != cur_event:
                        if cur is not None:
                            cur[0], cur[1] = count, last
                        cur_event = event_id
                        manifest = by_event.get(event_id)
                        if manifest is None:
                            cur, other = None, False
                        else:
                            cur = chains.get(event_id)
                            if cur is None:
                                cur = chains[event_id] = [0, "", manifest.tables.get(table, (0, ""))[0]]
                            count, last, wrote = cur
                            other = manifest.encoding != encoding
                    if cur is None:
                        found.append(
                            RowBreak(
                                ref=f"{table} {row[0]}",
                                message=(
                                    f"names event {event_id}, which has no manifest in the chain: written around it"
                                ),
                            )
                        )
                        continue
                    if other:  # a row of the other encoding's event: read again in its own
                        self._check_alone(row[0], event_id, stored, last, by_event[event_id].encoding)
                        count += 1
                        last = stored
                        if count > wrote:
                            found.append(
                                RowBreak(
                                    ref=f"{table} {row[0]}",
                                    message=(
                                        f"is not among the {wrote} {table} row(s) event {event_id} wrote: inserted later"
                                    ),
                                )
                            )
                        continue
                if latest and row[0] in latest:
                    change = latest[row[0]]
                    self.seen_changed.add(row[0])
                    # The state is in the encoding of the event that changed the row last.
                    if by_event[change[0]].encoding != encoding:
                        state = self._state_alone(row[0], by_event[change[0]].encoding)
                    else:
                        state = text_state_hash(row[3]) if json else state_hash(tuple(row[2:]))
                    if state != change[1]:
                        found.append(
                            RowBreak(
                                ref=f"{table} {row[0]}",
                                message=(f"differs from the state event {change[0]} left it in (changed after)"),
                            )
                        )
                elif (
                    blake2b((last + row[3]).encode(), digest_size=size).hexdigest()
                    if json
                    else blake2b(last.encode() + dumps(row[2:], 0), digest_size=size).hexdigest()
                ) != stored:
                    found.append(
                        RowBreak(
                            ref=f"{table} {row[0]}",
                            message=(
                                f"differs from what event {event_id} wrote (changed after, or a row before it was removed)"
                            ),
                        )
                    )
                count += 1
                last = stored
                if count > wrote:
                    found.append(
                        RowBreak(
                            ref=f"{table} {row[0]}",
                            message=(f"is not among the {wrote} {table} row(s) event {event_id} wrote: inserted later"),
                        )
                    )
        if cur is not None:
            cur[0], cur[1] = count, last

    def _closed_before(self, event_id: int) -> set[str]:
        """The months closed (and not reopened) when this event was written: a row of its
        with a posting date in one is a break (`_closed_check` names it)."""
        months = self._closed_cache.get(event_id)
        if months is None:
            written = self.occurred.get(event_id)
            months = self._closed_cache[event_id] = (
                set()
                if written is None
                else {
                    month
                    for month, periods in self.closed.items()
                    if any(
                        closed_at < written and (reopened_at is None or written < reopened_at)
                        for closed_at, reopened_at in periods
                    )
                }
            )
        return months

    def _state_alone(self, row_id: int, encoding: int) -> str:
        """A row's state hash in an encoding other than the one it was read in."""
        value = audit_rows.current(self.session, self.table, [row_id], encoding).get(row_id)
        return text_state_hash(value) if encoding == ENCODING_JSON else state_hash(value)

    def _check_alone(self, row_id: int, event_id: int, stored: str, last: str, encoding: int) -> None:
        """A row read in the other encoding than its event's: hashed in its event's."""
        table = self.table
        value = audit_rows.current(self.session, table, [row_id], encoding).get(row_id)
        json = encoding == ENCODING_JSON
        if row_id in self.latest:
            change = self.latest[row_id]
            self.seen_changed.add(row_id)
            if self._state_alone(row_id, self.manifests.by_event[change[0]].encoding) != change[1]:
                self.found.append(
                    RowBreak(
                        ref=f"{table} {row_id}",
                        message=(f"differs from the state event {change[0]} left it in (changed after)"),
                    )
                )
        elif (
            text_row_hash(last, value)
            if json
            else hashlib.blake2b(last.encode() + marshal.dumps(value, 0), digest_size=ROW_HASH_BYTES).hexdigest()
        ) != stored:
            self.found.append(
                RowBreak(
                    ref=f"{table} {row_id}",
                    message=(
                        f"differs from what event {event_id} wrote (changed after, or a row before it was removed)"
                    ),
                )
            )

    def finish(self) -> list[RowBreak]:
        table, found = self.table, self.found
        for event_id, manifest in sorted(self.manifests.by_event.items()):
            wrote, last = manifest.tables.get(table, (0, ""))
            if not wrote:
                continue
            have, stored_last, _ = self.chains.get(event_id, (0, "", 0))
            if have < wrote:
                found.append(
                    RowBreak(
                        ref=f"event {event_id}",
                        message=(f"wrote {wrote} {table} row(s), {have} are stored: rows removed"),
                    )
                )
            elif have == wrote and stored_last != last:
                found.append(
                    RowBreak(
                        ref=f"event {event_id}",
                        message=(f"its {table} rows end with a row hash it did not write: rows replaced"),
                    )
                )
        for row_id in sorted(set(self.latest) - self.seen_changed):
            found.append(
                RowBreak(
                    ref=f"{table} {row_id}", message=(f"changed by event {self.latest[row_id][0]}, is missing: removed")
                )
            )
        return found


def _number(value) -> int:
    """An amount SQLite gave back as something else (stored around the code): what its
    SUM would count it as."""
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def _closed_check(
    found: list, table: str, row: tuple, event_id: int, date_at: int, closed: dict, occurred: dict[int, datetime]
) -> None:
    day = row[date_at]
    periods = closed.get(day[:7]) if day else None
    if not periods:
        return
    written = occurred.get(event_id)
    if written is None:
        return
    for closed_at, reopened_at in periods:
        if closed_at < written and (reopened_at is None or written < reopened_at):
            found.append(
                RowBreak(
                    ref=f"{table} {row[0]}",
                    message=(
                        f"posting date {day} is in {day[:7]}, closed {closed_at:%Y-%m-%d %H:%M} before event "
                        f"{event_id} wrote it"
                    ),
                )
            )
            return

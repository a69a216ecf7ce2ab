"""Appending to the audit chain, and the bulk writer every change goes through.

A `ChangeRecorder` is opened at the start of a write transaction: it locks the chain
head (PostgreSQL `SELECT … FOR UPDATE`; on SQLite `BEGIN IMMEDIATE` already holds the
write lock), checks that the chain verifies at its head (its last event is there and
hashes to what the head says, no event after it was issued), reserves the next event id
(never one issued before), stamps it on every row written through it, hashes each money
row into its chain (store/audit/rows.py) and digests the others; `finish()` appends the
event and its manifest.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import insert, select, update
from sqlmodel import Session, SQLModel

from ar_cli.domain.audit import (
    CURRENT_ENCODING,
    ENCODING_JSON,
    Manifest,
    RowsDigest,
    canonical_json,
    event_hash,
    manifest_digest,
    state_hash,
    text_state_hash,
)
from ar_cli.domain.errors import ChainBrokenError
from ar_cli.store.audit import rows as audit_rows
from ar_cli.store.audit.head import expected_event_hash, head_problem  # noqa: F401 (verify's, from here)
from ar_cli.store.audit.rows import COVERED
from ar_cli.store.bulk_copy import copy_rows
from ar_cli.store.tables import AuditEventRow, AuditHeadRow, AuditRowsRow, LedgerEntryRow, PostingEntryRow, PostingRow

_BATCH = 5000
# The row encoding new events are written in (domain/audit.py); events keep theirs.
ROW_ENCODING = CURRENT_ENCODING


def _field_defaults(model: type[SQLModel]) -> dict[str, Any]:
    """The model's declared field defaults (Core inserts would not apply them)."""
    cached = _DEFAULTS.get(model)
    if cached is None:
        cached = {
            name: info.default
            for name, info in model.model_fields.items()
            if name != "id"
            and info.default is not None
            and not info.is_required()
            and info.default is not PydanticUndefined
        }
        _DEFAULTS[model] = cached
    return cached


_DEFAULTS: dict[type, dict[str, Any]] = {}


def _sqlite_value(column) -> Any:
    """How SQLAlchemy's SQLite dialect stores a value of this column, done once per column:
    the bulk path hands tuples straight to sqlite3's executemany (SQLAlchemy's per-row
    parameter processing cost more than the inserts themselves)."""
    from sqlalchemy import Boolean, Date, DateTime

    kind = column.type
    if isinstance(kind, DateTime) or isinstance(getattr(kind, "impl", None), DateTime):

        @lru_cache(maxsize=64)  # a bulk insert stamps thousands of rows with one moment
        def stamp(value):
            if value is None:
                return None
            if value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
            # isoformat pads the year to 4 digits, as SQLAlchemy's SQLite dialect and
            # PostgreSQL's to_char do (strftime's %Y does not, below year 1000).
            return value.isoformat(" ", "microseconds")

        return stamp
    if isinstance(kind, Date):
        return lambda value: None if value is None else value.isoformat()
    if isinstance(kind, Boolean):
        return lambda value: None if value is None else int(bool(value))
    return None


def _sqlite_params(table, rows: list[dict[str, Any]]) -> tuple[list[str], list[tuple]]:
    """Rows as tuples in sorted-key order, values as SQLite stores them."""
    keys = sorted(rows[0])
    converters = [_sqlite_value(table.c[key]) for key in keys]
    if any(converters):
        pairs = list(zip(keys, converters))
        return keys, [tuple([conv(row[k]) if conv else row[k] for k, conv in pairs]) for row in rows]
    return keys, [tuple([row[k] for k in keys]) for row in rows]


# Rows per INSERT statement on SQLite: as many as fit in this many parameters (about a
# hundred ledger entries; SQLite allows 32,766 since 3.32, 999 before). Python's sqlite3
# pays a reset, a bind loop and a step per statement execution; one statement for a
# hundred rows cut inserting a 100,000-claim remittance's 581,000 entries from 4.7 s to
# 3.3 s CPU.
_PARAMETERS_PER_INSERT = 2000 if sqlite3.sqlite_version_info >= (3, 32) else 999


def _sqlite_executemany(session: Session, table, keys: list[str], params: list[tuple]) -> None:
    width = len(keys)
    head = f'INSERT INTO "{table.name}" ({", ".join(chr(34) + k + chr(34) for k in keys)}) VALUES '
    one = "(" + ", ".join("?" for _ in keys) + ")"
    per = max(1, _PARAMETERS_PER_INSERT // width)
    whole = len(params) - len(params) % per
    # The session's DB-API cursor (same transaction), as store/sql.py reads.
    cursor = session.connection().connection.cursor()
    try:
        if whole:
            flat = list(chain.from_iterable(params[:whole]))
            step = per * width
            cursor.executemany(
                head + ", ".join([one] * per), (flat[start : start + step] for start in range(0, len(flat), step))
            )
        if whole < len(params):
            cursor.executemany(head + one, params[whole:])
    finally:
        cursor.close()


# A ledger entry as written (revision 0010): the `ledger_entry` view's wide row splits
# into its posting's shared values and the entry's own; the row hash is over the wide row.
POSTING_SHARED = (
    "posting_date",
    "effective_date",
    "payer_id",
    "source_file_id",
    "remittance_id",
    "audit_event_id",
    "created_by",
)
ENTRY_OWN = (
    "claim_id",
    "line_id",
    "responsibility",
    "kind",
    "amount",
    "adjustment_group",
    "reason_code",
    "remark_codes",
    "reverses_id",
    "transfer_group",
)
NARROW_KEYS = ("posting_id", *ENTRY_OWN, "source_ref", "row_hash")


@lru_cache(maxsize=1)
def _entry_layout() -> tuple[Any, Any, int]:
    """Pickers of a wide row (ledger_entry's hashed columns, sorted): its posting key
    (POSTING_SHARED), its own values (ENTRY_OWN), and where its source_ref is."""
    names = audit_rows.columns("ledger_entry")
    return (
        itemgetter(*[names.index(n) for n in POSTING_SHARED]),
        itemgetter(*[names.index(n) for n in ENTRY_OWN]),
        names.index("source_ref"),
    )


class ChangeRecorder:
    def __init__(self, session: Session, *, actor: str, now: datetime) -> None:
        self.session = session
        self.actor = actor
        self.now = now
        head = session.execute(select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()).scalar_one()
        problem = head_problem(session, head)
        if problem is not None:
            raise ChainBrokenError(
                f"the audit chain does not verify at its head: {problem}; nothing was "
                "written (run `ar-cli audit verify`; restore the ledger from a backup)"
            )
        self._prev_hash = head.last_hash
        # Never an id issued before, even if the events that had it are gone.
        self.event_id = max(head.last_event_id or 0, head.issued_event_id or 0) + 1
        self.digest = RowsDigest(ROW_ENCODING)
        self.finished = False
        self._sqlite = session.get_bind().dialect.name == "sqlite"
        # Postings this event wrote, by their shared values (POSTING_SHARED, as stored):
        # [(source prefix, id)], longest prefix first; checked again after a rollback.
        self._postings: dict[tuple, list[tuple[str, int]]] = {}
        self._postings_seen = self.digest.tables

    def _chain(self, table: str, rows) -> list[str]:
        """Row hashes of money rows (their values as stored); rows the encoding refuses
        (marshal: an enum or another subclass) are made plain first."""
        try:
            return self.digest.chain(table, rows)
        except ValueError:
            return self.digest.chain(table, audit_rows.plain_rows(rows))

    def insert(
        self, model: type[SQLModel], rows: Sequence[dict[str, Any]], *, returning_ids: bool = False
    ) -> list[int]:
        """Bulk-insert rows (Core executemany, in batches), digesting each one."""
        if not rows:
            return []
        if model is LedgerEntryRow:  # the view: postings and their entries (revision 0010)
            return self._insert_entry_dicts(rows, returning_ids)
        table = model.__table__
        stamp = "audit_event_id" in table.c
        covered = table.name in COVERED
        defaults = _field_defaults(model)
        ids: list[int] = []
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            # executemany needs the same keys in every row of a batch; a money row
            # gives every column it is hashed by.
            keys = set().union(*batch) | set(defaults)
            if covered:
                keys |= set(audit_rows.columns(table.name))
            base = {key: defaults.get(key) for key in keys}
            if stamp:
                base["audit_event_id"] = self.event_id
            batch = [{**base, **row} for row in batch]
            if returning_ids and self._sqlite:
                # SQLite cannot return ids of a multi-row insert in order, so SQLAlchemy
                # would insert row by row; we hold the write lock, so number them here.
                first = self._next_id(table)
                batch = [{**row, "id": first + n} for n, row in enumerate(batch)]
                ids.extend(range(first, first + len(batch)))
            if self._sqlite:
                keys, params = _sqlite_params(table, batch)
                if covered:
                    keys, params = self._hashed_params(table.name, keys, params)
                else:
                    self.digest.add_tuples(table.name, keys, params)
                _sqlite_executemany(self.session, table, keys, params)
                continue
            if covered:
                names = audit_rows.columns(table.name)
                values = audit_rows.hashable(
                    table.name, [tuple([row[k] for k in names]) for row in batch], sqlite=False
                )
                batch = [{**row, "row_hash": h} for row, h in zip(batch, self._chain(table.name, values))]
            else:
                self.digest.add_rows(table.name, sorted(batch[0]), batch)
            names = sorted(batch[0])  # COPY (store/bulk_copy.py)
            given = returning_ids and "id" in names
            tuples = [tuple([row[k] for k in names]) for row in batch]
            ids.extend(
                copy_rows(self.session, table, names, tuples, count=len(tuples), ids=returning_ids and not given)
            )
            if given:
                ids.extend(row["id"] for row in batch)
        return ids

    def _hashed_params(self, table: str, keys: list[str], params: list[tuple]) -> tuple[list[str], list[tuple]]:
        """SQLite rows (sorted keys, values as stored) with their row hash appended."""
        if "id" in keys:
            pick = itemgetter(*[n for n, k in enumerate(keys) if k != "id"])
            values = [pick(p) for p in params]
        else:
            values = params
        hashes = self._chain(table, values)
        return [*keys, "row_hash"], [p + (h,) for p, h in zip(params, hashes)]

    def stored(self, value: date | None):
        """A date as the bulk writers store it: ISO text on SQLite (what SQLAlchemy's
        dialect writes), the date itself on PostgreSQL. For rows built as tuples."""
        if value is None or not self._sqlite:
            return value
        return value.isoformat()

    def insert_tuples(
        self, model: type[SQLModel], keys: Sequence[str], rows: Sequence[Sequence], *, returning_ids: bool = False
    ) -> list[int]:
        """Bulk-insert rows already laid out in `keys` order, every column given, dates
        through `stored`, `audit_event_id` = this recorder's event: the path for the
        tables written by the hundred thousand (ledger entries, claim payments), where
        building a dict per row and converting it cost more than the insert."""
        if not rows:
            return []
        if model is LedgerEntryRow:  # the view: postings and their entries (revision 0010)
            if tuple(keys) != audit_rows.columns("ledger_entry"):
                raise ValueError("ledger_entry: rows must give every hashed column, in sorted order")
            return self._write_entries(rows, returning_ids)
        table = model.__table__
        keys = list(keys)
        if "audit_event_id" in table.c and "audit_event_id" not in keys:
            raise ValueError(f"{table.name}: rows must carry audit_event_id")
        covered = table.name in COVERED
        if covered and tuple(keys) != audit_rows.columns(table.name):
            raise ValueError(f"{table.name}: rows must give every hashed column, in sorted order")
        ids: list[int] = []
        for start in range(0, len(rows), _BATCH):
            batch = [row if type(row) is tuple else tuple(row) for row in rows[start : start + _BATCH]]
            if self._sqlite:
                names = list(keys)
                if covered:
                    hashes = self._chain(table.name, batch)
                    batch = [row + (h,) for row, h in zip(batch, hashes)]
                    names.append("row_hash")
                if returning_ids:  # numbered here, under the write lock (see insert)
                    first = self._next_id(table)
                    batch = [(first + n, *row) for n, row in enumerate(batch)]
                    ids.extend(range(first, first + len(batch)))
                    names.insert(0, "id")
                if not covered:
                    self.digest.add_tuples(table.name, names, batch)
                _sqlite_executemany(self.session, table, names, batch)
                continue
            names = list(keys)
            if covered:
                hashes = self._chain(table.name, audit_rows.hashable(table.name, batch, sqlite=False))
                batch = [row + (h,) for row, h in zip(batch, hashes)]
                names.append("row_hash")
            else:
                self.digest.add_tuples(table.name, keys, batch)
            ids.extend(copy_rows(self.session, table, names, batch, count=len(batch), ids=returning_ids))
        return ids

    # Ledger entries (revision 0010): written as postings and narrow posting_entry rows.

    def posting(
        self,
        *,
        posting_date: date,
        effective_date: date,
        payer_id: int | None,
        source_file_id: int | None,
        remittance_id: int | None,
        source_ref: str = "",
    ) -> int:
        """A posting of this event (written now), for the ledger entries written later
        with these shared values whose source_ref starts with `source_ref`: they store
        only the rest of it. Returns its id."""
        key = (
            self.stored(posting_date),
            self.stored(effective_date),
            payer_id,
            source_file_id,
            remittance_id,
            self.event_id,
            self.actor,
        )
        return self._new_posting(key, source_ref)

    def _new_posting(self, key: tuple, prefix: str) -> int:
        values = dict(zip(POSTING_SHARED, key))
        values["source_ref"] = prefix
        names = audit_rows.columns("posting")
        posting_id = self.insert_tuples(PostingRow, names, [tuple([values[n] for n in names])], returning_ids=True)[0]
        choices = self._postings.setdefault(key, [])
        choices.append((prefix, posting_id))
        choices.sort(key=lambda choice: -len(choice[0]))
        return posting_id

    def _insert_entry_dicts(self, rows: Sequence[dict[str, Any]], returning_ids: bool) -> list[int]:
        """Wide ledger_entry rows given as dicts (every writer but ERA posting's bulk
        path): defaults and this event filled in, values as stored, then written."""
        names = audit_rows.columns("ledger_entry")
        defaults = _field_defaults(LedgerEntryRow)
        base = {name: defaults.get(name) for name in names}
        base["audit_event_id"] = self.event_id
        full = [{**base, **row} for row in rows]
        if self._sqlite:
            convert = [_sqlite_value(LedgerEntryRow.__table__.c[name]) for name in names]
            pairs = list(zip(names, convert))
            wide = [tuple([conv(row[k]) if conv else row[k] for k, conv in pairs]) for row in full]
        else:
            wide = [tuple([row[k] for k in names]) for row in full]
        return self._write_entries(wide, returning_ids)

    def _write_entries(self, rows: Sequence[Sequence], returning_ids: bool) -> list[int]:
        """Wide ledger_entry rows (its hashed columns in sorted order, values as stored,
        as `insert_tuples` takes them): each hashed over the wide row (the view's, as
        `audit verify` reads it), filed under its posting (made here for shared values
        no posting of this event has), written as a narrow posting_entry row."""
        if self._postings and self.digest.tables is not self._postings_seen:
            self._forget_rolled_back()
        key_of, own_of, at = _entry_layout()
        ids: list[int] = []
        for start in range(0, len(rows), _BATCH):
            batch = [row if type(row) is tuple else tuple(row) for row in rows[start : start + _BATCH]]
            keys = list(map(key_of, batch))
            sources = [row[at] for row in batch]
            posting_ids, refs = self._file_under_postings(keys, sources)
            hashable = batch if self._sqlite else audit_rows.hashable("ledger_entry", batch, sqlite=False)
            hashes = self._chain("ledger_entry", hashable)
            narrow = [
                (posting_id, *own, ref, h)
                for posting_id, own, ref, h in zip(posting_ids, map(own_of, batch), refs, hashes)
            ]
            ids.extend(self._insert_narrow(narrow, returning_ids))
        return ids

    def _insert_narrow(self, rows: list[tuple], returning_ids: bool) -> list[int]:
        """posting_entry rows (NARROW_KEYS order), hashed already; their ids if asked."""
        table = PostingEntryRow.__table__
        if not self._sqlite:
            return copy_rows(self.session, table, list(NARROW_KEYS), rows, count=len(rows), ids=returning_ids)
        if not returning_ids:
            _sqlite_executemany(self.session, table, list(NARROW_KEYS), rows)
            return []
        first = self._next_id(table)  # numbered here, under the write lock (see insert)
        numbered = [(first + n, *row) for n, row in enumerate(rows)]
        _sqlite_executemany(self.session, table, ["id", *NARROW_KEYS], numbered)
        return list(range(first, first + len(rows)))

    def _file_under_postings(self, keys: list[tuple], sources: list[str]) -> tuple[list[int], list[str]]:
        """Each entry's posting id and its own part of the source: under this event's
        posting with the same shared values whose source prefix it starts with (the
        longest), else under one with no prefix (made here when there is none)."""
        first = keys[0]
        if keys.count(first) == len(keys):  # the bulk case: one posting's entries
            for prefix, posting_id in self._postings.get(first, ()):
                if all([source.startswith(prefix) for source in sources]):
                    cut = len(prefix)
                    return [posting_id] * len(keys), [source[cut:] for source in sources] if cut else sources
        posting_ids, refs = [], []
        for key, source in zip(keys, sources):
            for prefix, posting_id in self._postings.get(key, ()):
                if source.startswith(prefix):
                    posting_ids.append(posting_id)
                    refs.append(source[len(prefix) :])
                    break
            else:
                posting_ids.append(self._new_posting(key, ""))
                refs.append(source)
        return posting_ids, refs

    def _forget_rolled_back(self) -> None:
        """After a savepoint rolled back (the digest restored), forget the postings it took."""
        cursor = self.session.connection().connection.cursor()
        mark = "?" if self._sqlite else "%s"
        known = sorted({posting_id for choices in self._postings.values() for _, posting_id in choices})
        stored: set[int] = set()
        try:
            for start in range(0, len(known), 500):
                chunk = known[start : start + 500]
                cursor.execute(f"SELECT id FROM posting WHERE id IN ({', '.join([mark] * len(chunk))})", tuple(chunk))
                stored.update(int(found[0]) for found in cursor.fetchall())
        finally:
            cursor.close()
        self._postings = {
            key: kept for key, choices in self._postings.items() if (kept := [c for c in choices if c[1] in stored])
        }
        self._postings_seen = self.digest.tables

    def _next_id(self, table) -> int:
        from sqlalchemy import func

        return int(self.session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1

    def insert_one(self, model: type[SQLModel], row: dict[str, Any]) -> int:
        return self.insert(model, [row], returning_ids=True)[0]

    def note_update(self, table: str, key: Any, changes: dict[str, Any]) -> None:
        """Digest an in-place change of a row (the caller has made it). A money row's
        (store/audit_rows.COVERED, `key` its id) state as this event leaves it is
        hashed into the event's manifest at `finish`."""
        self.digest.add(table, {"key": key, "changes": changes})
        if table in COVERED:
            self.digest.touch(table, int(key))

    def note_updates(self, table: str, changes: Sequence[tuple[Any, dict[str, Any]]]) -> None:
        """`note_update` for many rows at once (the same digest, one call)."""
        self.digest.add_tuples(table, ["changes", "key"], [(c, key) for key, c in changes])
        if table in COVERED:
            for key, _ in changes:
                self.digest.touch(table, int(key))

    @property
    def changed(self) -> bool:
        return self.digest.count > 0

    def finish(
        self,
        *,
        action: str,
        entity: str = "",
        entity_key: str = "",
        source: str = "",
        details: dict[str, Any] | None = None,
    ) -> int:
        """Append the event covering everything written; returns its id."""
        occurred = self.now.isoformat()
        details_json = canonical_json(details or {})
        manifest = self._manifest().text()
        rows_digest = manifest_digest(manifest)
        digest = event_hash(
            prev_hash=self._prev_hash,
            event_id=self.event_id,
            occurred_at=occurred,
            actor=self.actor,
            action=action,
            entity=entity,
            entity_key=entity_key,
            source=source,
            details=details_json,
            rows_digest=rows_digest,
            rows_version=2,
        )
        self.session.execute(insert(AuditRowsRow.__table__), [{"event_id": self.event_id, "manifest": manifest}])
        self.session.execute(
            insert(AuditEventRow.__table__),
            [
                {
                    "id": self.event_id,
                    "occurred_at": self.now,
                    "actor": self.actor,
                    "action": action,
                    "entity": entity,
                    "entity_key": entity_key,
                    "source": source,
                    "details": details_json,
                    "rows_digest": rows_digest,
                    "prev_hash": self._prev_hash,
                    "hash": digest,
                }
            ],
        )
        self.session.execute(
            update(AuditHeadRow.__table__)
            .where(AuditHeadRow.__table__.c.id == 1)
            .values(last_event_id=self.event_id, last_hash=digest, issued_event_id=self.event_id)
        )
        self.finished = True
        return self.event_id

    def _manifest(self) -> Manifest:
        """The event's manifest: the money rows changed in place hashed as they are now."""
        changed: dict[tuple[str, int], str] = {}
        if self.digest.touched:
            self.session.flush()  # changes made on ORM rows, before they are read back
            encoding = self.digest.encoding
            for table, keys in sorted(self.digest.touched.items()):
                # Encoding 2: the text the database builds, as `audit verify` reads it.
                for key, values in audit_rows.current(self.session, table, sorted(keys), encoding).items():
                    changed[(table, key)] = text_state_hash(values) if encoding == ENCODING_JSON else state_hash(values)
        return self.digest.manifest(changed)

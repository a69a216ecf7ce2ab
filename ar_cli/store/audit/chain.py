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
from ar_cli.store.tables import AuditEventRow, AuditHeadRow, AuditRowsRow

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

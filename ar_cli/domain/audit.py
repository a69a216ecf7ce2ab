"""The audit chain's arithmetic: canonical digests of written rows and event hashes.

An event's hash covers the previous event's hash, the event's own fields and a digest
of the rows it wrote, so changing any stored row or event breaks the chain from there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def _default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_default)


class RowsDigest:
    """Accumulates a digest of the rows one change wrote, in the order written."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.count = 0

    def add(self, table: str, row: Mapping[str, Any]) -> None:
        self.add_rows(table, sorted(row), [row])

    def add_rows(self, table: str, keys: list[str], rows: list[Mapping[str, Any]]) -> None:
        """Digest rows that share `keys` (sorted): per row, the table and keys, then the
        repr of the values (ints, strings, dates, None). Canonical for our value types,
        and cheap enough for the bulk paths, where JSON per row cost more than the inserts."""
        self.add_tuples(table, keys, [tuple([row[k] for k in keys]) for row in rows])

    def add_tuples(self, table: str, keys: list[str], rows: list[tuple]) -> None:
        """The same digest from rows already laid out as value tuples in `keys` order,
        with dates and times as the text the database stores (the SQLite bulk path)."""
        # One update per batch (the same bytes as one per row: a hash is of the stream).
        prefix = table + "\x1e" + "\x1f".join(keys) + "\x1e"
        # Joined around reprs made by map (no f-string per row): the same bytes, faster.
        self._hash.update((prefix + ("\n" + prefix).join(map(repr, rows)) + "\n").encode() if rows else b"")
        self.count += len(rows)

    def checkpoint(self) -> tuple:
        """The digest as it is now, to restore when a savepoint rolls back."""
        return (self._hash.copy(), self.count)

    def restore(self, mark: tuple) -> None:
        self._hash, self.count = mark[0].copy(), mark[1]

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def event_hash(*, prev_hash: str, event_id: int, occurred_at: str, actor: str, action: str,
               entity: str, entity_key: str, source: str, details: str, rows_digest: str) -> str:
    body = canonical_json([prev_hash, event_id, occurred_at, actor, action, entity, entity_key,
                           source, details, rows_digest])
    return hashlib.sha256(body.encode()).hexdigest()

"""The audit chain's arithmetic: row hashes, event manifests and event hashes.

An event's hash covers the previous event's hash, the event's own fields and a digest
of the rows it wrote, so changing any stored row or event breaks the chain from there.

Since revision 0007 the rows digest is the hash of a *manifest* that `audit verify` can
rebuild from the stored rows (DECISIONS 2026-12-07):

- money rows (the tables in `store/audit/rows.COVERED`) carry a row hash chained per
  event and table in id order: ``h = blake2b(h_before + encoding(values),
  digest_size=16)`` in hex (32 digits), ``h_before`` the row before's hash as ASCII, ""
  for the event's first row of that table; `values` are the row's columns but `id` and
  `row_hash`, in sorted column order, as ints, text and None (dates as 'YYYY-MM-DD',
  times as 'YYYY-MM-DD HH:MM:SS.ffffff' UTC);
- the manifest names, per table, how many rows the event wrote and the last row hash;
  per money row the event changed in place, the hash of the row as it left it; and the
  digest of everything else the event wrote (descriptive rows, in-place notes).

The row encoding is recorded per event, in its manifest's first line (so the event's
hash covers it):

- ``rows v2`` — encoding 1 (events written by revisions 0007–0008):
  ``marshal.dumps(values, 0)``. Kept to check those events; marshal's format is
  CPython's, not a documented one.
- ``rows v2 json`` — encoding 2 (since revision 0009), the *canonical row text*: the
  values as one compact JSON array (RFC 8259), UTF-8, with nothing left to choice:
  no whitespace; NULL as ``null``; an integer as its decimal digits (``-`` when
  negative, no leading zeros); text, dates and times as JSON strings, dates
  ``"YYYY-MM-DD"`` and times ``"YYYY-MM-DD HH:MM:SS.ffffff"`` in UTC; in a string only
  ``"`` and ``\\`` and the characters U+0000–U+001F are escaped — ``\\"``, ``\\\\``,
  ``\\b \\t \\n \\f \\r``, the others ``\\u00xx`` (lower-case hex) — and every other
  character is itself (not ``\\u``-escaped). E.g. ``["CO",-1250,null,"2026-06-30"]``.
  It is what Python's ``json.dumps(values, ensure_ascii=False, separators=(",", ":"))``
  and SQLite's ``json_array(...)`` both produce, and what PostgreSQL builds with
  ``to_json`` and ``||`` (store/audit/rows.py), so `audit verify` reads one text per
  row, built by the database, instead of every value (issue #16 item 3).
  The state hash of a row changed in place is ``blake2b(b"state" + encoding(values))``.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

GENESIS_HASH = "0" * 64
ROW_HASH_CHARS = 32
ROW_HASH_BYTES = ROW_HASH_CHARS // 2
MANIFEST_HEADER = "rows v2"
# Row encodings (module docstring): 1 marshal, 2 the canonical row text (JSON).
ENCODING_MARSHAL = 1
ENCODING_JSON = 2
CURRENT_ENCODING = ENCODING_JSON
_HEADERS = {ENCODING_MARSHAL: MANIFEST_HEADER, ENCODING_JSON: MANIFEST_HEADER + " json"}
_ENCODINGS = {header: encoding for encoding, header in _HEADERS.items()}

_sha256 = hashlib.sha256
_blake2b = hashlib.blake2b  # row hashes: a quarter cheaper than sha256 cut to 32 digits
_dumps = marshal.dumps


def _default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def _stamp(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")  # 'YYYY-MM-DD HH:MM:SS.ffffff', the year in 4 digits


def _json_default(value: Any) -> str:
    """Dates and times as the canonical text writes them; anything else is refused."""
    if isinstance(value, datetime):
        return _stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    raise ValueError(f"a {type(value).__name__} has no canonical row text")


def _text_encoder() -> tuple[Callable[[tuple | list], str], Callable[[Iterable[tuple]], list[str]]]:
    """`json.dumps(values, ensure_ascii=False, separators=(",", ":"))`, the same text,
    through the C encoder made once (json.dumps builds an encoder per call: 2.2 times
    the cost): one row's, and many rows' (mapped in C, no Python frame a row). Falls
    back to json.dumps's encoder where there is no C encoder."""
    from itertools import repeat
    from json.encoder import c_encode_basestring, c_make_encoder  # type: ignore[attr-defined]

    if c_make_encoder is None or c_encode_basestring is None:  # pragma: no cover - CPython has both
        one = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default, allow_nan=False).encode
        return one, lambda rows: list(map(one, rows))
    encode = c_make_encoder(None, _json_default, c_encode_basestring, None, ":", ",", False, False, False)
    join = "".join
    return (lambda values: join(encode(values, 0)), lambda rows: list(map(join, map(encode, rows, repeat(0)))))


_encode_text, _encode_texts = _text_encoder()


def row_text(values: tuple | list) -> str:
    """A row's canonical text (encoding 2: the module docstring), from ints, text, None,
    dates and times (what the writers hand the database; a bool or a float is not among
    them: the database would store 1 or a rounded number, and the text read back would
    differ). Another type is refused (ValueError)."""
    return _encode_text(values)


def row_texts(rows: Iterable[tuple]) -> list[str]:
    """Canonical texts of many rows (the writers' path: one C call a row)."""
    return _encode_texts(rows)


def chain_text_hashes(prev: str, texts: Iterable[str]) -> list[str]:
    """Each row's hash (encoding 2) from its canonical text, chained from `prev`."""
    out: list[str] = []
    append = out.append
    for text in texts:
        prev = _blake2b((prev + text).encode(), digest_size=ROW_HASH_BYTES).hexdigest()
        append(prev)
    return out


def chain_row_hashes(prev: str, rows: Iterable[tuple], encoding: int = ENCODING_MARSHAL) -> list[str]:
    """Each row's hash, chained from `prev`, in the given row encoding."""
    if encoding == ENCODING_JSON:
        return chain_text_hashes(prev, row_texts(rows if isinstance(rows, list) else list(rows)))
    return _chain_marshal(prev, rows)


def _chain_marshal(prev: str, rows: Iterable[tuple]) -> list[str]:
    """Each row's hash, chained from `prev` (marshal format 0 of the value tuple: ints,
    text and None only, so an unexpected type fails loudly instead of hashing a repr)."""
    out: list[str] = []
    append = out.append
    for row in rows:
        prev = _blake2b(prev.encode() + _dumps(row, 0), digest_size=ROW_HASH_BYTES).hexdigest()
        append(prev)
    return out


def row_hash(prev: str, values: tuple, encoding: int = ENCODING_MARSHAL) -> str:
    if encoding == ENCODING_JSON:
        return text_row_hash(prev, row_text(values))
    return _blake2b(prev.encode() + _dumps(values, 0), digest_size=ROW_HASH_BYTES).hexdigest()


def text_row_hash(prev: str, text: str) -> str:
    """A row's hash (encoding 2) from its canonical text."""
    return _blake2b((prev + text).encode(), digest_size=ROW_HASH_BYTES).hexdigest()


def state_hash(values: tuple, encoding: int = ENCODING_MARSHAL) -> str:
    """A money row as an event left it after changing it in place (not chained)."""
    if encoding == ENCODING_JSON:
        return text_state_hash(row_text(values))
    return _blake2b(b"state" + _dumps(values, 0), digest_size=ROW_HASH_BYTES).hexdigest()


def text_state_hash(text: str) -> str:
    """`state_hash` (encoding 2) from the row's canonical text."""
    return _blake2b(b"state" + text.encode(), digest_size=ROW_HASH_BYTES).hexdigest()


@dataclass(kw_only=True)
class Manifest:
    """What one event wrote, as `audit verify` rebuilds it from the stored rows."""

    tables: dict[str, tuple[int, str]] = field(default_factory=dict)  # table → (rows, last hash)
    changed: dict[tuple[str, int], str] = field(default_factory=dict)  # (table, id) → state hash
    other_count: int = 0
    other_digest: str = ""
    encoding: int = ENCODING_MARSHAL  # how its row hashes encode the rows (module docstring)

    def text(self) -> str:
        lines = [_HEADERS[self.encoding]]
        lines += [f"table {name} {count} {last}" for name, (count, last) in sorted(self.tables.items())]
        lines += [f"changed {name} {key} {digest}" for (name, key), digest in sorted(self.changed.items())]
        lines.append(f"other {self.other_count} {self.other_digest}")
        return "\n".join(lines) + "\n"

    @classmethod
    def parse(cls, text: str) -> Manifest:
        """The manifest stored for an event; ValueError when it is not one."""
        lines = text.splitlines()
        if not lines or lines[0] not in _ENCODINGS:
            raise ValueError("not a rows manifest")
        manifest = cls(encoding=_ENCODINGS[lines[0]])
        for line in lines[1:]:
            parts = line.split(" ")
            if parts[0] == "table" and len(parts) == 4:
                manifest.tables[parts[1]] = (int(parts[2]), parts[3])
            elif parts[0] == "changed" and len(parts) == 4:
                manifest.changed[(parts[1], int(parts[2]))] = parts[3]
            elif parts[0] == "other" and len(parts) == 3:
                manifest.other_count, manifest.other_digest = int(parts[1]), parts[2]
            else:
                raise ValueError(f"unreadable manifest line {line[:60]!r}")
        return manifest


def manifest_digest(text: str) -> str:
    return _sha256(text.encode()).hexdigest()


class RowsDigest:
    """What one change wrote, as it writes it: the money tables' row-hash chains (see
    the module docstring), the money rows changed in place, and a digest of every other
    row and note in the order written."""

    def __init__(self, encoding: int = ENCODING_MARSHAL) -> None:
        self.encoding = encoding
        self._hash = _sha256()
        self.count = 0
        self._other = 0
        self.tables: dict[str, tuple[int, str]] = {}
        self.touched: dict[str, set] = {}

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
        self._other += len(rows)

    def chain(self, table: str, rows: list[tuple]) -> list[str]:
        """Row hashes for money rows about to be inserted (value tuples, in this
        digest's row encoding)."""
        count, last = self.tables.get(table, (0, ""))
        hashes = chain_row_hashes(last, rows, self.encoding)
        if hashes:
            self.tables[table] = (count + len(hashes), hashes[-1])
            self.count += len(hashes)
        return hashes

    def touch(self, table: str, key: int) -> None:
        """A money row changed in place: the event records its state as it leaves it."""
        self.touched.setdefault(table, set()).add(key)

    def checkpoint(self) -> tuple:
        """The digest as it is now, to restore when a savepoint rolls back."""
        return (
            self._hash.copy(),
            self.count,
            self._other,
            dict(self.tables),
            {name: set(keys) for name, keys in self.touched.items()},
        )

    def restore(self, mark: tuple) -> None:
        self._hash, self.count, self._other = mark[0].copy(), mark[1], mark[2]
        self.tables = dict(mark[3])
        self.touched = {name: set(keys) for name, keys in mark[4].items()}

    def hexdigest(self) -> str:
        """The digest of the rows and notes outside the money tables."""
        return self._hash.hexdigest()

    def manifest(self, changed: Mapping[tuple[str, int], str]) -> Manifest:
        return Manifest(
            tables=dict(self.tables),
            changed=dict(changed),
            other_count=self._other,
            other_digest=self.hexdigest(),
            encoding=self.encoding,
        )


def event_hash(
    *,
    prev_hash: str,
    event_id: int,
    occurred_at: str,
    actor: str,
    action: str,
    entity: str,
    entity_key: str,
    source: str,
    details: str,
    rows_digest: str,
    rows_version: int = 1,
) -> str:
    """Version 2 (a stored manifest) marks itself in the hash, so an event cannot be
    passed off as one from before the manifests (whose rows are not rebuilt)."""
    fields = [prev_hash, event_id, occurred_at, actor, action, entity, entity_key, source, details, rows_digest]
    if rows_version >= 2:
        fields.append(f"rows-v{rows_version}")
    return _sha256(canonical_json(fields).encode()).hexdigest()

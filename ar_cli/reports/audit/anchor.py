"""Anchors: the chain's head kept outside the ledger, and checked against it later.

The chain proves that nothing changed *inside* what it still holds. Someone who cuts
events off its end and points the head back, or rewrites every hash from a point on,
leaves a chain that verifies. `audit anchor` prints the head (hash and event count) to
keep elsewhere — a printed close pack, another system — and `audit verify --anchor`
checks that the chain still holds that event with that hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ar_cli.domain.audit import GENESIS_HASH
from ar_cli.domain.errors import InputError
from ar_cli.store.database import Ledger
from ar_cli.store.queries import audit as audit_sql

if TYPE_CHECKING:
    from ar_cli.store import Session


@dataclass(frozen=True, kw_only=True)
class Anchor:
    """The chain's head as it was once seen: event `count` had hash `hash`."""

    hash: str
    count: int

    def __str__(self) -> str:
        return f"{self.hash}:{self.count}"

    @classmethod
    def parse(cls, text: str) -> Anchor:
        digest, _, count = text.strip().partition(":")
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest) or not count.isdigit():
            raise InputError(
                f"--anchor {text.strip()[:80]!r}: not an anchor (HASH:COUNT, as `ar-cli audit anchor` "
                "prints it: 64 hex digits, a colon, the event count)"
            )
        return cls(hash=digest, count=int(count))


def chain_anchor(ledger: Ledger) -> Anchor:
    """The head as it is now (`audit anchor`): keep it elsewhere, verify against it later."""
    with ledger.read() as session:
        last_event_id, last_hash, _ = audit_sql.head(session)
        return Anchor(hash=last_hash, count=last_event_id or 0)


def check_anchor(session: Session, anchor: Anchor) -> list[tuple[str, str]]:
    """The event the anchor names must still be there with the hash it had: each
    break as (what, problem)."""
    ref = f"anchor {anchor.count}"
    if anchor.count == 0:
        return (
            [] if anchor.hash == GENESIS_HASH else [(ref, ("names no event but a hash other than the empty chain's"))]
        )
    stored = audit_sql.event_hash(session, anchor.count)
    if stored is None:
        last = audit_sql.last_event_id(session)
        return [(ref, (f"names event {anchor.count}, the chain ends at event {last}: events cut from its end"))]
    if stored != anchor.hash:
        return [
            (
                ref,
                (
                    f"event {anchor.count} hashes to {stored[:12]}…, the anchor says {anchor.hash[:12]}…: "
                    "the chain was rewritten"
                ),
            )
        ]
    return []

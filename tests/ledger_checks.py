"""Invariant checks the tests run against a real ledger (not mocks)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from ar_cli.domain.audit import GENESIS_HASH, canonical_json, event_hash
from ar_cli.store.tables import AuditEventRow, AuditHeadRow, ClaimBalanceRow, LedgerEntryRow


def assert_balances_equal_entries(session) -> None:
    sums: dict[tuple[int, int], int] = defaultdict(int)
    for claim_id, resp, amount in session.execute(
            select(LedgerEntryRow.claim_id, LedgerEntryRow.responsibility, LedgerEntryRow.amount)):
        sums[(claim_id, resp)] += amount
    cached = {(c, r): int(b) for c, r, b in session.execute(
        select(ClaimBalanceRow.claim_id, ClaimBalanceRow.responsibility, ClaimBalanceRow.balance))}
    for key in set(sums) | set(cached):
        assert cached.get(key, 0) == sums.get(key, 0), f"balance {key}: cached {cached.get(key)} != entries {sums.get(key)}"


def assert_audit_chain_intact(session) -> int:
    prev = GENESIS_HASH
    count = 0
    for event in session.execute(select(AuditEventRow).order_by(AuditEventRow.id)).scalars():
        assert event.prev_hash == prev, f"event {event.id} does not follow its predecessor"
        expected = event_hash(prev_hash=prev, event_id=event.id, occurred_at=event.occurred_at.isoformat(),
                              actor=event.actor, action=event.action, entity=event.entity,
                              entity_key=event.entity_key, source=event.source, details=event.details,
                              rows_digest=event.rows_digest)
        assert event.hash == expected, f"event {event.id} hash does not match its content"
        prev = event.hash
        count += 1
    head = session.get(AuditHeadRow, 1)
    assert head.last_hash == prev
    return count

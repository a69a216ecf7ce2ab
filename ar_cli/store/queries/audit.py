"""`audit verify`'s and `audit anchor`'s questions (reports/audit/ says what each check
means): the chain's events and head, the manifests, the closed periods, the entries'
audit stamps, the unapplied entries and the remittances they tie to.

SQLAlchemy Core statements (store/ only), moved here unchanged from reports/audit/, so
values come back typed as the tables type them (datetimes as SQLModel's UTCDateTime
gives them). Rows are tuples; the chain's events and the unapplied entries are Core
rows, tuples that also name their columns (`row.id`, `row.prev_hash`, ...). Money rows
as hashed are store/audit/rows.py's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from ar_cli.store.tables import (
    AuditEventRow,
    AuditHeadRow,
    AuditRowsRow,
    ClaimRow,
    ClosedPeriodRow,
    LedgerEntryRow,
    RemittanceRow,
    UnappliedEntryRow,
)

_CHUNK = 2000  # events streamed at a time
_IDS = 500  # ids in one IN list

# The entry tables stamped with the audit event that wrote each row.
_STAMPED = {"ledger_entry": LedgerEntryRow, "unapplied_entry": UnappliedEntryRow}


# The head and the anchor.


def event_columns() -> tuple:
    """An audit event's columns in the order the chain hashes and exports list them: (id,
    occurred_at, actor, action, entity, entity_key, source, details, rows_digest,
    prev_hash, hash)."""
    t = AuditEventRow.__table__
    return (
        t.c.id,
        t.c.occurred_at,
        t.c.actor,
        t.c.action,
        t.c.entity,
        t.c.entity_key,
        t.c.source,
        t.c.details,
        t.c.rows_digest,
        t.c.prev_hash,
        t.c.hash,
    )


def head(session: Session) -> tuple[int | None, str, int | None] | None:
    """(last event id, last hash, last event id issued) of the chain's head row, or None
    when the row is missing."""
    row = session.get(AuditHeadRow, 1)
    if row is None:
        return None
    return row.last_event_id, row.last_hash, row.issued_event_id


def event_hash(session: Session, event_id: int) -> str | None:
    """The stored hash of one event, or None when the chain does not hold it."""
    t = AuditEventRow.__table__
    return session.execute(select(t.c.hash).where(t.c.id == event_id)).scalar()


def last_event_id(session: Session) -> int:
    """The highest event id stored (0 for an empty chain)."""
    t = AuditEventRow.__table__
    return session.execute(select(func.max(t.c.id))).scalar() or 0


# The chain.


def manifests(session: Session) -> Iterator[tuple[int, str]]:
    """(event id, manifest text) of every stored manifest, by event id (event 0 holds
    revision 0007's boundary)."""
    t = AuditRowsRow.__table__
    return iter(session.execute(select(t.c.event_id, t.c.manifest).order_by(t.c.event_id)))


def chain_events(session: Session) -> Iterator[Any]:
    """Every event in id order, streamed: rows of (id, occurred_at, actor, action, entity,
    entity_key, source, details, rows_digest, prev_hash, hash), by those names too
    (what store/audit/head.expected_event_hash reads)."""
    t = AuditEventRow.__table__
    stmt = select(*event_columns()).order_by(t.c.id).execution_options(yield_per=_CHUNK)
    return iter(session.execute(stmt))


def event_times(session: Session) -> dict[int, datetime]:
    """When each stored event was written, by event id."""
    return {int(i): at for i, at in session.execute(select(AuditEventRow.id, AuditEventRow.occurred_at))}


def closed_periods(session: Session) -> Iterator[tuple[str, datetime, datetime | None]]:
    """(period 'YYYY-MM', closed at, reopened at or None) of every period close."""
    c = ClosedPeriodRow.__table__
    return iter(session.execute(select(c.c.period, c.c.closed_at, c.c.reopened_at)))


# Entries written around the chain.


def entry_count(session: Session, table: str) -> int:
    """Rows in `table` (ledger_entry or unapplied_entry)."""
    return int(session.execute(select(func.count()).select_from(_STAMPED[table].__table__)).scalar_one())


def stamps_not_in_chain(session: Session, table: str) -> list[tuple[int, int, int, int]]:
    """(event id, rows, first row id, last row id) per event that rows of `table` are
    stamped with but the chain does not hold."""
    t = _STAMPED[table].__table__
    events = AuditEventRow.__table__.c.id
    stamp = t.c.audit_event_id
    return [
        tuple(row)
        for row in session.execute(
            select(stamp, func.count(), func.min(t.c.id), func.max(t.c.id))
            .where(stamp.is_not(None), ~select(events).where(events == stamp).exists())
            .group_by(stamp)
        ).all()
    ]


def unstamped_ids(session: Session, table: str) -> Iterator[tuple[int]]:
    """(row id,) of each row of `table` stamped with no event, by id."""
    t = _STAMPED[table].__table__
    return iter(session.execute(select(t.c.id).where(t.c.audit_event_id.is_(None)).order_by(t.c.id)))


# Balances, unapplied money, remittances.


def claim_numbers(session: Session, claim_ids: Sequence[int]) -> dict[int, str]:
    """Claim number by claim id, for the ids given."""
    numbers: dict[int, str] = {}
    for start in range(0, len(claim_ids), _IDS):
        numbers.update(
            session.execute(
                select(ClaimRow.id, ClaimRow.claim_number).where(ClaimRow.id.in_(claim_ids[start : start + _IDS]))
            ).all()
        )
    return numbers


def unapplied_entries(session: Session) -> list[Any]:
    """Every unapplied entry by id: rows of (id, payer_id, amount, reason, applies_id,
    ledger_entry_id, remittance_id), by those names too."""
    u = UnappliedEntryRow.__table__
    return session.execute(
        select(
            u.c.id, u.c.payer_id, u.c.amount, u.c.reason, u.c.applies_id, u.c.ledger_entry_id, u.c.remittance_id
        ).order_by(u.c.id)
    ).all()


def entry_amounts(session: Session, entry_ids: Sequence[int]) -> dict[int, int]:
    """Amount by ledger entry id, for the ids given (those stored)."""
    amounts: dict[int, int] = {}
    e = LedgerEntryRow.__table__
    for start in range(0, len(entry_ids), _IDS):
        amounts.update(
            {
                int(i): int(a)
                for i, a in session.execute(
                    select(e.c.id, e.c.amount).where(e.c.id.in_(entry_ids[start : start + _IDS]))
                )
            }
        )
    return amounts


def payments_by_remittance(session: Session) -> Iterable[tuple[int, int]]:
    """(remittance id, sum of its claim payment entries, signed as stored) per
    remittance with payment entries."""
    e = LedgerEntryRow.__table__
    return session.execute(
        select(e.c.remittance_id, func.sum(e.c.amount))
        .where(e.c.kind == "payment", e.c.remittance_id.is_not(None))
        .group_by(e.c.remittance_id)
    )


def tied_remittances(session: Session) -> Iterator[tuple[int, str, int, str]]:
    """(id, trace number, BPR02 amount, status) of each posted, forced or notification
    remittance, by id."""
    r = RemittanceRow.__table__
    return iter(
        session.execute(
            select(r.c.id, r.c.trace_number, r.c.amount, r.c.status)
            .where(r.c.status.in_(("posted", "forced", "notification")))
            .order_by(r.c.id)
        )
    )

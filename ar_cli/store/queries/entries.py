"""Ledger entries as services ask about them while they post: the next transfer group,
whether a payment by hand was posted before, a claim's entries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from ar_cli.store.tables import LedgerEntryRow


def next_transfer_group(session: Session) -> int:
    """One more than the highest transfer group used (the two entries of a transfer share one)."""
    top = session.execute(select(func.coalesce(func.max(LedgerEntryRow.transfer_group), 0))).scalar_one()
    return int(top) + 1


def _same_source(claim_id: int, payer_id: int | None, effective: date, sources: Iterable[str]):
    e = LedgerEntryRow
    payer = e.payer_id.is_(None) if payer_id is None else e.payer_id == payer_id
    return [e.claim_id == claim_id, e.effective_date == effective, e.source_ref.in_(list(sources)), payer]


def payment_posted(
    session: Session,
    *,
    claim_id: int,
    payer_id: int | None,
    rank: int,
    effective: date,
    amount: int,
    sources: Iterable[str],
) -> bool:
    """A payment entry of `amount` on coverage `rank`, dated `effective`, from one of `sources`."""
    e = LedgerEntryRow
    query = select(e.id).where(
        *_same_source(claim_id, payer_id, effective, sources),
        e.kind == "payment",
        e.responsibility == rank,
        e.amount == -amount,
    )
    return session.execute(query.limit(1)).first() is not None


def entries_from(
    session: Session,
    *,
    claim_id: int,
    payer_id: int | None,
    line_id: int | None,
    effective: date,
    sources: Iterable[str],
) -> Counter:
    """(responsibility, kind, group, reason code, amount) of the entries from one of
    `sources` on that line (None: claim level) and day, counted."""
    e = LedgerEntryRow
    line = e.line_id.is_(None) if line_id is None else e.line_id == line_id
    return Counter(
        tuple(row)
        for row in session.execute(
            select(e.responsibility, e.kind, e.adjustment_group, e.reason_code, e.amount).where(
                *_same_source(claim_id, payer_id, effective, sources), line
            )
        )
    )


def charge_entries_of_line(session: Session, line_id: int) -> list[LedgerEntryRow]:
    return list(
        session.execute(
            select(LedgerEntryRow).where(LedgerEntryRow.line_id == line_id, LedgerEntryRow.kind == "charge")
        )
        .scalars()
        .all()
    )

"""Closed accounting periods: a posting date in a closed month is refused.

A period is a calendar month, 'YYYY-MM'. Closing adds a `closed_period` row;
reopening stamps that row (who, when, why) — a later close adds a new row, so the
table is the period's whole history.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from ar_cli.domain.errors import InputError
from ar_cli.store.tables import AuditHeadRow, ClosedPeriodRow, LedgerEntryRow, RemittanceRow, UnappliedEntryRow


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def closed_row(session: Session, period: str) -> ClosedPeriodRow | None:
    """The standing (not reopened) close of `period`, if any."""
    return (
        session.execute(
            select(ClosedPeriodRow)
            .where(ClosedPeriodRow.period == period, ClosedPeriodRow.reopened_at.is_(None))
            .order_by(ClosedPeriodRow.id.desc())
        )
        .scalars()
        .first()
    )


def period_history(session: Session) -> list[ClosedPeriodRow]:
    return list(session.execute(select(ClosedPeriodRow).order_by(ClosedPeriodRow.period, ClosedPeriodRow.id)).scalars())


def ensure_period_open(session: Session, posting_date: date, *, writing: bool = True) -> None:
    """Refuse a posting date in a closed month. A writer (writing=True) takes the chain
    head first: on PostgreSQL a close that committed while this writer waited for the
    head would otherwise go unseen, and the posting would land in the month just closed
    (SQLite's BEGIN IMMEDIATE already holds the lock; FOR UPDATE renders as nothing there)."""
    if writing:
        session.execute(select(AuditHeadRow.id).where(AuditHeadRow.id == 1).with_for_update())
    period = period_of(posting_date)
    closed = session.execute(
        select(ClosedPeriodRow.id).where(ClosedPeriodRow.period == period, ClosedPeriodRow.reopened_at.is_(None))
    ).first()
    if closed is not None:
        raise InputError(
            f"--posting-date {posting_date.isoformat()}: period {period} is closed; "
            "post in an open period (the effective date says what it corrects), "
            f"or reopen it: `ar-cli period reopen {period} --reason TEXT`"
        )


def posting_mark(session: Session) -> tuple[int, int]:
    """What a read snapshot has seen: (the last audit event, the last remittance id).
    Writers take the chain head before they write (store/audit/chain.py), so later
    events and remittances get larger ids, in commit order, on both databases."""
    event = session.execute(select(AuditHeadRow.last_event_id).where(AuditHeadRow.id == 1)).scalar_one_or_none()
    remittance = session.execute(select(func.max(RemittanceRow.id))).scalar_one_or_none()
    return int(event or 0), int(remittance or 0)


def posted_since(session: Session, mark: tuple[int, int], last_day: date) -> bool:
    """Whether anything with a posting date on or before `last_day` (what a close pack
    of the month ending then reads) was written after `mark`."""
    event, remittance = mark
    current = session.execute(select(AuditHeadRow.last_event_id).where(AuditHeadRow.id == 1)).scalar_one_or_none()
    if (
        int(current or 0) == event
        and not session.execute(select(RemittanceRow.id).where(RemittanceRow.id > remittance).limit(1)).first()
    ):
        return False
    for table in (LedgerEntryRow, UnappliedEntryRow):
        if session.execute(
            select(table.id).where(table.audit_event_id > event, table.posting_date <= last_day).limit(1)
        ).first():
            return True
    return (
        session.execute(
            select(RemittanceRow.id)
            .where(RemittanceRow.id > remittance, RemittanceRow.posting_date <= last_day)
            .limit(1)
        ).first()
        is not None
    )

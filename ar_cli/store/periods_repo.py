"""Closed accounting periods: a posting date in a closed month is refused.

A period is a calendar month, 'YYYY-MM'. Closing adds a `closed_period` row;
reopening stamps that row (who, when, why) — a later close adds a new row, so the
table is the period's whole history.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from ar_cli.domain.errors import InputError
from ar_cli.store.tables import ClosedPeriodRow


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def closed_row(session: Session, period: str) -> ClosedPeriodRow | None:
    """The standing (not reopened) close of `period`, if any."""
    return session.execute(select(ClosedPeriodRow).where(
        ClosedPeriodRow.period == period, ClosedPeriodRow.reopened_at.is_(None))
        .order_by(ClosedPeriodRow.id.desc())).scalars().first()


def period_history(session: Session) -> list[ClosedPeriodRow]:
    return list(session.execute(select(ClosedPeriodRow).order_by(ClosedPeriodRow.period, ClosedPeriodRow.id))
                .scalars())


def ensure_period_open(session: Session, posting_date: date) -> None:
    period = period_of(posting_date)
    closed = session.execute(select(ClosedPeriodRow.id).where(
        ClosedPeriodRow.period == period, ClosedPeriodRow.reopened_at.is_(None))).first()
    if closed is not None:
        raise InputError(f"--posting-date {posting_date.isoformat()}: period {period} is closed; "
                         "post in an open period (the effective date says what it corrects), "
                         f"or reopen it: `ar-cli period reopen {period} --reason TEXT`")

"""Closed accounting periods: a posting date in a closed month is refused."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from ar_cli.domain.errors import InputError
from ar_cli.store.tables import ClosedPeriodRow


def ensure_period_open(session: Session, posting_date: date) -> None:
    period = f"{posting_date.year:04d}-{posting_date.month:02d}"
    closed = session.execute(select(ClosedPeriodRow.id).where(
        ClosedPeriodRow.period == period, ClosedPeriodRow.reopened_at.is_(None))).first()
    if closed is not None:
        raise InputError(f"--posting-date {posting_date.isoformat()}: period {period} is closed; "
                         "post in an open period (the effective date says what it corrects)")

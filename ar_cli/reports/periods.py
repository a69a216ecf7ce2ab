"""`ar-cli period list`: every close, oldest month first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ar_cli.store.database import Ledger
from ar_cli.store.periods_repo import period_history


@dataclass(frozen=True, kw_only=True)
class PeriodState:
    period: str
    status: str  # closed | reopened
    closed_at: datetime
    closed_by: str
    reopened_at: datetime | None
    reopened_by: str
    reason: str


def list_periods(ledger: Ledger) -> list[PeriodState]:
    """Every close, oldest month first; a reopened close stays in the list as reopened."""
    with ledger.read() as session:
        return [
            PeriodState(
                period=row.period,
                status="reopened" if row.reopened_at else "closed",
                closed_at=row.closed_at,
                closed_by=row.closed_by,
                reopened_at=row.reopened_at,
                reopened_by=row.reopened_by,
                reason=row.reopen_reason,
            )
            for row in period_history(session)
        ]

"""Accounting periods: close a month (nothing may post into it after), list, reopen.

Closing is one audited write transaction, kept short. The close pack (that month's
aging, ledger and remittance exports with their manifest) is built by the caller's
`pack` from a read snapshot first, while other writers go on (on an 800,000-entry
ledger it takes most of a minute, the busy timeout of every other writer). The write
transaction then takes the chain head (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: the
head row), checks that nothing with a posting date on or before the month's last day
was written since the snapshot, and records the close. If something was, the pack no
longer shows the month as it closes: it is built again from a new snapshot, and the
last of _ATTEMPTS is built under the lock, as it always was, so a close never fails
for a busy month, and its pack always matches the ledger it closed. The pack's hashes
go into the close's audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ar_cli.domain.errors import InputError
from ar_cli.domain.periods import Period, parse_period
from ar_cli.services.context import Actor
from ar_cli.store import Session
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.periods_repo import closed_row, ensure_period_open, posted_since, posting_mark
from ar_cli.store.rows import save
from ar_cli.store.tables import ClosedPeriodRow

__all__ = [
    "Closed",
    "Pack",
    "Period",
    "check_can_close",
    "close_period",
    "parse_period",  # Period, parse_period:
    "refuse_closed_period",
    "reopen_period",
]  # domain/periods.py's, re-exported

# pack(session, period, first day, last day) → what the pack holds, for the audit event.
Pack = Callable[[Session, str, date, date], dict[str, Any]]


@dataclass(frozen=True, kw_only=True)
class Closed:
    period: Period
    audit_event_id: int
    pack: dict[str, Any]


def check_can_close(ledger: Ledger, period: Period, *, actor: Actor) -> None:
    """Refuse early (before a pack folder is made) what `close_period` would refuse."""
    with ledger.read() as session:
        _closable(session, period, actor)


def _closable(session: Session, period: Period, actor: Actor) -> None:
    if period.first > actor.today:
        raise InputError(f"period {period.text} has not begun; only a month that has begun can be closed")
    standing = closed_row(session, period.text)
    if standing is not None:
        raise InputError(
            f"period {period.text} is already closed (on {standing.closed_at.date().isoformat()} "
            f"by {standing.closed_by}); `ar-cli period reopen` it first to close it again"
        )


# Snapshots tried before the pack is built under the write lock instead.
_ATTEMPTS = 3


def close_period(ledger: Ledger, period: Period, *, actor: Actor, pack: Pack | None = None) -> Closed:
    contents: dict[str, Any] = {}
    mark: tuple[int, int] | None = None
    for attempt in range(1, _ATTEMPTS + 1):
        if pack is not None and attempt < _ATTEMPTS:
            with ledger.snapshot() as session:
                _closable(session, period, actor)
                mark = posting_mark(session)
                contents = pack(session, period.text, period.first, period.last)
        closed = _record_close(
            ledger, period, actor=actor, pack=pack, mark=mark, contents=contents, last_try=attempt == _ATTEMPTS
        )
        if closed is not None:
            return closed
    raise AssertionError("the last attempt builds the pack under the lock")  # pragma: no cover


def _record_close(
    ledger: Ledger,
    period: Period,
    *,
    actor: Actor,
    pack: Pack | None,
    mark: tuple[int, int] | None,
    contents: dict[str, Any],
    last_try: bool,
) -> Closed | None:
    """Record the close under the write lock; None when the snapshot's pack is stale
    (something was posted on or before the month's end since) and this is not the
    last try, which builds the pack here."""
    with ledger.write() as session:
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        _closable(session, period, actor)
        if pack is not None and (mark is None or posted_since(session, mark, period.last)):
            if not last_try:
                return None  # rolled back: nothing written
            contents = pack(session, period.text, period.first, period.last)
        rec.insert(
            ClosedPeriodRow,
            [
                {
                    "period": period.text,
                    "closed_at": actor.now,
                    "closed_by": actor.user,
                    "reopened_at": None,
                    "reopened_by": "",
                    "reopen_reason": "",
                }
            ],
        )
        event = rec.finish(action="period.close", entity="period", entity_key=period.text, details={"pack": contents})
    return Closed(period=period, audit_event_id=event, pack=contents)


def reopen_period(ledger: Ledger, period: Period, *, reason: str, actor: Actor) -> int:
    """Reopen a closed month; `reason` is required and kept with the period and the audit."""
    why = " ".join(reason.split())
    if not why:
        raise InputError("period reopen: --reason is empty; say why the month is reopened")
    with ledger.write() as session:
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        row = closed_row(session, period.text)
        if row is None:
            raise InputError(f"period {period.text} is not closed")
        row.reopened_at, row.reopened_by, row.reopen_reason = actor.now, actor.user, why
        save(session, row)
        rec.note_update(
            "closed_period",
            row.id,
            {"reopened_at": actor.now.isoformat(), "reopened_by": actor.user, "reopen_reason": why},
        )
        return rec.finish(
            action="period.reopen",
            entity="period",
            entity_key=period.text,
            details={"reason": why, "closed_at": row.closed_at.isoformat(), "closed_by": row.closed_by},
        )


def refuse_closed_period(ledger: Ledger, posting_date: date) -> None:
    """Refuse a posting date in a closed month before any input file is read: one line,
    exit 2, for the whole run (not one per file). Each write transaction checks again,
    so a month closed in between is still refused there."""
    with ledger.read() as session:
        ensure_period_open(session, posting_date, writing=False)

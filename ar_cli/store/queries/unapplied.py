"""Unapplied money: the entries a payer's money waits in, and what is still open on each
(services/posting/unapplied.py applies it; `ar-cli unapplied` lists it)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlmodel import Session

from ar_cli.domain.errors import InputError, NotFoundError
from ar_cli.store.payers_repo import payers_by_code
from ar_cli.store.tables import PayerRow, RemittanceRow, UnappliedEntryRow

# Entries that close money held (they point at an opened entry), not money held.
CLOSING_REASONS = ("applied", "interest_income")


def open_amounts(session: Session, ids: list[int] | None = None) -> dict[int, int]:
    """Sum of the entries pointing at each opened entry (what has been applied/closed)."""
    stmt = (
        select(UnappliedEntryRow.applies_id, func.sum(UnappliedEntryRow.amount))
        .where(UnappliedEntryRow.applies_id.is_not(None))
        .group_by(UnappliedEntryRow.applies_id)
    )
    if ids is not None:
        stmt = stmt.where(UnappliedEntryRow.applies_id.in_(ids))
    return {int(i): int(s) for i, s in session.execute(stmt)}


def opened_for_exception(session: Session, exception_id: int) -> UnappliedEntryRow | None:
    """The unapplied entry that holds an exception's money (None: it held none)."""
    return (
        session.execute(
            select(UnappliedEntryRow)
            .where(UnappliedEntryRow.exception_id == exception_id, UnappliedEntryRow.reason.not_in(CLOSING_REASONS))
            .order_by(UnappliedEntryRow.id)
        )
        .scalars()
        .first()
    )


def opened_entry(session: Session, unapplied_id: int) -> UnappliedEntryRow:
    """An entry that holds money; NotFoundError or InputError (one line) otherwise."""
    row = session.get(UnappliedEntryRow, unapplied_id)
    if row is None:
        raise NotFoundError(f"unapplied entry {unapplied_id} does not exist")
    if row.reason in CLOSING_REASONS:
        raise InputError(
            f"unapplied entry {unapplied_id} is an {row.reason} entry, not money held; see entry {row.applies_id}"
        )
    return row


def trace_number_of(session: Session, remittance_id: int | None) -> str:
    if remittance_id is None:
        return ""
    return (
        session.execute(
            select(RemittanceRow.trace_number).where(RemittanceRow.id == remittance_id)
        ).scalar_one_or_none()
        or ""
    )


def unapplied_rows(session: Session, *, payer: str | None, include_closed: bool) -> list[dict]:
    """One row per opened entry, with what is still open on it."""
    stmt = (
        select(UnappliedEntryRow, PayerRow.code, RemittanceRow.trace_number)
        .outerjoin(PayerRow, PayerRow.id == UnappliedEntryRow.payer_id)
        .outerjoin(RemittanceRow, RemittanceRow.id == UnappliedEntryRow.remittance_id)
        .where(UnappliedEntryRow.reason.not_in(CLOSING_REASONS))
        .order_by(UnappliedEntryRow.id)
    )
    if payer:
        code = payer.strip().upper()
        if not payers_by_code(session, [code]):
            raise NotFoundError(f"--payer: payer {payer.strip()!r} is not in the ledger")
        stmt = stmt.where(PayerRow.code == code)
    entries = session.execute(stmt).all()
    closed: dict[int, int] = defaultdict(int, open_amounts(session))
    rows = []
    for entry, code, trace in entries:
        open_amount = entry.amount + closed[entry.id]
        if open_amount == 0 and not include_closed:
            continue
        rows.append(
            {
                "id": str(entry.id),
                "payer": code or "",
                "reason": entry.reason,
                "reference": entry.reference,
                "trace": trace or "",
                "exception": str(entry.exception_id) if entry.exception_id else "",
                "date": entry.effective_date,
                "amount": entry.amount,
                "applied": -closed[entry.id],
                "open": open_amount,
            }
        )
    return rows

"""A claim's timeline: its entries, denials, notes and follow-ups, as plain tuples (dates
as `date`, timestamps as `datetime`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from ar_cli.store.tables import DenialRow, FollowUpRow, LedgerEntryRow, PayerRow, SourceFileRow, UserRow


def payer_codes(session: Session) -> dict[int, str]:
    return dict(session.execute(select(PayerRow.id, PayerRow.code)).all())


def user_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(UserRow.id, UserRow.name)).all())


def entries(session: Session, claim_id: int) -> list[tuple]:
    """(effective date, kind, responsibility, payer id, amount, source file name, created by) by id."""
    e = LedgerEntryRow
    return [
        tuple(row)
        for row in session.execute(
            select(e.effective_date, e.kind, e.responsibility, e.payer_id, e.amount, SourceFileRow.name, e.created_by)
            .outerjoin(SourceFileRow, SourceFileRow.id == e.source_file_id)
            .where(e.claim_id == claim_id)
            .order_by(e.id)
        )
    ]


def denials(session: Session, claim_id: int) -> list[tuple]:
    """(denied on, payer id, group, reason code, category, status, appeal deadline, amount) by id."""
    d = DenialRow
    return [
        tuple(row)
        for row in session.execute(
            select(
                d.denied_on,
                d.payer_id,
                d.adjustment_group,
                d.reason_code,
                d.category,
                d.status,
                d.appeal_deadline,
                d.amount,
            )
            .where(d.claim_id == claim_id)
            .order_by(d.id)
        )
    ]


def follow_ups(session: Session, claim_id: int) -> list[tuple]:
    """(created at, created by, assigned user id, due on, action, status) by id."""
    f = FollowUpRow
    return [
        tuple(row)
        for row in session.execute(
            select(f.created_at, f.created_by, f.assigned_user_id, f.due_on, f.action, f.status)
            .where(f.claim_id == claim_id)
            .order_by(f.id)
        )
    ]

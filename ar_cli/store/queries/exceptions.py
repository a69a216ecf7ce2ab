"""Exceptions held for a human, for the report that lists them."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from ar_cli.store.tables import ExceptionRow, PayerRow, SourceFileRow


def held_exceptions(session: Session, *, status: str | None, kind: str | None) -> list[tuple]:
    """(id, kind, status, claim number, payer code, amount, summary, source file name,
    source ref, created at) by id; `status` None for every status."""
    e = ExceptionRow
    stmt = (
        select(
            e.id,
            e.kind,
            e.status,
            e.claim_number,
            PayerRow.code,
            e.amount,
            e.summary,
            SourceFileRow.name,
            e.source_ref,
            e.created_at,
        )
        .outerjoin(PayerRow, PayerRow.id == e.payer_id)
        .outerjoin(SourceFileRow, SourceFileRow.id == e.source_file_id)
        .order_by(e.id)
    )
    if status is not None:
        stmt = stmt.where(e.status == status)
    if kind:
        stmt = stmt.where(e.kind == kind)
    return [tuple(row) for row in session.execute(stmt)]

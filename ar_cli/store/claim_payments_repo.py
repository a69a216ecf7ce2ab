"""Posted claim payments: finding the original a reversal reverses, and the entries it
posted. Never commits."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from ar_cli.store.tables import ClaimPaymentRow, LedgerEntryRow

REVERSAL = "22"


def original_for_reversal(
    session: Session, *, payer_id: int, claim_id: int, payer_claim_number: str
) -> ClaimPaymentRow | None:
    """The latest posted, not yet reversed, non-reversal payment of `claim_id` by
    `payer_id` whose payer claim number is `payer_claim_number` (any, when it is '')."""
    cp = ClaimPaymentRow.__table__.c
    reversed_ids = select(cp.reverses_id).where(cp.reverses_id.is_not(None))
    stmt = (
        select(ClaimPaymentRow)
        .where(
            ClaimPaymentRow.payer_id == payer_id,
            ClaimPaymentRow.claim_id == claim_id,
            ClaimPaymentRow.status_code != REVERSAL,
            ClaimPaymentRow.id.not_in(reversed_ids),
        )
        .order_by(ClaimPaymentRow.id.desc())
    )
    if payer_claim_number:
        stmt = stmt.where(ClaimPaymentRow.payer_claim_number == payer_claim_number)
    return session.execute(stmt).scalars().first()


def entries_of_payment(session: Session, original: ClaimPaymentRow) -> list[LedgerEntryRow]:
    """The ERA entries the original's remittance posted on its claim, oldest first."""
    return list(
        session.execute(
            select(LedgerEntryRow)
            .where(
                LedgerEntryRow.claim_id == original.claim_id,
                LedgerEntryRow.remittance_id == original.remittance_id,
                LedgerEntryRow.reverses_id.is_(None),
                LedgerEntryRow.kind.in_(("payment", "contractual", "transfer")),
            )
            .order_by(LedgerEntryRow.id)
        ).scalars()
    )

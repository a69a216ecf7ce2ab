"""What ERA posting (services/era/) reads and writes beyond the repositories: a
remittance's savepoint and outcome, the payer and remittance rows it names, claim
statuses a batch at a time, and the entries a reversed payment posted. Never commits."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ar_cli.store import bulk_copy
from ar_cli.store.sql import sql_of
from ar_cli.store.tables import ClaimPaymentRow, PayerRow, RemittanceRow


def savepoint(session: Session) -> Any:
    """A savepoint in the session's transaction: `.commit()` keeps what was written
    since, `.rollback()` undoes it (a remittance that does not tie)."""
    return session.begin_nested()


def payer(session: Session, payer_id: int) -> PayerRow | None:
    return session.get(PayerRow, payer_id)


def remittance(session: Session, remittance_id: int) -> RemittanceRow | None:
    return session.get(RemittanceRow, remittance_id)


def set_remittance_outcome(session: Session, remittance_id: int, *, digest: str, status: str, difference: int) -> None:
    """The remittance as its end left it: posted, forced, rejected or notification."""
    row = session.get(RemittanceRow, remittance_id)
    row.digest, row.status, row.difference = digest, status, difference
    session.add(row)


def set_claim_statuses(session: Session, statuses: list[tuple[int, str]]) -> None:
    """Each (claim id, status): one executemany for a batch of claims; on PostgreSQL one
    UPDATE joined to the batch as arrays (store/bulk_copy.set_claim_statuses)."""
    if session.get_bind().dialect.name == "postgresql":
        bulk_copy.set_claim_statuses(session, statuses)
        return
    sql_of(session).executemany(
        "UPDATE claim SET status = :status WHERE id = :id", [(status, claim_id) for claim_id, status in statuses]
    )


def entries_of_payment(session: Session, original: ClaimPaymentRow) -> list[tuple]:
    """The ERA entries the original's remittance posted on its claim (none reversing
    another), oldest first: (id, line id, responsibility, kind, adjustment group,
    reason code, amount) each."""
    return sql_of(session).rows(
        "SELECT id, line_id, responsibility, kind, adjustment_group, reason_code, amount FROM ledger_entry "
        "WHERE claim_id = :claim_id AND remittance_id = :remittance_id AND reverses_id IS NULL "
        "AND kind IN ('payment', 'contractual', 'transfer') ORDER BY id",
        {"claim_id": original.claim_id, "remittance_id": original.remittance_id},
    )

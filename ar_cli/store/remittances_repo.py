"""Remittances, payer ids as remittances send them, and per-line balances. Never commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlmodel import Session

from ar_cli.store.sql import Keys, sql_of
from ar_cli.store.tables import ExceptionRow, PayerAliasRow, PayerRow, RemittanceRow


def payer_by_remittance_ids(session: Session, ids: Iterable[str]) -> PayerRow | None:
    """The payer any of these ids (TRN03, N1*PR04, REF*2U …) names, first id first."""
    wanted = [i.strip().upper() for i in ids if i and i.strip()]
    if not wanted:
        return None
    rows: dict[str, int] = dict(
        session.execute(
            select(PayerAliasRow.alias, PayerAliasRow.payer_id).where(PayerAliasRow.alias.in_(wanted))
        ).all()
    )
    for candidate in wanted:
        if candidate in rows:
            return session.get(PayerRow, rows[candidate])
    return None


def open_conflict(session: Session, payer_id: int, payload: str) -> int | None:
    """The open remittance_conflict exception with this payload (the remittance and the
    other content's digest), if one is recorded: the same conflict is one exception."""
    return (
        session.execute(
            select(ExceptionRow.id).where(
                ExceptionRow.kind == "remittance_conflict",
                ExceptionRow.status == "open",
                ExceptionRow.payer_id == payer_id,
                ExceptionRow.payload == payload,
            )
        )
        .scalars()
        .first()
    )


def remittance_by_key(
    session: Session, *, payer_trace_id: str, trace_number: str, payment_date_text: str, amount: int
) -> RemittanceRow | None:
    return (
        session.execute(
            select(RemittanceRow).where(
                RemittanceRow.payer_trace_id == payer_trace_id,
                RemittanceRow.trace_number == trace_number,
                RemittanceRow.payment_date_text == payment_date_text,
                RemittanceRow.amount == amount,
                RemittanceRow.status != "rejected",
            )
        )
        .scalars()
        .first()
    )


def line_balances(session: Session, claim_ids: Iterable[int]) -> dict[int, dict[tuple[int | None, int], int]]:
    """Per claim: what each (claim line or None, responsibility) holds, from the entries."""
    found: dict[int, dict[tuple[int | None, int], int]] = defaultdict(dict)
    for claim_id, line_id, resp, total in sql_of(session).rows(
        "SELECT claim_id, line_id, responsibility, SUM(amount) FROM ledger_entry "
        "WHERE claim_id IN :claims GROUP BY claim_id, line_id, responsibility",
        {"claims": Keys(sorted(set(claim_ids)))},
    ):
        found[claim_id][(line_id, resp)] = int(total)
    return found


def balances_by_claim(session: Session, claim_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    found: dict[int, dict[int, int]] = defaultdict(dict)
    for claim_id, resp, bal in sql_of(session).rows(
        "SELECT claim_id, responsibility, balance FROM claim_balance WHERE claim_id IN :claims",
        {"claims": Keys(sorted(set(claim_ids)))},
    ):
        found[claim_id][resp] = int(bal)
    return found


def forced_remittances(session: Session) -> list[tuple]:
    """Remittances posted with --force though they did not tie, oldest first:
    (id, trace number, payer code, BPR02, difference, posting date)."""
    return [
        tuple(row)
        for row in session.execute(
            select(
                RemittanceRow.id,
                RemittanceRow.trace_number,
                PayerRow.code,
                RemittanceRow.amount,
                RemittanceRow.difference,
                RemittanceRow.posting_date,
            )
            .outerjoin(PayerRow, PayerRow.id == RemittanceRow.payer_id)
            .where(RemittanceRow.status == "forced")
            .order_by(RemittanceRow.id)
        ).all()
    ]


def remittance_dates(session: Session, remittance_id: int) -> tuple:
    """(payment date, production date) of a remittance, either None when absent."""
    row = session.get(RemittanceRow, remittance_id)
    return (row.payment_date, row.production_date) if row is not None else (None, None)

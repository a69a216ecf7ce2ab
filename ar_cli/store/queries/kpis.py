"""The KPIs' questions (reports/kpis.py says what each counts): the ledger as of `end` —
entries, claim payments and the denials they opened posted on or before it. Rows come
back as plain tuples, dates as `date`s. SQLAlchemy Core statements (store/ only)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select
from sqlmodel import Session

from ar_cli.store.tables import ClaimRow, DenialRow, LedgerEntryRow, PayerRow, RemittanceRow
from ar_cli.store.tables.payments import ClaimPaymentRow

_CHUNK = 500


def claim_numbers(session: Session, claim_ids: set[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    ids = sorted(claim_ids)
    for start in range(0, len(ids), _CHUNK):
        out.update(
            session.execute(
                select(ClaimRow.id, ClaimRow.claim_number).where(ClaimRow.id.in_(ids[start : start + _CHUNK]))
            ).all()
        )
    return out


def ar_and_window_charges(session: Session, end: date, since: date) -> list[tuple[int, int, int]]:
    """(claim id, what it owes as of `end`, its charges with a date of service from `since`
    to `end`) per claim with entries posted by `end`."""
    e = LedgerEntryRow.__table__
    in_window = (e.c.kind == "charge") & (e.c.effective_date >= since) & (e.c.effective_date <= end)
    stmt = (
        select(e.c.claim_id, func.sum(e.c.amount), func.sum(case((in_window, e.c.amount), else_=0)))
        .where(e.c.posting_date <= end)
        .group_by(e.c.claim_id)
    )
    return [(int(c), int(ar), int(ch)) for c, ar, ch in session.execute(stmt)]


def cohort_totals(session: Session, start: date, end: date) -> list[tuple[str, int, int, int, int]]:
    """(claim number, charges, payments, refunds, contractual) as the entries sum them
    (signed), per claim whose first date of service is in the range, by claim number."""
    e = LedgerEntryRow.__table__

    def total(kind: str):
        return func.coalesce(func.sum(case((e.c.kind == kind, e.c.amount), else_=0)), 0)

    stmt = (
        select(ClaimRow.claim_number, total("charge"), total("payment"), total("refund"), total("contractual"))
        .join(ClaimRow, ClaimRow.id == e.c.claim_id)
        .where(ClaimRow.first_service_date >= start, ClaimRow.first_service_date <= end, e.c.posting_date <= end)
        .group_by(ClaimRow.claim_number)
        .order_by(ClaimRow.claim_number)
    )
    return [(n, int(c), int(p), int(r), int(w)) for n, c, p, r, w in session.execute(stmt)]


def first_adjudications(session: Session, start: date, end: date) -> list[tuple[int, str, int, int, int]]:
    """(claim payment id, claim number, charge, paid, patient responsibility) of each
    claim's first adjudication by its primary payer among those posted by `end`, when its
    check/EFT date is in the range; by claim number."""
    p, r = ClaimPaymentRow.__table__, RemittanceRow.__table__
    # The first among the claim payments posted by `end`: one posted later (even for a
    # check dated in the range) is not part of the range's figures.
    first_ids = (
        select(func.min(p.c.id))
        .join(r, r.c.id == p.c.remittance_id)
        .where(p.c.reverses_id.is_(None), p.c.status_code != "22", p.c.responsibility == 1, r.c.posting_date <= end)
        .group_by(p.c.claim_id)
    )
    return [
        tuple(row)
        for row in session.execute(
            select(p.c.id, p.c.claim_number, p.c.charge, p.c.paid, p.c.patient_responsibility)
            .join(r, r.c.id == p.c.remittance_id)
            .where(p.c.id.in_(first_ids), r.c.effective_date >= start, r.c.effective_date <= end)
            .order_by(p.c.claim_number)
        ).all()
    ]


def denied_by_payment(session: Session, payment_ids: list[int]) -> dict[int, int]:
    """{claim payment id: cents the denials it opened deny} for those that opened any."""
    denied: dict[int, int] = {}
    d = DenialRow.__table__
    for start in range(0, len(payment_ids), _CHUNK):
        for payment_id, amount in session.execute(
            select(d.c.claim_payment_id, func.sum(d.c.amount))
            .where(d.c.claim_payment_id.in_(payment_ids[start : start + _CHUNK]))
            .group_by(d.c.claim_payment_id)
        ):
            denied[int(payment_id)] = int(amount)
    return denied


def first_payments(session: Session, start: date, end: date) -> list[tuple[str, str, date, date]]:
    """(payer code, claim number, billed date, paid on) of each claim's first ERA payment
    (paid > 0) from each payer among those posted by `end`, paid on (check/EFT date, else
    the effective date) in the range; by payer code and claim number."""
    p, r = ClaimPaymentRow.__table__, RemittanceRow.__table__
    paid_on = func.coalesce(r.c.payment_date, r.c.effective_date)
    firsts = (
        select(p.c.claim_id, p.c.payer_id, func.min(paid_on).label("paid_on"))
        .join(r, r.c.id == p.c.remittance_id)
        .where(p.c.reverses_id.is_(None), p.c.status_code != "22", p.c.paid > 0, r.c.posting_date <= end)
        .group_by(p.c.claim_id, p.c.payer_id)
        .subquery()
    )
    stmt = (
        select(PayerRow.code, ClaimRow.claim_number, ClaimRow.billed_date, firsts.c.paid_on)
        .join(ClaimRow, ClaimRow.id == firsts.c.claim_id)
        .join(PayerRow, PayerRow.id == firsts.c.payer_id)
        .where(firsts.c.paid_on >= start, firsts.c.paid_on <= end)
        .order_by(PayerRow.code, ClaimRow.claim_number)
    )
    return [tuple(row) for row in session.execute(stmt)]

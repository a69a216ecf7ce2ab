"""The denial reports' questions (reports/denials/): the list, one claim's denials, the
first adjudications and recorded denials trends count, and the facts the risk flags
need. Read-only; SQLAlchemy inside store/ only. Denials come back as their table rows
(DenialRow) with the labels joined to them; everything else as plain tuples.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from ar_cli.domain.codes.treatments import DenialCategory
from ar_cli.domain.denials.resolutions import WORKABLE, DenialStatus
from ar_cli.store.tables import (
    ClaimBalanceRow,
    ClaimLineRow,
    ClaimPaymentRow,
    ClaimRow,
    CoverageRow,
    DenialRow,
    NoteRow,
    PayerRow,
    RemittanceRow,
)

_WORKABLE = [s.value for s in WORKABLE]
_RESUBMIT = [c.value for c in DenialCategory if c.resubmittable]
_APPEALABLE = [c.value for c in DenialCategory if c.appealable]
_OPEN_OR_UPHELD = (DenialStatus.OPEN.value, DenialStatus.UPHELD.value)


# -- the list and one claim's denials ------------------------------------------------
def listed_denials(
    session: Session,
    *,
    as_of: date,
    claim_id: int | None = None,
    category: str | None = None,
    payer_id: int | None = None,
    status: str = "workable",
) -> list[tuple]:
    """(DenialRow, claim number, payer code, line number, remittance trace) of the
    denials recorded by `as_of`; `status` one status, 'workable' or 'all'."""
    d, c, p, ln = DenialRow, ClaimRow, PayerRow, ClaimLineRow
    stmt = (
        select(d, c.claim_number, p.code, ln.line_number, RemittanceRow.trace_number)
        .join(c, c.id == d.claim_id)
        .outerjoin(p, p.id == d.payer_id)
        .outerjoin(ln, ln.id == d.line_id)
        .outerjoin(RemittanceRow, RemittanceRow.id == d.remittance_id)
        .where(d.denied_on <= as_of)
    )
    if claim_id is not None:
        stmt = stmt.where(d.claim_id == claim_id)
    if category:
        stmt = stmt.where(d.category == category)
    if payer_id is not None:
        stmt = stmt.where(d.payer_id == payer_id)
    if status == "workable":
        stmt = stmt.where(d.status.in_(_WORKABLE))
    elif status != "all":
        stmt = stmt.where(d.status == status)
    return [tuple(row) for row in session.execute(stmt)]


def payer_class(session: Session, payer_id: int) -> str:
    """A payer's financial class."""
    return session.get(PayerRow, payer_id).financial_class


# -- trends ----------------------------------------------------------------------
def first_adjudication_rows(session: Session, *, end: date | None) -> list[tuple[int, int, int, str, date, str]]:
    """(claim payment id, claim id, paid, amounts, remittance effective date, payer code)
    of the first claim payment per (claim, payer) that was neither a reversal nor
    reversed (as the ledger stood at `end`, when given)."""
    cp = ClaimPaymentRow
    reversal, posted = aliased(ClaimPaymentRow), aliased(RemittanceRow)
    reversed_ids = (
        select(reversal.reverses_id)
        .join(posted, posted.id == reversal.remittance_id)
        .where(reversal.reverses_id.is_not(None))
    )
    first = (
        select(func.min(cp.id)).join(RemittanceRow, RemittanceRow.id == cp.remittance_id).where(cp.status_code != "22")
    )
    if end is not None:
        reversed_ids = reversed_ids.where(posted.posting_date <= end)
        first = first.where(RemittanceRow.posting_date <= end)
    first = first.where(cp.id.not_in(reversed_ids)).group_by(cp.claim_id, cp.payer_id)
    return [
        tuple(row)
        for row in session.execute(
            select(cp.id, cp.claim_id, cp.paid, cp.amounts, RemittanceRow.effective_date, PayerRow.code)
            .join(RemittanceRow, RemittanceRow.id == cp.remittance_id)
            .join(PayerRow, PayerRow.id == cp.payer_id)
            .where(cp.id.in_(first))
        ).all()
    ]


def categories_by_payment(session: Session) -> dict[int, set[str]]:
    """{claim payment id: the categories of the denials it opened}."""
    categories: dict[int, set[str]] = defaultdict(set)
    for payment_id, category in session.execute(
        select(DenialRow.claim_payment_id, DenialRow.category).where(DenialRow.claim_payment_id.is_not(None))
    ):
        categories[payment_id].add(category)
    return categories


def trend_denial_rows(session: Session, *, start: date | None, end: date | None) -> list[tuple]:
    """(id, category, amount, denied on, status, payer code) of the denials recorded from
    `start`, as the ledger stood at `end` — posted by then (an ERA's by its remittance's
    posting date, a paper EOB's by its date) and not superseded by a reversal posted by
    then. Oldest first."""
    d = DenialRow
    reversal, posted = aliased(ClaimPaymentRow), aliased(RemittanceRow)
    stmt = (
        select(d.id, d.category, d.amount, d.denied_on, d.status, PayerRow.code)
        .outerjoin(PayerRow, PayerRow.id == d.payer_id)
        .outerjoin(RemittanceRow, RemittanceRow.id == d.remittance_id)
    )
    if start is not None:
        stmt = stmt.where(d.denied_on >= start)
    if end is None:
        stmt = stmt.where(d.status != DenialStatus.SUPERSEDED.value)
    else:
        reversed_later = (
            select(reversal.id)
            .join(posted, posted.id == reversal.remittance_id)
            .where(reversal.reverses_id == d.claim_payment_id, posted.posting_date > end)
            .exists()
        )
        stmt = stmt.where(
            d.denied_on <= end,
            or_(RemittanceRow.posting_date <= end, d.remittance_id.is_(None)),
            or_(d.status != DenialStatus.SUPERSEDED.value, reversed_later),
        )
    return [tuple(row) for row in session.execute(stmt.order_by(d.denied_on, d.id))]


# -- flags ------------------------------------------------------------------------
def _denials(session: Session, *where: Any) -> list[tuple]:
    d = DenialRow
    return [
        tuple(row)
        for row in session.execute(
            select(d, ClaimRow.claim_number, PayerRow.code, ClaimLineRow.line_number)
            .join(ClaimRow, ClaimRow.id == d.claim_id)
            .outerjoin(PayerRow, PayerRow.id == d.payer_id)
            .outerjoin(ClaimLineRow, ClaimLineRow.id == d.line_id)
            .where(*where)
            .order_by(d.id)
        ).all()
    ]


def appealable_denials(
    session: Session, *, as_of: date, deadline_from: date | None = None, deadline_before: date | None = None
) -> list[tuple]:
    """(DenialRow, claim number, payer code, line number) of the open or upheld denials of
    an appealable category recorded by `as_of` with an appeal deadline (in
    [deadline_from, deadline_before) when given), by id."""
    where = [DenialRow.status.in_(_OPEN_OR_UPHELD), DenialRow.category.in_(_APPEALABLE), DenialRow.denied_on <= as_of]
    if deadline_from is None and deadline_before is None:
        where.append(DenialRow.appeal_deadline.is_not(None))
    if deadline_from is not None:
        where.append(DenialRow.appeal_deadline >= deadline_from)
    if deadline_before is not None:
        where.append(DenialRow.appeal_deadline < deadline_before)
    return _denials(session, *where)


def open_denials(session: Session, *, as_of: date) -> list[tuple]:
    """(DenialRow, claim number, payer code, line number) of the open denials recorded by `as_of`."""
    return _denials(session, DenialRow.status == DenialStatus.OPEN.value, DenialRow.denied_on <= as_of)


def resubmittable_denials(session: Session) -> list[tuple]:
    """(DenialRow, claim number, payer code, line number) of the workable denials fixed by resubmitting."""
    return _denials(session, DenialRow.status.in_(_WORKABLE), DenialRow.category.in_(_RESUBMIT))


def last_note_by_claim(session: Session) -> dict[int, datetime]:
    return dict(
        session.execute(select(NoteRow.claim_id, func.max(NoteRow.created_at)).group_by(NoteRow.claim_id)).all()
    )


def insurance_holding(session: Session) -> dict[tuple[int, int], int]:
    """{(claim id, coverage rank): cents} of the coverages still holding money."""
    return {
        (c, r): int(b)
        for c, r, b in session.execute(
            select(ClaimBalanceRow.claim_id, ClaimBalanceRow.responsibility, ClaimBalanceRow.balance).where(
                ClaimBalanceRow.responsibility > 0, ClaimBalanceRow.balance > 0
            )
        )
    }


def coverage_filing_limits(session: Session) -> list[tuple[int, int, int, str, int, str]]:
    """(claim id, rank, payer id, payer code, timely filing count, unit) of every coverage."""
    return [
        tuple(row)
        for row in session.execute(
            select(
                CoverageRow.claim_id,
                CoverageRow.rank,
                PayerRow.id,
                PayerRow.code,
                PayerRow.timely_filing_count,
                PayerRow.timely_filing_unit,
            ).join(PayerRow, PayerRow.id == CoverageRow.payer_id)
        )
    ]


def open_claim_lines(session: Session) -> list[tuple[int, str, int, int, date]]:
    """(claim id, claim number, line id, line number, service to) of the claims not closed."""
    return [
        tuple(row)
        for row in session.execute(
            select(
                ClaimRow.id, ClaimRow.claim_number, ClaimLineRow.id, ClaimLineRow.line_number, ClaimLineRow.service_to
            )
            .join(ClaimLineRow, ClaimLineRow.claim_id == ClaimRow.id)
            .where(ClaimRow.status != "closed")
        )
    ]

"""The claim reports' questions (reports/claims/lists.py): the filtered list with each
claim's charge and balances, and one claim's entries and notes. Plain tuples, dates as
`date`s. SQLAlchemy Core inside store/ only."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from ar_cli.store.tables import (
    ClaimBalanceRow,
    ClaimLineRow,
    ClaimRow,
    CoverageRow,
    LedgerEntryRow,
    NoteRow,
    PatientRow,
    PayerRow,
    SourceFileRow,
)


def claim_list(
    session: Session,
    *,
    payer_id: int | None = None,
    status: str | None = None,
    patient: str | None = None,
    service_from: date | None = None,
    service_to: date | None = None,
    limit: int | None = None,
) -> list[tuple]:
    """(number, account, last name, first name, primary payer code, first service date,
    billed date, charge, insurance balance, patient balance, status) by service date and
    number; `payer_id`: claims it covers at any rank."""
    charges = (
        select(ClaimLineRow.claim_id, func.sum(ClaimLineRow.charge).label("charge"))
        .group_by(ClaimLineRow.claim_id)
        .subquery()
    )
    balances = (
        select(
            ClaimBalanceRow.claim_id,
            func.sum(case((ClaimBalanceRow.responsibility > 0, ClaimBalanceRow.balance), else_=0)).label("insurance"),
            func.sum(case((ClaimBalanceRow.responsibility == 0, ClaimBalanceRow.balance), else_=0)).label("patient"),
        )
        .group_by(ClaimBalanceRow.claim_id)
        .subquery()
    )
    primary = CoverageRow.__table__.alias("primary_cov")
    stmt = (
        select(
            ClaimRow.claim_number,
            PatientRow.account,
            PatientRow.last_name,
            PatientRow.first_name,
            PayerRow.code,
            ClaimRow.first_service_date,
            ClaimRow.billed_date,
            charges.c.charge,
            balances.c.insurance,
            balances.c.patient,
            ClaimRow.status,
        )
        .join(PatientRow, PatientRow.id == ClaimRow.patient_id)
        .join(charges, charges.c.claim_id == ClaimRow.id)
        .outerjoin(balances, balances.c.claim_id == ClaimRow.id)
        .outerjoin(primary, and_(primary.c.claim_id == ClaimRow.id, primary.c.rank == 1))
        .outerjoin(PayerRow, PayerRow.id == primary.c.payer_id)
        .order_by(ClaimRow.first_service_date, ClaimRow.claim_number)
    )
    if payer_id is not None:
        stmt = stmt.where(ClaimRow.id.in_(select(CoverageRow.claim_id).where(CoverageRow.payer_id == payer_id)))
    if status:
        stmt = stmt.where(ClaimRow.status == status)
    if patient:
        stmt = stmt.where(PatientRow.account == patient)
    if service_from:
        stmt = stmt.where(ClaimRow.first_service_date >= service_from)
    if service_to:
        stmt = stmt.where(ClaimRow.first_service_date <= service_to)
    if limit:
        stmt = stmt.limit(limit)
    return [tuple(row) for row in session.execute(stmt)]


def claim_entries(session: Session, claim_id: int) -> list[tuple]:
    """(id, posting date, effective date, line id, responsibility, kind, group, reason
    code, payer code, amount, source file name, source ref, created by, reverses id) by id."""
    e = LedgerEntryRow
    return [
        tuple(row)
        for row in session.execute(
            select(
                e.id,
                e.posting_date,
                e.effective_date,
                e.line_id,
                e.responsibility,
                e.kind,
                e.adjustment_group,
                e.reason_code,
                PayerRow.code,
                e.amount,
                SourceFileRow.name,
                e.source_ref,
                e.created_by,
                e.reverses_id,
            )
            .outerjoin(PayerRow, PayerRow.id == e.payer_id)
            .outerjoin(SourceFileRow, SourceFileRow.id == e.source_file_id)
            .where(e.claim_id == claim_id)
            .order_by(e.id)
        )
    ]


def claim_notes(session: Session, claim_id: int) -> list[tuple]:
    """(created at, created by, text) by id."""
    return [
        tuple(row)
        for row in session.execute(
            select(NoteRow.created_at, NoteRow.created_by, NoteRow.text)
            .where(NoteRow.claim_id == claim_id)
            .order_by(NoteRow.id)
        )
    ]

"""The auditor exports' rows (reports/exports/rows.py says what each holds), streamed
in chunks through SQLAlchemy Core (the ORM's row processing doubled the cost of a
million-entry export). Rows are tuples in the export's column order, before the
report's own formatting (names joined, codes spelled, money as int).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import String, and_, case, cast, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session

from ar_cli.store.queries.audit import event_columns
from ar_cli.store.tables import (
    AuditEventRow,
    ClaimLineRow,
    ClaimRow,
    CoverageRow,
    DenialRow,
    LedgerEntryRow,
    PatientRow,
    PayerRow,
    RemittanceRow,
    SourceFileRow,
    UnappliedEntryRow,
)

_CHUNK = 2000


def _stream(session: Session, stmt) -> Iterator:
    """Rows in chunks through Core (the ORM's row processing doubled the cost of a
    million-entry export)."""
    return iter(session.connection().execute(stmt.execution_options(yield_per=_CHUNK)))


class _IsoDate(FunctionElement):
    """A date as YYYY-MM-DD text, made by the database (cheaper than per-row Python):
    SQLite stores that text already; PostgreSQL's own cast would follow the server's
    DateStyle, so it is spelled with to_char."""

    type = String()
    inherit_cache = True


@compiles(_IsoDate)
def _iso_default(element, compiler, **kw):
    return compiler.process(cast(next(iter(element.clauses)), String(10)), **kw)


@compiles(_IsoDate, "postgresql")
def _iso_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(next(iter(element.clauses)), **kw)}, 'YYYY-MM-DD')"


def _iso(column):
    return _IsoDate(column)


def ledger_entries(session: Session, start: date, end: date) -> Iterator[tuple]:
    """(id, posted, effective, claim, account, last, first, line, procedure, responsibility,
    payer, kind, group, reason, remarks, amount, source file kind, name, sha256, trace,
    source ref, reverses, audit event, user) of the entries posted in the range."""
    e = LedgerEntryRow.__table__
    # Dates come back as ISO text (cast in SQL, the same on SQLite and PostgreSQL):
    # converting a million of them to `date` and back cost more than the query.
    stmt = (
        select(
            e.c.id,
            _iso(e.c.posting_date),
            _iso(e.c.effective_date),
            ClaimRow.claim_number,
            PatientRow.account,
            PatientRow.last_name,
            PatientRow.first_name,
            ClaimLineRow.line_number,
            ClaimLineRow.procedure_code,
            e.c.responsibility,
            PayerRow.code,
            e.c.kind,
            e.c.adjustment_group,
            e.c.reason_code,
            e.c.remark_codes,
            e.c.amount,
            SourceFileRow.kind,
            SourceFileRow.name,
            SourceFileRow.sha256,
            RemittanceRow.trace_number,
            e.c.source_ref,
            e.c.reverses_id,
            e.c.audit_event_id,
            e.c.created_by,
        )
        .join(ClaimRow, ClaimRow.id == e.c.claim_id)
        .join(PatientRow, PatientRow.id == ClaimRow.patient_id)
        .outerjoin(ClaimLineRow, ClaimLineRow.id == e.c.line_id)
        .outerjoin(PayerRow, PayerRow.id == e.c.payer_id)
        .outerjoin(SourceFileRow, SourceFileRow.id == e.c.source_file_id)
        .outerjoin(RemittanceRow, RemittanceRow.id == e.c.remittance_id)
        .where(e.c.posting_date >= start, e.c.posting_date <= end)
        .order_by(e.c.posting_date, e.c.id)
    )

    return _stream(session, stmt)


def claim_movements(session: Session, start: date, end: date) -> Iterator[tuple]:
    """(claim, account, last, first, born, primary payer, member id, billed, service,
    status, charges, payments, adjustments, net, balance at end) of the claims with an
    entry posted in the range."""
    e = LedgerEntryRow.__table__
    in_range = e.c.posting_date >= start

    def moved(condition):
        return func.coalesce(func.sum(case((and_(in_range, condition), e.c.amount), else_=0)), 0)

    sums = (
        select(
            e.c.claim_id.label("claim_id"),
            moved(e.c.kind == "charge").label("charges"),
            moved(e.c.kind.in_(("payment", "refund"))).label("payments"),
            moved(e.c.kind.not_in(("charge", "payment", "refund", "transfer"))).label("adjustments"),
            moved(literal(True)).label("net"),
            func.sum(e.c.amount).label("balance"),
        )
        .where(e.c.posting_date <= end)
        .group_by(e.c.claim_id)
        .having(func.count(case((in_range, 1))) > 0)
        .subquery()
    )
    cov = CoverageRow.__table__
    stmt = (
        select(
            ClaimRow.claim_number,
            PatientRow.account,
            PatientRow.last_name,
            PatientRow.first_name,
            PatientRow.birth_date,
            PayerRow.code,
            cov.c.member_id,
            ClaimRow.billed_date,
            ClaimRow.first_service_date,
            ClaimRow.status,
            sums.c.charges,
            sums.c.payments,
            sums.c.adjustments,
            sums.c.net,
            sums.c.balance,
        )
        .join(sums, sums.c.claim_id == ClaimRow.id)
        .join(PatientRow, PatientRow.id == ClaimRow.patient_id)
        .outerjoin(cov, and_(cov.c.claim_id == ClaimRow.id, cov.c.rank == 1))
        .outerjoin(PayerRow, PayerRow.id == cov.c.payer_id)
        .order_by(ClaimRow.claim_number)
    )

    return _stream(session, stmt)


def remittances(session: Session, start: date, end: date) -> Iterator[tuple]:
    """(id, posted, payer, payer trace id, trace, method, payment date, effective, status,
    amount, claim payments, unapplied, difference, source file, segment, sha256) of the
    remittances posted in the range, as the ledger stood at `end`."""
    e, u = LedgerEntryRow.__table__, UnappliedEntryRow.__table__
    r = RemittanceRow.__table__
    # As the ledger stood at `end`: unapplied money applied later (a payment entry and an
    # unapplied entry, both posted after `end`) is still unapplied in a past range.
    paid = (
        select(e.c.remittance_id.label("rid"), (-func.sum(e.c.amount)).label("paid"))
        .where(e.c.kind == "payment", e.c.remittance_id.is_not(None), e.c.posting_date <= end)
        .group_by(e.c.remittance_id)
        .subquery()
    )
    held = (
        select(u.c.remittance_id.label("rid"), func.sum(u.c.amount).label("held"))
        .where(u.c.reason != "interest_income", u.c.remittance_id.is_not(None), u.c.posting_date <= end)
        .group_by(u.c.remittance_id)
        .subquery()
    )
    stmt = (
        select(
            r.c.id,
            r.c.posting_date,
            PayerRow.code,
            r.c.payer_trace_id,
            r.c.trace_number,
            r.c.method,
            r.c.payment_date,
            r.c.effective_date,
            r.c.status,
            r.c.amount,
            paid.c.paid,
            held.c.held,
            r.c.difference,
            SourceFileRow.name,
            r.c.segment,
            SourceFileRow.sha256,
        )
        .outerjoin(PayerRow, PayerRow.id == r.c.payer_id)
        .outerjoin(SourceFileRow, SourceFileRow.id == r.c.source_file_id)
        .outerjoin(paid, paid.c.rid == r.c.id)
        .outerjoin(held, held.c.rid == r.c.id)
        .where(r.c.posting_date >= start, r.c.posting_date <= end)
        .order_by(r.c.posting_date, r.c.id)
    )

    return _stream(session, stmt)


def denials(session: Session, start: date, end: date) -> Iterator[tuple]:
    """(id, denied on, claim, account, last, first, line, responsibility, payer, group,
    reason, remarks, category, amount, status, level, appeal deadline, resolution,
    resolved on) of the denials recorded in the range."""
    d = DenialRow.__table__
    stmt = (
        select(
            d.c.id,
            d.c.denied_on,
            ClaimRow.claim_number,
            PatientRow.account,
            PatientRow.last_name,
            PatientRow.first_name,
            ClaimLineRow.line_number,
            d.c.responsibility,
            PayerRow.code,
            d.c.adjustment_group,
            d.c.reason_code,
            d.c.remark_codes,
            d.c.category,
            d.c.amount,
            d.c.status,
            d.c.level,
            d.c.appeal_deadline,
            d.c.resolution,
            d.c.resolved_on,
        )
        .join(ClaimRow, ClaimRow.id == d.c.claim_id)
        .join(PatientRow, PatientRow.id == ClaimRow.patient_id)
        .outerjoin(ClaimLineRow, ClaimLineRow.id == d.c.line_id)
        .outerjoin(PayerRow, PayerRow.id == d.c.payer_id)
        .where(d.c.denied_on >= start, d.c.denied_on <= end)
        .order_by(d.c.denied_on, d.c.id)
    )

    return _stream(session, stmt)


def audit_events(session: Session, start: date, end: date) -> Iterator[tuple]:
    """(id, occurred at, actor, action, entity, key, source, details, rows digest,
    previous hash, hash) of the audit events of the range's UTC days."""
    t = AuditEventRow.__table__
    low = datetime.combine(start, time(), tzinfo=UTC)
    high = datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC)
    stmt = select(*event_columns()).where(t.c.occurred_at >= low, t.c.occurred_at < high).order_by(t.c.id)

    return _stream(session, stmt)

"""Exceptions held for a human, as a report."""

from __future__ import annotations

from sqlalchemy import select

from ar_cli.domain.errors import InputError
from ar_cli.reports.report import Column, Kind, Report
from ar_cli.services.exceptions import STATUSES
from ar_cli.store.database import Ledger
from ar_cli.store.tables import ExceptionRow, PayerRow, SourceFileRow


def exceptions_report(ledger: Ledger, *, status: str | None, kind: str | None) -> Report:
    if status and status not in STATUSES + ("all",):
        raise InputError(f"--status: {status!r} is not one of {', '.join(STATUSES)}, all")
    with ledger.read() as session:
        stmt = (select(ExceptionRow, PayerRow.code, SourceFileRow.name)
                .outerjoin(PayerRow, PayerRow.id == ExceptionRow.payer_id)
                .outerjoin(SourceFileRow, SourceFileRow.id == ExceptionRow.source_file_id)
                .order_by(ExceptionRow.id))
        if status != "all":
            stmt = stmt.where(ExceptionRow.status == (status or "open"))
        if kind:
            stmt = stmt.where(ExceptionRow.kind == kind)
        rows = [{"id": str(e.id), "kind": e.kind, "status": e.status, "claim_number": e.claim_number,
                 "payer": payer or "", "amount": e.amount, "summary": e.summary,
                 "source": f"{name} {e.source_ref}".strip() if name else e.source_ref,
                 "created": e.created_at.date()}
                for e, payer, name in session.execute(stmt)]
    return Report(name="exceptions", title="Exceptions", columns=[
        Column(key="id", title="Id", kind=Kind.ID), Column(key="kind", title="Kind"),
        Column(key="status", title="Status"), Column(key="claim_number", title="Claim", kind=Kind.ID),
        Column(key="payer", title="Payer"), Column(key="amount", title="Amount", kind=Kind.MONEY),
        Column(key="summary", title="What"), Column(key="source", title="Source"),
        Column(key="created", title="Held on", kind=Kind.DATE)], rows=rows)

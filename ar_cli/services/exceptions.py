"""Exceptions: input held for a human. List them; settle one by accepting or dismissing."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from ar_cli.domain.errors import InputError, NotFoundError
from ar_cli.reports.report import Column, Kind, Report
from ar_cli.services import claim_corrections
from ar_cli.services.context import Actor
from ar_cli.store import claims_repo
from ar_cli.store.audit_chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.periods_repo import ensure_period_open
from ar_cli.store.tables import ExceptionRow, PayerRow, SourceFileRow

STATUSES = ("open", "accepted", "dismissed", "applied")
ACCEPTABLE = ("claim_conflict", "line_conflict")


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


def resolve_exception(ledger: Ledger, exception_id: int, *, accept: bool, note: str, actor: Actor,
                      posting_date: date) -> ExceptionRow:
    if not note.strip():
        raise InputError("exceptions resolve: --note is empty; say why")
    with ledger.write() as session:
        row = session.get(ExceptionRow, exception_id)
        if row is None:
            raise NotFoundError(f"exception {exception_id} does not exist")
        if row.status != "open":
            raise InputError(f"exception {exception_id} is already {row.status}")
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        if accept:
            if row.kind not in ACCEPTABLE:
                raise InputError(f"exception {exception_id} ({row.kind}) cannot be accepted; "
                                 "apply it to a claim or dismiss it")
            ensure_period_open(session, posting_date)
            payload = json.loads(row.payload)
            claim = claims_repo.get_claim(session, payload["claim_number"])
            source = f"exception {exception_id}"
            if row.kind == "line_conflict":
                claim_corrections.correct_line(session, rec, claim, payload["incoming"], actor=actor,
                                               posting_date=posting_date, source=source)
            else:
                claim_corrections.correct_claim(session, rec, claim, payload["incoming"], actor=actor,
                                                posting_date=posting_date, source=source)
        row.status = "accepted" if accept else "dismissed"
        row.resolved_at, row.resolved_by, row.resolution_note = actor.now, actor.user, note.strip()
        session.add(row)
        rec.note_update("exception_record", exception_id, {"status": ["open", row.status]})
        session.flush()
        rec.finish(action=f"exceptions.{'accept' if accept else 'dismiss'}", entity="exception",
                   entity_key=str(exception_id), details={"note": note.strip(), "kind": row.kind})
        return row

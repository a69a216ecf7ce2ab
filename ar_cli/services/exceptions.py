"""Exceptions: input held for a human. List them; settle one by accepting or dismissing."""

from __future__ import annotations

import json
from datetime import date

from ar_cli.domain.errors import InputError
from ar_cli.services.claims import corrections as claim_corrections
from ar_cli.services.context import Actor
from ar_cli.store import claims_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.periods_repo import ensure_period_open
from ar_cli.store.queries import exception_records
from ar_cli.store.tables import ExceptionRow

STATUSES = ("open", "accepted", "dismissed", "applied")
ACCEPTABLE = ("claim_conflict", "line_conflict")


def resolve_exception(
    ledger: Ledger, exception_id: int, *, accept: bool, note: str, actor: Actor, posting_date: date
) -> ExceptionRow:
    if not note.strip():
        raise InputError("exceptions resolve: --note is empty; say why")
    with ledger.write() as session:
        row = exception_records.open_exception(session, exception_id)
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        if accept:
            if row.kind not in ACCEPTABLE:
                raise InputError(
                    f"exception {exception_id} ({row.kind}) cannot be accepted; apply it to a claim or dismiss it"
                )
            ensure_period_open(session, posting_date)
            payload = json.loads(row.payload)
            claim = claims_repo.get_claim(session, payload["claim_number"])
            source = f"exception {exception_id}"
            if row.kind == "line_conflict":
                claim_corrections.correct_line(
                    session, rec, claim, payload["incoming"], actor=actor, posting_date=posting_date, source=source
                )
            else:
                claim_corrections.correct_claim(
                    session, rec, claim, payload["incoming"], actor=actor, posting_date=posting_date, source=source
                )
        exception_records.settle(
            session, row, status="accepted" if accept else "dismissed", at=actor.now, by=actor.user, note=note.strip()
        )
        rec.note_update("exception_record", exception_id, {"status": ["open", row.status]})
        rec.finish(
            action=f"exceptions.{'accept' if accept else 'dismiss'}",
            entity="exception",
            entity_key=str(exception_id),
            details={"note": note.strip(), "kind": row.kind},
        )
        return row

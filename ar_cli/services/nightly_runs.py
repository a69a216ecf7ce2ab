"""Nightly runs are remembered as audit events (`report.nightly`): the next run reads
the latest one to know what is new. No table of their own: the audit chain already
says who ran what when, and cannot be edited quietly."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from ar_cli.services.context import Actor
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.tables import AuditEventRow

ACTION = "report.nightly"


def last_run(session: Session) -> dict | None:
    """The details of the latest nightly run, or None before the first."""
    t = AuditEventRow.__table__
    details = session.execute(select(t.c.details).where(t.c.action == ACTION)
                              .order_by(t.c.id.desc()).limit(1)).scalar()
    return None if details is None else json.loads(details)


def record_run(ledger: Ledger, *, as_of: date, folder: str, seen: dict, new: list[str], ar: int, ar_over_90: int,
               actor: Actor) -> int:
    with ledger.write() as session:
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        return rec.finish(action=ACTION, entity="report", entity_key=as_of.isoformat(), source=folder,
                          details={"as_of": as_of.isoformat(), "seen": seen, "new": new, "ar": ar,
                                   "ar_over_90": ar_over_90})

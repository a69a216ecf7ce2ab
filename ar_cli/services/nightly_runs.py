"""Nightly runs are remembered as audit events (`report.nightly`): the next run reads
the latest one to know what is new. No table of their own: the audit chain already
says who ran what when, and cannot be edited quietly."""

from __future__ import annotations

from datetime import date

from ar_cli.services.context import Actor
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.queries.nightly import ACTION, last_run

__all__ = ["ACTION", "last_run", "record_run"]  # last_run: a read, store/queries/nightly.py's


def record_run(
    ledger: Ledger, *, as_of: date, folder: str, seen: dict, new: list[str], ar: int, ar_over_90: int, actor: Actor
) -> int:
    with ledger.write() as session:
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        return rec.finish(
            action=ACTION,
            entity="report",
            entity_key=as_of.isoformat(),
            source=folder,
            details={"as_of": as_of.isoformat(), "seen": seen, "new": new, "ar": ar, "ar_over_90": ar_over_90},
        )

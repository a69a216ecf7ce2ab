"""Exceptions (input held for a person) as the use cases that settle one change them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from ar_cli.domain.errors import InputError, NotFoundError
from ar_cli.store.tables import ExceptionRow


def open_exception(session: Session, exception_id: int) -> ExceptionRow:
    """The exception, still open; NotFoundError or InputError (one line) otherwise."""
    row = session.get(ExceptionRow, exception_id)
    if row is None:
        raise NotFoundError(f"exception {exception_id} does not exist")
    if row.status != "open":
        raise InputError(f"exception {exception_id} is already {row.status}")
    return row


def settle(session: Session, row: ExceptionRow, *, status: str, at: datetime, by: str, note: str) -> None:
    row.status, row.resolved_at, row.resolved_by, row.resolution_note = status, at, by, note
    session.add(row)
    session.flush()

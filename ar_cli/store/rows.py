"""Rows of the ledger's tables that a use case changed in place (ORM objects the store
handed it): written in the use case's transaction now, so the reads and the audit event
that follow see them."""

from __future__ import annotations

from sqlmodel import Session, SQLModel


def save(session: Session, *rows: SQLModel) -> None:
    session.add_all(rows)
    session.flush()


def remove(session: Session, *rows: SQLModel) -> None:
    for row in rows:
        session.delete(row)
    session.flush()

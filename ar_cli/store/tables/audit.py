"""The audit hash chain: one event per change, each hashing the one before it.

`audit_head` is a one-row table that writers lock (PostgreSQL `FOR UPDATE`; SQLite's
`BEGIN IMMEDIATE` already serializes writers) so the chain never forks. `audit_rows`
holds each event's manifest (domain/audit.py), from which `audit verify` rebuilds the
event's rows digest (revision 0007).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String, Text
from sqlmodel import Field, SQLModel

from ar_cli.store.base import ID_TYPE, id_column


class AuditEventRow(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, sa_column=id_column())
    occurred_at: datetime
    actor: str = Field(sa_column=Column(String(80), nullable=False))
    action: str = Field(sa_column=Column(String(60), nullable=False, index=True))
    entity: str = Field(default="", sa_column=Column(String(40), nullable=False))
    entity_key: str = Field(default="", sa_column=Column(String(120), nullable=False))
    source: str = Field(default="", sa_column=Column(String(400), nullable=False))
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    rows_digest: str = Field(sa_column=Column(String(64), nullable=False))
    prev_hash: str = Field(sa_column=Column(String(64), nullable=False))
    hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))


class AuditHeadRow(SQLModel, table=True):
    __tablename__ = "audit_head"

    id: int = Field(default=1, sa_column=Column(ID_TYPE, primary_key=True, autoincrement=False))
    last_event_id: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True))
    last_hash: str = Field(sa_column=Column(String(64), nullable=False))
    # The highest event id ever issued (revision 0007): ids are never reused, and a
    # head pointing below it means events were removed (a write refuses to go on).
    issued_event_id: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True))


class AuditRowsRow(SQLModel, table=True):
    """An event's manifest: what it wrote, rebuilt by `audit verify` from the rows.
    Events without one were written before revision 0007 and are checked by their hash
    only. The row of event 0, written by the revision, names the last id of each money
    table before it (rows up to there have no row hash)."""

    __tablename__ = "audit_rows"

    event_id: int = Field(sa_column=Column(ID_TYPE, primary_key=True, autoincrement=False))
    manifest: str = Field(sa_column=Column(Text, nullable=False))

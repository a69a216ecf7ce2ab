"""Work for people: exceptions, denials, follow-ups, notes, closed periods, snapshots."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Integer, String, Text
from sqlmodel import Field, SQLModel

from ar_cli.store.base import ID_TYPE, cents_column, id_column, ref_column


class ExceptionRow(SQLModel, table=True):
    """Input that could not post as it stood, held for a human (nothing is lost)."""

    __tablename__ = "exception_record"

    id: int | None = Field(default=None, sa_column=id_column())
    # claim_conflict | unmatched_claim | payer_mismatch | patient_mismatch | unbalanced_claim | …
    kind: str = Field(sa_column=Column(String(30), nullable=False, index=True))
    status: str = Field(default="open", sa_column=Column(String(12), nullable=False, index=True))
    claim_number: str = Field(default="", sa_column=Column(String(80), nullable=False))
    payer_id: int | None = Field(default=None, sa_column=ref_column("payer.id"))
    amount: int = Field(default=0, sa_column=cents_column(default=0))
    summary: str = Field(sa_column=Column(String(400), nullable=False))
    # The held input as JSON, enough to apply it later.
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    source_file_id: int | None = Field(default=None, sa_column=ref_column("source_file.id"))
    source_ref: str = Field(default="", sa_column=Column(String(120), nullable=False))
    created_at: datetime
    resolved_at: datetime | None = None
    resolved_by: str = Field(default="", sa_column=Column(String(80), nullable=False))
    resolution_note: str = Field(default="", sa_column=Column(Text, nullable=False))
    # The audit event that wrote it (revision 0007; None before it); no FK, as on ledger_entry.
    audit_event_id: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True))
    # Its link in the audit chain (store/audit/rows.py; revision 0007; None before it).
    row_hash: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))


class DenialRow(SQLModel, table=True):
    __tablename__ = "denial"

    id: int | None = Field(default=None, sa_column=id_column())
    claim_id: int = Field(sa_column=ref_column("claim.id", nullable=False))
    line_id: int | None = Field(default=None, sa_column=ref_column("claim_line.id"))
    responsibility: int
    payer_id: int | None = Field(default=None, sa_column=ref_column("payer.id"))
    remittance_id: int | None = Field(default=None, sa_column=ref_column("remittance.id"))
    adjustment_group: str = Field(sa_column=Column(String(2), nullable=False))
    reason_code: str = Field(sa_column=Column(String(10), nullable=False))
    remark_codes: str = Field(default="", sa_column=Column(String(200), nullable=False))
    category: str = Field(sa_column=Column(String(30), nullable=False, index=True))
    amount: int = Field(sa_column=cents_column())
    # open | appealed | overturned | upheld | resolved | superseded
    status: str = Field(default="open", sa_column=Column(String(12), nullable=False, index=True))
    level: int = 0
    denied_on: date
    appeal_deadline: date | None = None
    resolution: str = Field(default="", sa_column=Column(String(30), nullable=False))
    resolved_on: date | None = None
    created_at: datetime
    # The claim payment that opened it (revision 0002; None for denials posted before).
    claim_payment_id: int | None = Field(default=None, sa_column=ref_column("claim_payment.id"))
    # What the same payer paid on the line afterwards: at stake = amount − overturned_amount.
    overturned_amount: int = Field(default=0, sa_column=cents_column(default=0))
    # The last appeal or resolution step (for "no action after N days").
    last_action_on: date | None = None
    # The audit event that wrote it (revision 0007; None before it); no FK, as on ledger_entry.
    audit_event_id: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True))
    # Its link in the audit chain (store/audit/rows.py; revision 0007; None before it).
    row_hash: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    # The same payer denying the same line again for the same reason is this denial,
    # not another (revision 0006): how many remittances said it, and the latest date.
    times_denied: int = Field(default=1, sa_column=Column(Integer, nullable=False, server_default="1"))
    last_denied_on: date | None = None


class FollowUpRow(SQLModel, table=True):
    __tablename__ = "follow_up"

    id: int | None = Field(default=None, sa_column=id_column())
    claim_id: int = Field(sa_column=ref_column("claim.id", nullable=False))
    due_on: date = Field(index=True)
    action: str = Field(sa_column=Column(String(400), nullable=False))
    assigned_user_id: int | None = Field(default=None, sa_column=ref_column("app_user.id"))
    status: str = Field(default="open", sa_column=Column(String(12), nullable=False))
    created_at: datetime
    created_by: str = Field(sa_column=Column(String(80), nullable=False))
    done_at: datetime | None = None


class NoteRow(SQLModel, table=True):
    __tablename__ = "note"

    id: int | None = Field(default=None, sa_column=id_column())
    claim_id: int = Field(sa_column=ref_column("claim.id", nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
    created_by: str = Field(sa_column=Column(String(80), nullable=False))


class ClosedPeriodRow(SQLModel, table=True):
    __tablename__ = "closed_period"

    id: int | None = Field(default=None, sa_column=id_column())
    period: str = Field(sa_column=Column(String(7), nullable=False, index=True))
    closed_at: datetime
    closed_by: str = Field(sa_column=Column(String(80), nullable=False))
    reopened_at: datetime | None = None
    reopened_by: str = Field(default="", sa_column=Column(String(80), nullable=False))
    reopen_reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    # The audit event that wrote it (revision 0007; None before it); no FK, as on ledger_entry.
    audit_event_id: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True))
    # Its link in the audit chain (store/audit/rows.py; revision 0007; None before it).
    row_hash: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))


class AgingSnapshotRow(SQLModel, table=True):
    """One bucket of one payer's aging on one date (re-running a date replaces it)."""

    __tablename__ = "aging_snapshot"

    id: int | None = Field(default=None, sa_column=id_column())
    as_of: date = Field(index=True)
    payer_id: int | None = Field(default=None, sa_column=ref_column("payer.id"))
    bucket_edges: str = Field(sa_column=Column(String(80), nullable=False))
    bucket: int
    amount: int = Field(sa_column=cents_column())
    balance_count: int
    created_at: datetime

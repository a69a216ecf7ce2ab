"""Claims as billed: the claim, its ordered coverages and its lines; the patient's
written agreements to pay recorded on a claim.

Money owed on a claim lives in ledger entries (tables_ledger), never here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from ar_cli.store.base import ID_TYPE, cents_column, id_column, ref_column


class ClaimRow(SQLModel, table=True):
    """One claim; `claim_number` is the patient control number an 835 echoes in CLP01."""

    __tablename__ = "claim"

    id: int | None = Field(default=None, sa_column=id_column())
    claim_number: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    patient_id: int = Field(sa_column=ref_column("patient.id", nullable=False))
    billing_npi: str = Field(default="", sa_column=Column(String(20), nullable=False))
    rendering_npi: str = Field(default="", sa_column=Column(String(20), nullable=False))
    place_of_service: str = Field(default="", sa_column=Column(String(4), nullable=False))
    frequency_code: str = Field(default="1", sa_column=Column(String(2), nullable=False))
    original_claim_ref: str = Field(default="", sa_column=Column(String(80), nullable=False))
    billed_date: date
    # Earliest line's date of service: what aging by service date counts from.
    first_service_date: date = Field(index=True)
    # Derived from balances and denials by services after each change (never by hand).
    status: str = Field(default="billed", sa_column=Column(String(20), nullable=False, index=True))
    assigned_user_id: int | None = Field(default=None, sa_column=ref_column("app_user.id"))
    created_at: datetime
    source_file_id: int | None = Field(default=None, sa_column=ref_column("source_file.id"))


class CoverageRow(SQLModel, table=True):
    """A payer's place on a claim: rank 1 primary, 2 secondary, 3 tertiary."""

    __tablename__ = "coverage"
    __table_args__ = (UniqueConstraint("claim_id", "rank"),)

    id: int | None = Field(default=None, sa_column=id_column())
    claim_id: int = Field(sa_column=ref_column("claim.id", nullable=False))
    rank: int
    payer_id: int = Field(sa_column=ref_column("payer.id", nullable=False))
    member_id: str = Field(default="", sa_column=Column(String(80), nullable=False))


class ClaimLineRow(SQLModel, table=True):
    __tablename__ = "claim_line"
    __table_args__ = (UniqueConstraint("claim_id", "line_number"),)

    id: int | None = Field(default=None, sa_column=id_column())
    claim_id: int = Field(sa_column=ref_column("claim.id", nullable=False))
    line_number: int
    line_control_number: str = Field(default="", sa_column=Column(String(80), nullable=False))
    procedure_code: str = Field(sa_column=Column(String(20), nullable=False))
    # Colon-separated, as billed: '25' or '59:RT'. Compared as a set when matching.
    modifiers: str = Field(default="", sa_column=Column(String(40), nullable=False))
    units: str = Field(default="1", sa_column=Column(String(20), nullable=False))
    charge: int = Field(sa_column=cents_column())
    service_from: date
    service_to: date


class ClaimWaiverRow(SQLModel, table=True):
    """A patient's written agreement to pay what the payer will not (a waiver, an ABN),
    recorded on the claim by `denials resolve --to-patient --waiver REF` (revision
    0008). It lets amounts the payer adjusted in group CO, OA or PI move to the patient
    (domain/posting/patient_billing.py). Never updated; `reference` names the signed paper."""

    __tablename__ = "claim_waiver"

    id: int | None = Field(default=None, sa_column=id_column())
    claim_id: int = Field(sa_column=ref_column("claim.id", nullable=False))
    reference: str = Field(sa_column=Column(String(100), nullable=False))
    recorded_at: datetime
    recorded_by: str = Field(sa_column=Column(String(80), nullable=False))
    # The audit event covering this row; no FK: the event is written last, after its rows.
    audit_event_id: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True))


Index("ix_claim_line_control", ClaimLineRow.__table__.c.line_control_number)
# The work queue's way into old open claims (revision 0004).
Index("ix_claim_status_service", ClaimRow.__table__.c.status, ClaimRow.__table__.c.first_service_date)

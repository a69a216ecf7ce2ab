"""Who is billed and who pays: payers (with their ids and appeal windows), patients,
users, and the settings a team shares."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ar_cli.store.base import id_column, ref_column


class PayerRow(SQLModel, table=True):
    __tablename__ = "payer"

    id: int | None = Field(default=None, sa_column=id_column())
    code: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    financial_class: str = Field(default="other", sa_column=Column(String(20), nullable=False))
    # Timely filing limit: a count and its unit ('d' days or 'm' months; Medicare is 12m).
    timely_filing_count: int = Field(default=365)
    timely_filing_unit: str = Field(default="d", sa_column=Column(String(1), nullable=False))
    created_at: datetime


class PayerAliasRow(SQLModel, table=True):
    """An identifier a remittance may use for a payer (TRN03, N1*PR04, REF*2U)."""

    __tablename__ = "payer_alias"

    id: int | None = Field(default=None, sa_column=id_column())
    payer_id: int = Field(sa_column=ref_column("payer.id", nullable=False))
    alias: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    kind: str = Field(default="manual", sa_column=Column(String(20), nullable=False))


class PayerAppealWindowRow(SQLModel, table=True):
    __tablename__ = "payer_appeal_window"
    __table_args__ = (UniqueConstraint("payer_id", "level"),)

    id: int | None = Field(default=None, sa_column=id_column())
    payer_id: int = Field(sa_column=ref_column("payer.id", nullable=False))
    level: int
    days: int


class PatientRow(SQLModel, table=True):
    """A patient of the practice. Names and date of birth are PHI."""

    __tablename__ = "patient"

    id: int | None = Field(default=None, sa_column=id_column())
    account: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    last_name: str = Field(sa_column=Column(String(120), nullable=False))
    first_name: str = Field(default="", sa_column=Column(String(120), nullable=False))
    birth_date: date | None = None
    created_at: datetime


class UserRow(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, sa_column=id_column())
    name: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    full_name: str = Field(default="", sa_column=Column(String(200), nullable=False))
    active: bool = True
    created_at: datetime


class SettingRow(SQLModel, table=True):
    """A team-wide setting kept in the ledger (treatment override, queue weights, …)."""

    __tablename__ = "setting"

    key: str = Field(sa_column=Column(String(120), primary_key=True))
    value: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime
    updated_by: str = Field(sa_column=Column(String(80), nullable=False))

"""Claim payments as posted: what each CLP of a remittance did, kept so a later
reversal (CLP02 22) can be paired with the payment it reverses (payer + payer claim
control number + claim number) and checked against it, and so a denial knows the
payment that opened it.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Text
from sqlmodel import Field, SQLModel

from ar_cli.store.base import ID_TYPE, cents_column, id_column, ref_column


class ClaimPaymentRow(SQLModel, table=True):
    """One posted claim payment (a CLP loop that posted). Never updated: a reversal is a
    new row pointing at the one it reverses (`reverses_id`).

    Indexed only where lookups start (the remittance, the pairing key, the claim and
    payer: has this payer answered the claim?): ERA posting writes one row per claim
    payment, a hundred thousand per large file.
    """

    __tablename__ = "claim_payment"

    id: int | None = Field(default=None, sa_column=id_column())
    remittance_id: int = Field(sa_column=ref_column("remittance.id", nullable=False))
    claim_id: int = Field(sa_column=ref_column("claim.id", nullable=False, index=False))
    payer_id: int = Field(sa_column=ref_column("payer.id", nullable=False, index=False))
    claim_number: str = Field(sa_column=Column(String(80), nullable=False))
    # CLP07, else REF*F8: what a reversal names its original by.
    payer_claim_number: str = Field(default="", sa_column=Column(String(80), nullable=False))
    status_code: str = Field(sa_column=Column(String(3), nullable=False))
    responsibility: int
    charge: int = Field(sa_column=cents_column())
    paid: int = Field(sa_column=cents_column())
    patient_responsibility: int = Field(sa_column=cents_column())
    # Every amount of the payment (claim, lines, adjustments) in a canonical text, so a
    # reversal can be compared with it (domain.posting_checks.payment_signature).
    amounts: str = Field(default="", sa_column=Column(Text, nullable=False))
    segment: int = 0
    reverses_id: int | None = Field(default=None, sa_column=ref_column("claim_payment.id", index=False))
    # The audit event covering this row; no FK: the event is written last, after its rows.
    audit_event_id: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True))
    # Its link in the audit chain (store/audit/rows.py; revision 0007; None before it).
    row_hash: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))


Index("ix_claim_payment_pairing", ClaimPaymentRow.__table__.c.payer_id, ClaimPaymentRow.__table__.c.payer_claim_number)
# Has this payer answered this claim (store/payer_answers.py)? Revision 0005.
Index("ix_claim_payment_claim_payer", ClaimPaymentRow.__table__.c.claim_id, ClaimPaymentRow.__table__.c.payer_id)

"""The money: ledger entries (append-only), cached balances, unapplied money,
remittances and the source files everything came from.

Signs: an entry raises (+) or lowers (−) what its responsibility owes. Responsibility
is a coverage rank (1 primary, 2 secondary, 3 tertiary) or 0 for the patient.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, PrimaryKeyConstraint, String, Text, text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from ar_cli.store.base import ID_TYPE, cents_column, id_column, ref_column


class SourceFileRow(SQLModel, table=True):
    """A file that was read: claims CSV, ERA, payment batch. Every posting points here."""

    __tablename__ = "source_file"

    id: int | None = Field(default=None, sa_column=id_column())
    kind: str = Field(sa_column=Column(String(20), nullable=False))
    name: str = Field(sa_column=Column(String(400), nullable=False))
    sha256: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    byte_size: int = 0
    posting_date: date
    read_at: datetime
    read_by: str = Field(sa_column=Column(String(80), nullable=False))
    summary: str = Field(default="{}", sa_column=Column(Text, nullable=False))


class PostingRow(SQLModel, table=True):
    """What every entry of one posting shares: one row per file, remittance, payment or
    hand action (revision 0010). Its entries are `posting_entry` rows; the two together
    are the `ledger_entry` view, the wide row every reader reads.

    Indexed where the ledger's queries start that the entries no longer hold (posting
    date, remittance, audit event).
    """

    __tablename__ = "posting"

    id: int | None = Field(default=None, sa_column=id_column())
    posting_date: date = Field(index=True)
    effective_date: date
    payer_id: int | None = Field(default=None, sa_column=ref_column("payer.id", index=False))
    source_file_id: int | None = Field(default=None, sa_column=ref_column("source_file.id", index=False))
    remittance_id: int | None = Field(default=None, sa_column=ref_column("remittance.id"))
    # The start of its entries' source: 'trace T segment ' for a remittance ('' allowed):
    # an entry's source_ref is this followed by its own part.
    source_ref: str = Field(default="", sa_column=Column(String(120), nullable=False))
    # The audit event covering this row; no FK: the event is written last, after its rows.
    audit_event_id: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True, index=True))
    created_by: str = Field(sa_column=Column(String(80), nullable=False))
    # Its link in the audit chain (store/audit/rows.py; None for rows revision 0010 made).
    row_hash: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))


class PostingEntryRow(SQLModel, table=True):
    """One signed movement of money on a claim, the part that differs between the
    entries of a posting. Never updated, never deleted.

    Indexed only where queries start (claim; its posting, for readers that start at a
    posting's date, remittance or event): every index costs on the bulk paths that write
    hundreds of thousands of entries.
    """

    __tablename__ = "posting_entry"

    id: int | None = Field(default=None, sa_column=id_column())
    posting_id: int = Field(sa_column=ref_column("posting.id", nullable=False))
    claim_id: int = Field(sa_column=ref_column("claim.id", nullable=False))
    line_id: int | None = Field(default=None, sa_column=ref_column("claim_line.id", index=False))
    responsibility: int
    # charge | payment | contractual | transfer | denial_writeoff | writeoff | refund
    kind: str = Field(sa_column=Column(String(20), nullable=False))
    amount: int = Field(sa_column=cents_column())
    adjustment_group: str = Field(default="", sa_column=Column(String(2), nullable=False))
    reason_code: str = Field(default="", sa_column=Column(String(10), nullable=False))
    remark_codes: str = Field(default="", sa_column=Column(String(200), nullable=False))
    # Its own part of the source (a segment number), after its posting's source_ref.
    source_ref: str = Field(default="", sa_column=Column(String(120), nullable=False))
    reverses_id: int | None = Field(default=None, sa_column=ref_column("posting_entry.id", index=False))
    # Both legs of a transfer share a group id (the first leg's id).
    transfer_group: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True))
    # Its link in the audit chain, over the wide row the view shows (store/audit/rows.py).
    row_hash: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))


# The views: mapped for reading, never created from the models (revision 0010 creates
# them), so they live on their own registry and metadata, outside SQLModel.metadata
# (tests/store/test_migrations.py compares that with the migrated database).
VIEWS = registry()

LEDGER_ENTRY_VIEW = (
    "SELECT e.id, e.claim_id, e.line_id, e.responsibility, e.kind, e.amount, p.posting_date, "
    "p.effective_date, p.payer_id, e.adjustment_group, e.reason_code, e.remark_codes, "
    "p.source_file_id, p.source_ref || e.source_ref AS source_ref, p.remittance_id, "
    "e.reverses_id, e.transfer_group, p.audit_event_id, p.created_by, e.row_hash "
    "FROM posting_entry e LEFT JOIN posting p ON p.id = e.posting_id"
)


class _View(SQLModel, registry=VIEWS):
    """A model of a view (read only)."""


class LedgerEntryRow(_View, table=True):
    """One signed movement of money on a claim, as every reader sees it: the view
    `ledger_entry` (LEDGER_ENTRY_VIEW: a posting_entry with its posting's columns; the
    wide table before revision 0010, with the same columns and values). Written through
    ChangeRecorder.insert, which splits the wide rows into postings and their entries.
    """

    __tablename__ = "ledger_entry"

    id: int | None = Field(default=None, sa_column=Column(ID_TYPE, primary_key=True))
    claim_id: int = Field(sa_column=Column(ID_TYPE, nullable=False))
    line_id: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True))
    responsibility: int
    kind: str = Field(sa_column=Column(String(20), nullable=False))
    amount: int = Field(sa_column=cents_column())
    posting_date: date
    effective_date: date
    payer_id: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True))
    adjustment_group: str = Field(default="", sa_column=Column(String(2), nullable=False))
    reason_code: str = Field(default="", sa_column=Column(String(10), nullable=False))
    remark_codes: str = Field(default="", sa_column=Column(String(200), nullable=False))
    source_file_id: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True))
    source_ref: str = Field(default="", sa_column=Column(String(120), nullable=False))
    remittance_id: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True))
    reverses_id: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True))
    transfer_group: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True))
    audit_event_id: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True))
    created_by: str = Field(sa_column=Column(String(80), nullable=False))
    row_hash: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))


class ClaimBalanceRow(SQLModel, table=True):
    """Cached sum of a claim's entries for one responsibility; written with the entries
    as `balance = balance + :delta` and checked by verify."""

    __tablename__ = "claim_balance"
    __table_args__ = (PrimaryKeyConstraint("claim_id", "responsibility"),)

    claim_id: int = Field(sa_column=ref_column("claim.id", nullable=False, index=False))
    responsibility: int
    balance: int = Field(sa_column=cents_column(default=0))
    # When this party became responsible (for aging by responsibility).
    responsible_since: date
    last_payment_date: date | None = None


Index("ix_claim_balance_open", ClaimBalanceRow.__table__.c.responsibility, ClaimBalanceRow.__table__.c.balance)


class RemittanceRow(SQLModel, table=True):
    """One 835 transaction (ST/SE): a check or EFT. The key makes imports idempotent."""

    __tablename__ = "remittance"
    # The key is unique among remittances that were not rejected: a rejected one stays
    # as history, and the same transaction, corrected or forced, may post after it
    # (revision 0006).
    __table_args__ = (
        Index(
            "uq_remittance_key_not_rejected",
            "payer_trace_id",
            "trace_number",
            "payment_date_text",
            "amount",
            unique=True,
            sqlite_where=text("status <> 'rejected'"),
            postgresql_where=text("status <> 'rejected'"),
        ),
    )

    id: int | None = Field(default=None, sa_column=id_column())
    payer_id: int | None = Field(default=None, sa_column=ref_column("payer.id"))
    payer_trace_id: str = Field(sa_column=Column(String(80), nullable=False))
    trace_number: str = Field(sa_column=Column(String(80), nullable=False))
    payment_date_text: str = Field(sa_column=Column(String(8), nullable=False))
    amount: int = Field(sa_column=cents_column())
    method: str = Field(default="", sa_column=Column(String(10), nullable=False))
    payment_date: date | None = None
    production_date: date | None = None
    effective_date: date
    posting_date: date
    digest: str = Field(sa_column=Column(String(64), nullable=False))
    # posted | rejected | forced | notification (BPR01 H: adjudication only, no money)
    status: str = Field(sa_column=Column(String(12), nullable=False))
    difference: int = Field(default=0, sa_column=cents_column(default=0))
    source_file_id: int | None = Field(default=None, sa_column=ref_column("source_file.id"))
    segment: int = 0
    created_at: datetime
    # The audit event that wrote it (revision 0007; None before it); no FK, as on posting.
    audit_event_id: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True))
    # Its link in the audit chain (store/audit/rows.py; revision 0007; None before it).
    row_hash: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))


class UnappliedEntryRow(SQLModel, table=True):
    """Money from a payer that belongs to no claim line (yet). Append-only: applying it
    adds a negative entry linked to the claim payment it became."""

    __tablename__ = "unapplied_entry"

    id: int | None = Field(default=None, sa_column=id_column())
    payer_id: int | None = Field(default=None, sa_column=ref_column("payer.id"))
    amount: int = Field(sa_column=cents_column())
    # plb_interest | plb_recoupment | plb_forward_balance | plb_other | unmatched_claim |
    # unbalanced_claim | applied | …
    reason: str = Field(sa_column=Column(String(30), nullable=False))
    reference: str = Field(default="", sa_column=Column(String(120), nullable=False))
    remittance_id: int | None = Field(default=None, sa_column=ref_column("remittance.id"))
    exception_id: int | None = Field(default=None, sa_column=ref_column("exception_record.id"))
    applies_id: int | None = Field(default=None, sa_column=ref_column("unapplied_entry.id"))
    ledger_entry_id: int | None = Field(default=None, sa_column=ref_column("posting_entry.id"))
    claim_id: int | None = Field(default=None, sa_column=ref_column("claim.id"))
    posting_date: date
    effective_date: date
    source_file_id: int | None = Field(default=None, sa_column=ref_column("source_file.id"))
    source_ref: str = Field(default="", sa_column=Column(String(120), nullable=False))
    # The audit event covering this row; no FK: the event is written last, after its rows.
    audit_event_id: int | None = Field(default=None, sa_column=Column(ID_TYPE, nullable=True, index=True))
    created_by: str = Field(sa_column=Column(String(80), nullable=False))
    # Its link in the audit chain (store/audit/rows.py; revision 0007; None before it).
    row_hash: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))


class OpenBalanceSummaryRow(SQLModel, table=True):
    """Open balances summed per owner and dates: what `aging` as of today reads instead
    of a million balance rows. Kept by store/balance_summary.py in the same transaction
    as every balance change; `audit verify` compares it with a fresh grouping.

    owner_key: −1 the patient, 0 an insurance rank with no coverage, else the payer id.
    sign: +1 money owed, −1 a credit balance (the two are never netted).
    """

    __tablename__ = "open_balance_summary"
    __table_args__ = (PrimaryKeyConstraint("owner_key", "service_date", "billed_date", "sign"),)

    owner_key: int = Field(sa_column=Column(ID_TYPE, nullable=False))
    service_date: date
    billed_date: date
    sign: int
    amount: int = Field(sa_column=cents_column(default=0))
    balance_count: int = 0

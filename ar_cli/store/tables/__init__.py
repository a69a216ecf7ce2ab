"""Every table of the ledger, imported in one place so the metadata is complete."""

from ar_cli.store.tables.audit import AuditEventRow, AuditHeadRow, AuditRowsRow
from ar_cli.store.tables.claims import ClaimLineRow, ClaimRow, ClaimWaiverRow, CoverageRow
from ar_cli.store.tables.ledger import (
    ClaimBalanceRow,
    LedgerEntryRow,
    OpenBalanceSummaryRow,
    PostingEntryRow,
    PostingRow,
    RemittanceRow,
    SourceFileRow,
    UnappliedEntryRow,
)
from ar_cli.store.tables.parties import (
    PatientRow,
    PayerAliasRow,
    PayerAppealWindowRow,
    PayerRow,
    SettingRow,
    UserRow,
)
from ar_cli.store.tables.payments import ClaimPaymentRow
from ar_cli.store.tables.work import (
    AgingSnapshotRow,
    ClosedPeriodRow,
    DenialRow,
    ExceptionRow,
    FollowUpRow,
    NoteRow,
)

__all__ = [
    "AgingSnapshotRow",
    "AuditEventRow",
    "AuditHeadRow",
    "AuditRowsRow",
    "ClaimBalanceRow",
    "ClaimLineRow",
    "ClaimPaymentRow",
    "ClaimRow",
    "ClaimWaiverRow",
    "ClosedPeriodRow",
    "CoverageRow",
    "DenialRow",
    "ExceptionRow",
    "FollowUpRow",
    "LedgerEntryRow",
    "NoteRow",
    "OpenBalanceSummaryRow",
    "PatientRow",
    "PayerAliasRow",
    "PayerAppealWindowRow",
    "PayerRow",
    "PostingEntryRow",
    "PostingRow",
    "RemittanceRow",
    "SettingRow",
    "SourceFileRow",
    "UnappliedEntryRow",
    "UserRow",
]

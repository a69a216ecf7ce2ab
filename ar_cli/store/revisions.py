"""The schema revisions this code knows, declared once and importing nothing: the
read-only opener (store/read_only.py) checks a ledger's head without importing
SQLAlchemy, and store/schema.py hands the same names to Alembic's callers.
tests/store/test_migrations.py keeps them equal to the migrations folder."""

from __future__ import annotations

# Oldest first. A database at a revision not in this list was migrated by a newer ar-cli.
KNOWN_REVISIONS: tuple[str, ...] = (
    "0001_ledger",
    "0002_claim_payments",
    "0003_open_balance_summary",
    "0004_queue_index",
    "0005_claim_payment_claim",
    "0006_remittance_trust",
    "0007_audit_rows",
    "0008_claim_waiver",
    "0009_row_encoding",
    "0010_posting",
)
HEAD_REVISION = KNOWN_REVISIONS[-1]

"""claim (status, first_service_date): the work queue's way into old open claims

`ar-cli queue` finds the top of a million claims by scoring first the few that can be
near it: billed claims whose filing limit is near (a date-of-service range among the
billed ones) and the oldest claims of each open status. Without this index both read
every billed claim. Written by hand.

Revision ID: 0004_queue_index
Revises: 0003_open_balance_summary
Create Date: 2026-11-23 18:00:00
"""

from alembic import op

revision = "0004_queue_index"
down_revision = "0003_open_balance_summary"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_claim_status_service", "claim", ["status", "first_service_date"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_claim_status_service", table_name="claim")

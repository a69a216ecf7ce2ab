"""claim_payment (claim_id, payer_id): whether a payer has answered a claim

The work queue's "no response" asks, for each balance it scores, whether the payer
holding it has a claim payment on that claim since it became responsible
(store/payer_answers.py); without this index every such question read all of
claim_payment. It also serves pairing a reversal with its original (same payer and
claim). Written by hand.

Revision ID: 0005_claim_payment_claim
Revises: 0004_queue_index
Create Date: 2026-11-23 20:00:00
"""

from alembic import op

revision = "0005_claim_payment_claim"
down_revision = "0004_queue_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_claim_payment_claim_payer", "claim_payment", ["claim_id", "payer_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_claim_payment_claim_payer", table_name="claim_payment")

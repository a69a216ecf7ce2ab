"""open_balance_summary: open balances summed per owner, service date, billed date, sign

`aging` as of today reads this instead of every claim balance (issue 4: 1M open
claims in under 1.5 s). Filled here from the balances; kept exact afterwards by
ar_cli/store/balance_summary.py. Written by hand.

Revision ID: 0003_open_balance_summary
Revises: 0002_claim_payments
Create Date: 2026-11-23 17:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_open_balance_summary"
down_revision = "0002_claim_payments"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# The same grouping as balance_summary.rebuild, in plain SQL both databases read.
_FILL = """
INSERT INTO open_balance_summary (owner_key, service_date, billed_date, sign, amount, balance_count)
SELECT CASE WHEN cb.responsibility = 0 THEN -1 ELSE COALESCE(cov.payer_id, 0) END,
       c.first_service_date, c.billed_date,
       CASE WHEN cb.balance < 0 THEN -1 ELSE 1 END,
       SUM(cb.balance), COUNT(*)
FROM claim_balance cb
JOIN claim c ON c.id = cb.claim_id
LEFT JOIN coverage cov ON cov.claim_id = cb.claim_id AND cov.rank = cb.responsibility
WHERE cb.balance <> 0
GROUP BY 1, 2, 3, 4
"""


def upgrade() -> None:
    op.create_table(
        "open_balance_summary",
        sa.Column("owner_key", _ID, nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("billed_date", sa.Date(), nullable=False),
        sa.Column("sign", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("balance_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "owner_key", "service_date", "billed_date", "sign", name=op.f("pk_open_balance_summary")
        ),
    )
    op.execute(_FILL)


def downgrade() -> None:
    op.drop_table("open_balance_summary")

"""claim payments as posted; denials know their payment, what was overturned, last action

A reversal (CLP02 22) is paired with the claim payment it reverses by payer + payer
claim control number + claim number, so every posted claim payment is kept
(`claim_payment`). A denial points at the payment that opened it, records what the
same payer later paid on its line (`overturned_amount`) and its last appeal or
resolution step (`last_action_on`). Written by hand.

Revision ID: 0002_claim_payments
Revises: 0001_ledger
Create Date: 2026-11-23 17:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_claim_payments"
down_revision = "0001_ledger"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "claim_payment",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("remittance_id", _ID, nullable=False),
        sa.Column("claim_id", _ID, nullable=False),
        sa.Column("payer_id", _ID, nullable=False),
        sa.Column("claim_number", sa.String(length=80), nullable=False),
        sa.Column("payer_claim_number", sa.String(length=80), nullable=False),
        sa.Column("status_code", sa.String(length=3), nullable=False),
        sa.Column("responsibility", sa.Integer(), nullable=False),
        sa.Column("charge", sa.BigInteger(), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("patient_responsibility", sa.BigInteger(), nullable=False),
        sa.Column("amounts", sa.Text(), nullable=False),
        sa.Column("segment", sa.Integer(), nullable=False),
        sa.Column("reverses_id", _ID, nullable=True),
        sa.Column("audit_event_id", _ID, nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_claim_payment_claim_id_claim")),
        sa.ForeignKeyConstraint(["payer_id"], ["payer.id"], name=op.f("fk_claim_payment_payer_id_payer")),
        sa.ForeignKeyConstraint(
            ["remittance_id"], ["remittance.id"], name=op.f("fk_claim_payment_remittance_id_remittance")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["claim_payment.id"], name=op.f("fk_claim_payment_reverses_id_claim_payment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_payment")),
    )
    with op.batch_alter_table("claim_payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_payment_remittance_id"), ["remittance_id"], unique=False)
        batch_op.create_index("ix_claim_payment_pairing", ["payer_id", "payer_claim_number"], unique=False)

    with op.batch_alter_table("denial", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_payment_id", _ID, nullable=True))
        batch_op.add_column(sa.Column("overturned_amount", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("last_action_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_denial_claim_payment_id"), ["claim_payment_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_denial_claim_payment_id_claim_payment"), "claim_payment", ["claim_payment_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("denial", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_denial_claim_payment_id_claim_payment"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_denial_claim_payment_id"))
        batch_op.drop_column("last_action_on")
        batch_op.drop_column("overturned_amount")
        batch_op.drop_column("claim_payment_id")
    with op.batch_alter_table("claim_payment", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_payment_pairing")
        batch_op.drop_index(batch_op.f("ix_claim_payment_remittance_id"))
    op.drop_table("claim_payment")

"""claim_waiver: a patient's written agreement to pay, recorded on a claim

What may be billed to a patient (issue #13 item 7): an amount a payer adjusted in
group CO, OA or PI moves to the patient only when the patient agreed in writing to pay
it. `denials resolve --to-patient --waiver REF` records that agreement here (one row
per recording, never updated, covered by the audit event that wrote it). Written by
hand.

Revision ID: 0008_claim_waiver
Revises: 0007_audit_rows
Create Date: 2026-12-07 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_claim_waiver"
down_revision = "0007_audit_rows"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "claim_waiver",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("claim_id", _ID, nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("audit_event_id", _ID, nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_claim_waiver_claim_id_claim")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_waiver")),
    )
    with op.batch_alter_table("claim_waiver", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_waiver_claim_id"), ["claim_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("claim_waiver", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_waiver_claim_id"))
    op.drop_table("claim_waiver")

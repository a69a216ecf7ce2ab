"""remittance key unique only among remittances not rejected; denials count repeats

A remittance transaction stored as rejected (its total does not tie) stays as
history, and the same transaction, corrected or forced, must be able to post after
it: the key (TRN03, TRN02, BPR16 as sent, BPR02) becomes a unique index over the rows
whose status is not 'rejected' (a partial index, on SQLite and PostgreSQL alike).

A payer denying the same line again for the same reason is the same denial: it
records how many remittances said it (`times_denied`, 1 for every denial so far) and
the latest such date (`last_denied_on`). Written by hand.

Revision ID: 0006_remittance_trust
Revises: 0005_claim_payment_claim
Create Date: 2026-12-07 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_remittance_trust"
down_revision = "0005_claim_payment_claim"
branch_labels = None
depends_on = None

_KEY = ["payer_trace_id", "trace_number", "payment_date_text", "amount"]
_NOT_REJECTED = sa.text("status <> 'rejected'")


def _key_constraint_name() -> str:
    """The old unique constraint's name as the database has it: PostgreSQL cut the
    convention's 66-character name to 63 with a hash (…_payment_date__8a94)."""
    for found in sa.inspect(op.get_bind()).get_unique_constraints("remittance"):
        if found["column_names"] == _KEY:
            return found["name"]
    raise RuntimeError("remittance: the unique key constraint of revision 0001 is missing")


def upgrade() -> None:
    name = _key_constraint_name()
    with op.batch_alter_table("remittance", schema=None) as batch_op:
        batch_op.drop_constraint(name, type_="unique")
    op.create_index(
        "uq_remittance_key_not_rejected",
        "remittance",
        _KEY,
        unique=True,
        sqlite_where=_NOT_REJECTED,
        postgresql_where=_NOT_REJECTED,
    )
    with op.batch_alter_table("denial", schema=None) as batch_op:
        batch_op.add_column(sa.Column("times_denied", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("last_denied_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("denial", schema=None) as batch_op:
        batch_op.drop_column("last_denied_on")
        batch_op.drop_column("times_denied")
    # Fails, as it should, when a rejected remittance and a later post share a key.
    op.drop_index("uq_remittance_key_not_rejected", table_name="remittance")
    with op.batch_alter_table("remittance", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            op.f("uq_remittance_payer_trace_id_trace_number_payment_date_text_amount"), _KEY
        )

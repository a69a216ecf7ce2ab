"""Audit rows: every money row hashed into its event's chain, each event's manifest

Adds `row_hash` to the money tables (ledger_entry, unapplied_entry, claim_payment,
remittance, denial, exception_record, closed_period) and `audit_event_id` to those of
them that had none; `audit_rows` (each event's manifest, from which `audit verify`
rebuilds its rows digest) and `audit_head.issued_event_id` (the highest event id ever
issued: ids are never reused).

Rows and events written before this revision stay as they are: no row hash, no
manifest. `audit verify` checks those events by their hashes only (the old way) and
says how many there were. So that a row inserted later without a hash cannot pass for
an old one, the revision writes the manifest of "event 0": the last id of each money
table at upgrade time; a row above it must have its hash. Written by hand.

Revision ID: 0007_audit_rows
Revises: 0006_remittance_trust
Create Date: 2026-12-07 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_audit_rows"
down_revision = "0006_remittance_trust"
branch_labels = None
depends_on = None

ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MONEY = (
    "claim_payment",
    "closed_period",
    "denial",
    "exception_record",
    "ledger_entry",
    "remittance",
    "unapplied_entry",
)
NEW_EVENT_ID = ("closed_period", "denial", "exception_record", "remittance")


def upgrade() -> None:
    op.create_table(
        "audit_rows",
        sa.Column("event_id", ID_TYPE, autoincrement=False, nullable=False),
        sa.Column("manifest", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_audit_rows")),
    )
    op.add_column("audit_head", sa.Column("issued_event_id", ID_TYPE, nullable=True))
    for table in NEW_EVENT_ID:
        op.add_column(table, sa.Column("audit_event_id", ID_TYPE, nullable=True))
    for table in MONEY:
        op.add_column(table, sa.Column("row_hash", sa.String(length=32), nullable=True))
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE audit_head SET issued_event_id = last_event_id"))
    lines = ["before 0007_audit_rows"]
    for table in MONEY:
        last = conn.execute(sa.text(f'SELECT max(id) FROM "{table}"')).scalar() or 0
        lines.append(f"{table} {int(last)}")
    conn.execute(sa.text("INSERT INTO audit_rows (event_id, manifest) VALUES (0, :m)"), {"m": "\n".join(lines) + "\n"})


def downgrade() -> None:
    for table in MONEY:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("row_hash")
    for table in NEW_EVENT_ID:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("audit_event_id")
    with op.batch_alter_table("audit_head") as batch:
        batch.drop_column("issued_event_id")
    op.drop_table("audit_rows")

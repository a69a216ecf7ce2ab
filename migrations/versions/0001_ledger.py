"""ledger: parties, claims, money, work, audit

The first schema: everything the money model needs (DESIGN.md). Reviewed by hand
after autogenerate; the audit chain starts at a genesis head of 64 zeros.

Revision ID: 0001_ledger
Revises: (none)
Create Date: 2026-11-23 13:36:36.869494
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_ledger"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("name", name=op.f("uq_app_user_name")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_key", sa.String(length=120), nullable=False),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("rows_digest", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_event_hash")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)

    op.create_table(
        "audit_head",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("last_event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "closed_period",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(length=80), nullable=False),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_by", sa.String(length=80), nullable=False),
        sa.Column("reopen_reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closed_period")),
    )
    with op.batch_alter_table("closed_period", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_closed_period_period"), ["period"], unique=False)

    op.create_table(
        "patient",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("last_name", sa.String(length=120), nullable=False),
        sa.Column("first_name", sa.String(length=120), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient")),
        sa.UniqueConstraint("account", name=op.f("uq_patient_account")),
    )
    op.create_table(
        "payer",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("financial_class", sa.String(length=20), nullable=False),
        sa.Column("timely_filing_count", sa.Integer(), nullable=False),
        sa.Column("timely_filing_unit", sa.String(length=1), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payer")),
        sa.UniqueConstraint("code", name=op.f("uq_payer_code")),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "source_file",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_by", sa.String(length=80), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_file")),
    )
    with op.batch_alter_table("source_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_file_sha256"), ["sha256"], unique=False)

    op.create_table(
        "aging_snapshot",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("payer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("bucket_edges", sa.String(length=80), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("balance_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["payer_id"], ["payer.id"], name=op.f("fk_aging_snapshot_payer_id_payer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aging_snapshot")),
    )
    with op.batch_alter_table("aging_snapshot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aging_snapshot_as_of"), ["as_of"], unique=False)
        batch_op.create_index(batch_op.f("ix_aging_snapshot_payer_id"), ["payer_id"], unique=False)

    op.create_table(
        "claim",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("claim_number", sa.String(length=80), nullable=False),
        sa.Column("patient_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("billing_npi", sa.String(length=20), nullable=False),
        sa.Column("rendering_npi", sa.String(length=20), nullable=False),
        sa.Column("place_of_service", sa.String(length=4), nullable=False),
        sa.Column("frequency_code", sa.String(length=2), nullable=False),
        sa.Column("original_claim_ref", sa.String(length=80), nullable=False),
        sa.Column("billed_date", sa.Date(), nullable=False),
        sa.Column("first_service_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assigned_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_file_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(["assigned_user_id"], ["app_user.id"], name=op.f("fk_claim_assigned_user_id_app_user")),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], name=op.f("fk_claim_patient_id_patient")),
        sa.ForeignKeyConstraint(
            ["source_file_id"], ["source_file.id"], name=op.f("fk_claim_source_file_id_source_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim")),
        sa.UniqueConstraint("claim_number", name=op.f("uq_claim_claim_number")),
    )
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_assigned_user_id"), ["assigned_user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_first_service_date"), ["first_service_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_source_file_id"), ["source_file_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_status"), ["status"], unique=False)

    op.create_table(
        "exception_record",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("claim_number", sa.String(length=80), nullable=False),
        sa.Column("payer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("summary", sa.String(length=400), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("source_file_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("source_ref", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=80), nullable=False),
        sa.Column("resolution_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["payer_id"], ["payer.id"], name=op.f("fk_exception_record_payer_id_payer")),
        sa.ForeignKeyConstraint(
            ["source_file_id"], ["source_file.id"], name=op.f("fk_exception_record_source_file_id_source_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exception_record")),
    )
    with op.batch_alter_table("exception_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exception_record_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_exception_record_payer_id"), ["payer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exception_record_source_file_id"), ["source_file_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exception_record_status"), ["status"], unique=False)

    op.create_table(
        "payer_alias",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("payer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("alias", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["payer_id"], ["payer.id"], name=op.f("fk_payer_alias_payer_id_payer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payer_alias")),
        sa.UniqueConstraint("alias", name=op.f("uq_payer_alias_alias")),
    )
    with op.batch_alter_table("payer_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payer_alias_payer_id"), ["payer_id"], unique=False)

    op.create_table(
        "payer_appeal_window",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("payer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["payer_id"], ["payer.id"], name=op.f("fk_payer_appeal_window_payer_id_payer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payer_appeal_window")),
        sa.UniqueConstraint("payer_id", "level", name=op.f("uq_payer_appeal_window_payer_id_level")),
    )
    with op.batch_alter_table("payer_appeal_window", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payer_appeal_window_payer_id"), ["payer_id"], unique=False)

    op.create_table(
        "remittance",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("payer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("payer_trace_id", sa.String(length=80), nullable=False),
        sa.Column("trace_number", sa.String(length=80), nullable=False),
        sa.Column("payment_date_text", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("payment_date", sa.Date(), nullable=True),
        sa.Column("production_date", sa.Date(), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("difference", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("source_file_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("segment", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["payer_id"], ["payer.id"], name=op.f("fk_remittance_payer_id_payer")),
        sa.ForeignKeyConstraint(
            ["source_file_id"], ["source_file.id"], name=op.f("fk_remittance_source_file_id_source_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remittance")),
        sa.UniqueConstraint(
            "payer_trace_id",
            "trace_number",
            "payment_date_text",
            "amount",
            name=op.f("uq_remittance_payer_trace_id_trace_number_payment_date_text_amount"),
        ),
    )
    with op.batch_alter_table("remittance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_remittance_payer_id"), ["payer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_remittance_source_file_id"), ["source_file_id"], unique=False)

    op.create_table(
        "claim_balance",
        sa.Column("claim_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("responsibility", sa.Integer(), nullable=False),
        sa.Column("balance", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("responsible_since", sa.Date(), nullable=False),
        sa.Column("last_payment_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_claim_balance_claim_id_claim")),
        sa.PrimaryKeyConstraint("claim_id", "responsibility", name=op.f("pk_claim_balance")),
    )
    with op.batch_alter_table("claim_balance", schema=None) as batch_op:
        batch_op.create_index("ix_claim_balance_open", ["responsibility", "balance"], unique=False)

    op.create_table(
        "claim_line",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("line_control_number", sa.String(length=80), nullable=False),
        sa.Column("procedure_code", sa.String(length=20), nullable=False),
        sa.Column("modifiers", sa.String(length=40), nullable=False),
        sa.Column("units", sa.String(length=20), nullable=False),
        sa.Column("charge", sa.BigInteger(), nullable=False),
        sa.Column("service_from", sa.Date(), nullable=False),
        sa.Column("service_to", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_claim_line_claim_id_claim")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_line")),
        sa.UniqueConstraint("claim_id", "line_number", name=op.f("uq_claim_line_claim_id_line_number")),
    )
    with op.batch_alter_table("claim_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_line_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index("ix_claim_line_control", ["line_control_number"], unique=False)

    op.create_table(
        "coverage",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("payer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("member_id", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_coverage_claim_id_claim")),
        sa.ForeignKeyConstraint(["payer_id"], ["payer.id"], name=op.f("fk_coverage_payer_id_payer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage")),
        sa.UniqueConstraint("claim_id", "rank", name=op.f("uq_coverage_claim_id_rank")),
    )
    with op.batch_alter_table("coverage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coverage_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coverage_payer_id"), ["payer_id"], unique=False)

    op.create_table(
        "follow_up",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("action", sa.String(length=400), nullable=False),
        sa.Column("assigned_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assigned_user_id"], ["app_user.id"], name=op.f("fk_follow_up_assigned_user_id_app_user")
        ),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_follow_up_claim_id_claim")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up")),
    )
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_assigned_user_id"), ["assigned_user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_due_on"), ["due_on"], unique=False)

    op.create_table(
        "note",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_note_claim_id_claim")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note")),
    )
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_claim_id"), ["claim_id"], unique=False)

    op.create_table(
        "denial",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("line_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("responsibility", sa.Integer(), nullable=False),
        sa.Column("payer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("remittance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("adjustment_group", sa.String(length=2), nullable=False),
        sa.Column("reason_code", sa.String(length=10), nullable=False),
        sa.Column("remark_codes", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("denied_on", sa.Date(), nullable=False),
        sa.Column("appeal_deadline", sa.Date(), nullable=True),
        sa.Column("resolution", sa.String(length=30), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_denial_claim_id_claim")),
        sa.ForeignKeyConstraint(["line_id"], ["claim_line.id"], name=op.f("fk_denial_line_id_claim_line")),
        sa.ForeignKeyConstraint(["payer_id"], ["payer.id"], name=op.f("fk_denial_payer_id_payer")),
        sa.ForeignKeyConstraint(["remittance_id"], ["remittance.id"], name=op.f("fk_denial_remittance_id_remittance")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_denial")),
    )
    with op.batch_alter_table("denial", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_denial_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_denial_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_denial_line_id"), ["line_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_denial_payer_id"), ["payer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_denial_remittance_id"), ["remittance_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_denial_status"), ["status"], unique=False)

    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("line_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("responsibility", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("payer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("adjustment_group", sa.String(length=2), nullable=False),
        sa.Column("reason_code", sa.String(length=10), nullable=False),
        sa.Column("remark_codes", sa.String(length=200), nullable=False),
        sa.Column("source_file_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("source_ref", sa.String(length=120), nullable=False),
        sa.Column("remittance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("reverses_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("transfer_group", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("audit_event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_ledger_entry_claim_id_claim")),
        sa.ForeignKeyConstraint(["line_id"], ["claim_line.id"], name=op.f("fk_ledger_entry_line_id_claim_line")),
        sa.ForeignKeyConstraint(["payer_id"], ["payer.id"], name=op.f("fk_ledger_entry_payer_id_payer")),
        sa.ForeignKeyConstraint(
            ["remittance_id"], ["remittance.id"], name=op.f("fk_ledger_entry_remittance_id_remittance")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["ledger_entry.id"], name=op.f("fk_ledger_entry_reverses_id_ledger_entry")
        ),
        sa.ForeignKeyConstraint(
            ["source_file_id"], ["source_file.id"], name=op.f("fk_ledger_entry_source_file_id_source_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
    )
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_entry_audit_event_id"), ["audit_event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_entry_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_entry_posting_date"), ["posting_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_entry_remittance_id"), ["remittance_id"], unique=False)

    op.create_table(
        "unapplied_entry",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("payer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("remittance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("exception_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("applies_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("ledger_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("claim_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("source_file_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("source_ref", sa.String(length=120), nullable=False),
        sa.Column("audit_event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["applies_id"], ["unapplied_entry.id"], name=op.f("fk_unapplied_entry_applies_id_unapplied_entry")
        ),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_unapplied_entry_claim_id_claim")),
        sa.ForeignKeyConstraint(
            ["exception_id"], ["exception_record.id"], name=op.f("fk_unapplied_entry_exception_id_exception_record")
        ),
        sa.ForeignKeyConstraint(
            ["ledger_entry_id"], ["ledger_entry.id"], name=op.f("fk_unapplied_entry_ledger_entry_id_ledger_entry")
        ),
        sa.ForeignKeyConstraint(["payer_id"], ["payer.id"], name=op.f("fk_unapplied_entry_payer_id_payer")),
        sa.ForeignKeyConstraint(
            ["remittance_id"], ["remittance.id"], name=op.f("fk_unapplied_entry_remittance_id_remittance")
        ),
        sa.ForeignKeyConstraint(
            ["source_file_id"], ["source_file.id"], name=op.f("fk_unapplied_entry_source_file_id_source_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unapplied_entry")),
    )
    with op.batch_alter_table("unapplied_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unapplied_entry_applies_id"), ["applies_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unapplied_entry_audit_event_id"), ["audit_event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unapplied_entry_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unapplied_entry_exception_id"), ["exception_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unapplied_entry_ledger_entry_id"), ["ledger_entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unapplied_entry_payer_id"), ["payer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unapplied_entry_remittance_id"), ["remittance_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unapplied_entry_source_file_id"), ["source_file_id"], unique=False)

    # The chain head every writer locks; the genesis hash is 64 zeros.
    op.bulk_insert(
        sa.table(
            "audit_head",
            sa.column("id", sa.Integer),
            sa.column("last_event_id", sa.Integer),
            sa.column("last_hash", sa.String),
        ),
        [{"id": 1, "last_event_id": None, "last_hash": "0" * 64}],
    )


def downgrade() -> None:
    with op.batch_alter_table("unapplied_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unapplied_entry_source_file_id"))
        batch_op.drop_index(batch_op.f("ix_unapplied_entry_remittance_id"))
        batch_op.drop_index(batch_op.f("ix_unapplied_entry_payer_id"))
        batch_op.drop_index(batch_op.f("ix_unapplied_entry_ledger_entry_id"))
        batch_op.drop_index(batch_op.f("ix_unapplied_entry_exception_id"))
        batch_op.drop_index(batch_op.f("ix_unapplied_entry_claim_id"))
        batch_op.drop_index(batch_op.f("ix_unapplied_entry_audit_event_id"))
        batch_op.drop_index(batch_op.f("ix_unapplied_entry_applies_id"))

    op.drop_table("unapplied_entry")
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_entry_remittance_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_entry_posting_date"))
        batch_op.drop_index(batch_op.f("ix_ledger_entry_claim_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_entry_audit_event_id"))

    op.drop_table("ledger_entry")
    with op.batch_alter_table("denial", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_denial_status"))
        batch_op.drop_index(batch_op.f("ix_denial_remittance_id"))
        batch_op.drop_index(batch_op.f("ix_denial_payer_id"))
        batch_op.drop_index(batch_op.f("ix_denial_line_id"))
        batch_op.drop_index(batch_op.f("ix_denial_claim_id"))
        batch_op.drop_index(batch_op.f("ix_denial_category"))

    op.drop_table("denial")
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_claim_id"))

    op.drop_table("note")
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_due_on"))
        batch_op.drop_index(batch_op.f("ix_follow_up_claim_id"))
        batch_op.drop_index(batch_op.f("ix_follow_up_assigned_user_id"))

    op.drop_table("follow_up")
    with op.batch_alter_table("coverage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coverage_payer_id"))
        batch_op.drop_index(batch_op.f("ix_coverage_claim_id"))

    op.drop_table("coverage")
    with op.batch_alter_table("claim_line", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_line_control")
        batch_op.drop_index(batch_op.f("ix_claim_line_claim_id"))

    op.drop_table("claim_line")
    with op.batch_alter_table("claim_balance", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_balance_open")

    op.drop_table("claim_balance")
    with op.batch_alter_table("remittance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remittance_source_file_id"))
        batch_op.drop_index(batch_op.f("ix_remittance_payer_id"))

    op.drop_table("remittance")
    with op.batch_alter_table("payer_appeal_window", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payer_appeal_window_payer_id"))

    op.drop_table("payer_appeal_window")
    with op.batch_alter_table("payer_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payer_alias_payer_id"))

    op.drop_table("payer_alias")
    with op.batch_alter_table("exception_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exception_record_status"))
        batch_op.drop_index(batch_op.f("ix_exception_record_source_file_id"))
        batch_op.drop_index(batch_op.f("ix_exception_record_payer_id"))
        batch_op.drop_index(batch_op.f("ix_exception_record_kind"))

    op.drop_table("exception_record")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_status"))
        batch_op.drop_index(batch_op.f("ix_claim_source_file_id"))
        batch_op.drop_index(batch_op.f("ix_claim_patient_id"))
        batch_op.drop_index(batch_op.f("ix_claim_first_service_date"))
        batch_op.drop_index(batch_op.f("ix_claim_assigned_user_id"))

    op.drop_table("claim")
    with op.batch_alter_table("aging_snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aging_snapshot_payer_id"))
        batch_op.drop_index(batch_op.f("ix_aging_snapshot_as_of"))

    op.drop_table("aging_snapshot")
    with op.batch_alter_table("source_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_file_sha256"))

    op.drop_table("source_file")
    op.drop_table("setting")
    op.drop_table("payer")
    op.drop_table("patient")
    with op.batch_alter_table("closed_period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_closed_period_period"))

    op.drop_table("closed_period")
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
    op.drop_table("app_user")

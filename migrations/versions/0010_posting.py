"""Narrower ledger rows: a `posting` per file, remittance or hand action, its entries in
`posting_entry`, and `ledger_entry` a view of the two with the old columns and values

Each ledger entry repeated seven columns that are the same for everything one file,
remittance or hand action writes (posting and effective dates, payer, source file,
remittance, audit event, who). They move to one `posting` row; `posting_entry` keeps
what differs, and the start of the entries' source (e.g. 'trace T segment ') moves to
the posting too. `ledger_entry` becomes a VIEW with exactly the old columns, so every
reader and `audit verify` read what they read before (issue #16 item 2, DECISIONS).

Existing rows move: one posting per distinct (posting_date, effective_date, payer_id,
source_file_id, remittance_id, audit_event_id, created_by), with '' as its source
prefix and no row hash; entries keep their id, row hash and whole source_ref, so the
view shows each row as it was and every event written before verifies unchanged. The
postings this revision makes are not in any event's manifest: like the rows written
before 0007 they are named in "event 0"'s manifest (`posting N`, the last id made
here), so `audit verify` asks a row hash only of later ones; what they hold is covered
by their entries' row hashes, which are over the view's row.

Foreign keys that pointed at ledger_entry.id (unapplied_entry.ledger_entry_id, an
entry's reverses_id) point at posting_entry.id. SQLite rebuilds unapplied_entry (batch
mode; a view cannot be a foreign key's target). The downgrade rebuilds the wide table
from the view, ids and row hashes kept. Written by hand.

Revision ID: 0010_posting
Revises: 0009_row_encoding
Create Date: 2026-12-07 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_posting"
down_revision = "0009_row_encoding"
branch_labels = None
depends_on = None

ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
SHARED = (
    "posting_date",
    "effective_date",
    "payer_id",
    "source_file_id",
    "remittance_id",
    "audit_event_id",
    "created_by",
)
OWN = (
    "claim_id",
    "line_id",
    "responsibility",
    "kind",
    "amount",
    "adjustment_group",
    "reason_code",
    "remark_codes",
    "source_ref",
    "reverses_id",
    "transfer_group",
    "row_hash",
)
VIEW = (
    "SELECT e.id, e.claim_id, e.line_id, e.responsibility, e.kind, e.amount, p.posting_date, "
    "p.effective_date, p.payer_id, e.adjustment_group, e.reason_code, e.remark_codes, "
    "p.source_file_id, p.source_ref || e.source_ref AS source_ref, p.remittance_id, "
    "e.reverses_id, e.transfer_group, p.audit_event_id, p.created_by, e.row_hash "
    "FROM posting_entry e LEFT JOIN posting p ON p.id = e.posting_id"
)
BOUNDARY_HEADER = "before 0007_audit_rows"


def upgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    _defer_foreign_keys(conn, sqlite)
    op.create_table(
        "posting",
        sa.Column("id", ID_TYPE, autoincrement=True, nullable=False),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("payer_id", ID_TYPE, nullable=True),
        sa.Column("source_file_id", ID_TYPE, nullable=True),
        sa.Column("remittance_id", ID_TYPE, nullable=True),
        sa.Column("source_ref", sa.String(length=120), nullable=False),
        sa.Column("audit_event_id", ID_TYPE, nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("row_hash", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["payer_id"], ["payer.id"], name=op.f("fk_posting_payer_id_payer")),
        sa.ForeignKeyConstraint(["remittance_id"], ["remittance.id"], name=op.f("fk_posting_remittance_id_remittance")),
        sa.ForeignKeyConstraint(
            ["source_file_id"], ["source_file.id"], name=op.f("fk_posting_source_file_id_source_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting")),
    )
    op.create_index(op.f("ix_posting_audit_event_id"), "posting", ["audit_event_id"], unique=False)
    op.create_index(op.f("ix_posting_posting_date"), "posting", ["posting_date"], unique=False)
    op.create_index(op.f("ix_posting_remittance_id"), "posting", ["remittance_id"], unique=False)
    op.create_table(
        "posting_entry",
        sa.Column("id", ID_TYPE, autoincrement=True, nullable=False),
        sa.Column("posting_id", ID_TYPE, nullable=False),
        sa.Column("claim_id", ID_TYPE, nullable=False),
        sa.Column("line_id", ID_TYPE, nullable=True),
        sa.Column("responsibility", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("adjustment_group", sa.String(length=2), nullable=False),
        sa.Column("reason_code", sa.String(length=10), nullable=False),
        sa.Column("remark_codes", sa.String(length=200), nullable=False),
        sa.Column("source_ref", sa.String(length=120), nullable=False),
        sa.Column("reverses_id", ID_TYPE, nullable=True),
        sa.Column("transfer_group", ID_TYPE, nullable=True),
        sa.Column("row_hash", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_posting_entry_claim_id_claim")),
        sa.ForeignKeyConstraint(["line_id"], ["claim_line.id"], name=op.f("fk_posting_entry_line_id_claim_line")),
        sa.ForeignKeyConstraint(["posting_id"], ["posting.id"], name=op.f("fk_posting_entry_posting_id_posting")),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["posting_entry.id"], name=op.f("fk_posting_entry_reverses_id_posting_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting_entry")),
    )
    op.create_index(op.f("ix_posting_entry_claim_id"), "posting_entry", ["claim_id"], unique=False)
    op.create_index(op.f("ix_posting_entry_posting_id"), "posting_entry", ["posting_id"], unique=False)

    kept = 0
    if sa.inspect(conn).has_table("posting_kept"):
        kept = _restore_kept(conn, sqlite)
    # One posting per set of shared values, numbered in the order of their first entry.
    shared = ", ".join(SHARED)
    conn.execute(
        sa.text(
            f"INSERT INTO posting ({shared}, source_ref) SELECT {shared}, '' FROM ledger_entry "
            "WHERE id NOT IN (SELECT id FROM posting_entry) "
            f"GROUP BY {shared} ORDER BY min(id)"
        )
    )
    same = "IS" if sqlite else "IS NOT DISTINCT FROM"
    match = " AND ".join(f"p.{name} {same} e.{name}" for name in SHARED)
    own = ", ".join(OWN)
    # In id order: an entry's reverses_id names an earlier entry.
    conn.execute(
        sa.text(
            f"INSERT INTO posting_entry (id, posting_id, {own}) "
            f"SELECT e.id, p.id, {', '.join('e.' + n for n in OWN)} FROM ledger_entry e "
            f"JOIN posting p ON p.id > :kept AND {match} "
            "WHERE e.id NOT IN (SELECT id FROM posting_entry) ORDER BY e.id"
        ),
        {"kept": kept},
    )
    if not sqlite:
        conn.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('posting_entry', 'id'), "
                "(SELECT coalesce(max(id), 0) + 1 FROM posting_entry), false)"
            )
        )
    _point_unapplied_at("posting_entry", "ledger_entry", sqlite)
    # Its rows pointing at each other: SQLite's DROP deletes them one by one, and would
    # count a reversed entry deleted before its reversal as a broken key at commit.
    conn.execute(sa.text("UPDATE ledger_entry SET reverses_id = NULL WHERE reverses_id IS NOT NULL"))
    op.drop_index("ix_ledger_entry_remittance_id", table_name="ledger_entry")
    op.drop_index("ix_ledger_entry_posting_date", table_name="ledger_entry")
    op.drop_index("ix_ledger_entry_claim_id", table_name="ledger_entry")
    op.drop_index("ix_ledger_entry_audit_event_id", table_name="ledger_entry")
    op.drop_table("ledger_entry")
    conn.execute(sa.text(f"CREATE VIEW ledger_entry AS {VIEW}"))
    last = conn.execute(sa.text("SELECT max(id) FROM posting WHERE row_hash IS NULL")).scalar() or kept
    _boundary(conn, lambda lines: [*lines, f"posting {int(last)}"])


def downgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    _defer_foreign_keys(conn, sqlite)
    conn.execute(sa.text("DROP VIEW ledger_entry"))
    op.create_table(
        "ledger_entry",
        sa.Column("id", ID_TYPE, autoincrement=True, nullable=False),
        sa.Column("claim_id", ID_TYPE, nullable=False),
        sa.Column("line_id", ID_TYPE, nullable=True),
        sa.Column("responsibility", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("payer_id", ID_TYPE, nullable=True),
        sa.Column("adjustment_group", sa.String(length=2), nullable=False),
        sa.Column("reason_code", sa.String(length=10), nullable=False),
        sa.Column("remark_codes", sa.String(length=200), nullable=False),
        sa.Column("source_file_id", ID_TYPE, nullable=True),
        sa.Column("source_ref", sa.String(length=120), nullable=False),
        sa.Column("remittance_id", ID_TYPE, nullable=True),
        sa.Column("reverses_id", ID_TYPE, nullable=True),
        sa.Column("transfer_group", ID_TYPE, nullable=True),
        sa.Column("audit_event_id", ID_TYPE, nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("row_hash", sa.String(length=32), nullable=True),
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
    op.create_index(op.f("ix_ledger_entry_audit_event_id"), "ledger_entry", ["audit_event_id"], unique=False)
    op.create_index(op.f("ix_ledger_entry_claim_id"), "ledger_entry", ["claim_id"], unique=False)
    op.create_index(op.f("ix_ledger_entry_posting_date"), "ledger_entry", ["posting_date"], unique=False)
    op.create_index(op.f("ix_ledger_entry_remittance_id"), "ledger_entry", ["remittance_id"], unique=False)
    columns = (
        "id, claim_id, line_id, responsibility, kind, amount, posting_date, effective_date, payer_id, "
        "adjustment_group, reason_code, remark_codes, source_file_id, source_ref, remittance_id, reverses_id, "
        "transfer_group, audit_event_id, created_by, row_hash"
    )
    conn.execute(sa.text(f"INSERT INTO ledger_entry ({columns}) SELECT {columns} FROM ({VIEW}) AS v ORDER BY id"))
    if not sqlite:
        conn.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('ledger_entry', 'id'), "
                "(SELECT coalesce(max(id), 0) + 1 FROM ledger_entry), false)"
            )
        )
    _point_unapplied_at("ledger_entry", "posting_entry", sqlite)
    _keep(conn)
    conn.execute(sa.text("UPDATE posting_entry SET reverses_id = NULL WHERE reverses_id IS NOT NULL"))
    op.drop_index(op.f("ix_posting_entry_posting_id"), table_name="posting_entry")
    op.drop_index(op.f("ix_posting_entry_claim_id"), table_name="posting_entry")
    op.drop_table("posting_entry")
    op.drop_index(op.f("ix_posting_remittance_id"), table_name="posting")
    op.drop_index(op.f("ix_posting_posting_date"), table_name="posting")
    op.drop_index(op.f("ix_posting_audit_event_id"), table_name="posting")
    op.drop_table("posting")
    _boundary(conn, lambda lines: [line for line in lines if not line.startswith("posting ")])


def _keep(conn) -> None:
    """Before the postings go (downgrade): each posting, and which posting each entry
    was under, kept in two plain tables (no keys: no other revision's rebuild minds them)
    that the upgrade puts back, so a round trip keeps the postings their events hashed."""
    op.create_table(
        "posting_kept",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("payer_id", ID_TYPE, nullable=True),
        sa.Column("source_file_id", ID_TYPE, nullable=True),
        sa.Column("remittance_id", ID_TYPE, nullable=True),
        sa.Column("source_ref", sa.String(length=120), nullable=False),
        sa.Column("audit_event_id", ID_TYPE, nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("row_hash", sa.String(length=32), nullable=True),
    )
    op.create_table(
        "posting_entry_kept",
        sa.Column("entry_id", ID_TYPE, nullable=False),
        sa.Column("posting_id", ID_TYPE, nullable=False),
    )
    columns = "id, posting_date, effective_date, payer_id, source_file_id, remittance_id, source_ref, " + (
        "audit_event_id, created_by, row_hash"
    )
    conn.execute(sa.text(f"INSERT INTO posting_kept ({columns}) SELECT {columns} FROM posting"))
    conn.execute(
        sa.text("INSERT INTO posting_entry_kept (entry_id, posting_id) SELECT id, posting_id FROM posting_entry")
    )


def _restore_kept(conn, sqlite: bool) -> int:
    """The postings a downgrade kept, back with their ids and row hashes, and the entries
    that were under them back under them: each entry whose shared values are still its
    posting's and whose source starts with the posting's prefix (an entry changed in
    between gets a posting of its own, as any other, and verify names it). Returns the
    highest posting id put back."""
    columns = "id, posting_date, effective_date, payer_id, source_file_id, remittance_id, source_ref, " + (
        "audit_event_id, created_by, row_hash"
    )
    conn.execute(sa.text(f"INSERT INTO posting ({columns}) SELECT {columns} FROM posting_kept ORDER BY id"))
    same = "IS" if sqlite else "IS NOT DISTINCT FROM"
    match = " AND ".join(f"p.{name} {same} e.{name}" for name in SHARED)
    own = ", ".join(OWN)
    picked = ", ".join("substr(e.source_ref, length(p.source_ref) + 1)" if n == "source_ref" else "e." + n for n in OWN)
    conn.execute(
        sa.text(
            f"INSERT INTO posting_entry (id, posting_id, {own}) SELECT e.id, p.id, {picked} FROM ledger_entry e "
            "JOIN posting_entry_kept k ON k.entry_id = e.id JOIN posting p ON p.id = k.posting_id "
            f"AND {match} AND substr(e.source_ref, 1, length(p.source_ref)) = p.source_ref ORDER BY e.id"
        )
    )
    kept = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM posting")).scalar()
    if not sqlite:
        conn.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('posting', 'id'), "
                "(SELECT coalesce(max(id), 0) + 1 FROM posting), false)"
            )
        )
    op.drop_table("posting_entry_kept")
    op.drop_table("posting_kept")
    return int(kept)


def _defer_foreign_keys(conn, sqlite: bool) -> None:
    """SQLite checks foreign keys (on at connect) at commit from here: rebuilding
    unapplied_entry drops the old copy, whose rows point at each other (applies_id),
    which a check per row refuses. Every key holds again before the commit."""
    if sqlite:
        conn.execute(sa.text("PRAGMA defer_foreign_keys = ON"))


def _point_unapplied_at(target: str, before: str, sqlite: bool) -> None:
    """unapplied_entry.ledger_entry_id's foreign key, from `before`.id to `target`.id."""
    old, new = f"fk_unapplied_entry_ledger_entry_id_{before}", f"fk_unapplied_entry_ledger_entry_id_{target}"
    if sqlite:
        # The copy's rows point at each other (applies_id) by the table's name, which is
        # the old copy's until it is dropped: SQLite would count every such key as broken
        # at commit. Taken off for the rebuild and put back after it (same transaction).
        conn = op.get_bind()
        links = [
            {"i": i, "a": a}
            for i, a in conn.execute(sa.text("SELECT id, applies_id FROM unapplied_entry WHERE applies_id IS NOT NULL"))
        ]
        conn.execute(sa.text("UPDATE unapplied_entry SET applies_id = NULL WHERE applies_id IS NOT NULL"))
        with op.batch_alter_table("unapplied_entry") as batch:
            batch.drop_constraint(old, type_="foreignkey")
            batch.create_foreign_key(new, target, ["ledger_entry_id"], ["id"])
        if links:
            conn.execute(sa.text("UPDATE unapplied_entry SET applies_id = :a WHERE id = :i"), links)
    else:
        op.drop_constraint(old, "unapplied_entry", type_="foreignkey")
        op.create_foreign_key(new, "unapplied_entry", target, ["ledger_entry_id"], ["id"])


def _boundary(conn, change) -> None:
    """Rewrite "event 0"'s manifest (revision 0007's boundary), if there is one."""
    text = conn.execute(sa.text("SELECT manifest FROM audit_rows WHERE event_id = 0")).scalar()
    if text is None:
        return
    lines = text.splitlines()
    if not lines or lines[0] != BOUNDARY_HEADER:
        return
    conn.execute(
        sa.text("UPDATE audit_rows SET manifest = :m WHERE event_id = 0"), {"m": "\n".join(change(lines)) + "\n"}
    )

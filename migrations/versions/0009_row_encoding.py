"""Row encoding 2: money rows hashed over a canonical row text the database can build

From this revision on, new audit events hash their money rows over the *canonical row
text* (encoding 2: the row's values as one compact JSON array, domain/audit.py), which
SQLite (`json_array`) and PostgreSQL (`to_json`, `to_char`, `||`) build themselves on
read, so `audit verify` reads one text per row instead of every value (issue #13, issue
#16 item 3). Events written before keep encoding 1 (marshal) and are checked with it.

The encoding is recorded per event in its manifest's first line (``rows v2`` for
encoding 1, ``rows v2 json`` for encoding 2), which the event's hash covers; so this
revision changes no table. It exists so that an ar-cli from before it, which would
read an encoding-2 manifest as unreadable, refuses the upgraded ledger (a database at a
revision it does not know) instead of reporting every new event as broken. Its
downgrade is refused while any event was written in encoding 2. Written by hand.

Revision ID: 0009_row_encoding
Revises: 0008_claim_waiver
Create Date: 2026-12-07 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_row_encoding"
down_revision = "0008_claim_waiver"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    conn = op.get_bind()
    newer = conn.execute(sa.text("SELECT count(*) FROM audit_rows WHERE manifest LIKE 'rows v2 json%'")).scalar()
    if newer:
        raise RuntimeError(
            f"{newer} audit events hash their rows in encoding 2, which revisions before "
            "0009_row_encoding cannot check: restore a backup from before the upgrade instead"
        )

"""Operator use cases on the schema: making a new ledger, upgrading one (each in one write
transaction that Alembic runs in). Where a ledger is and its revision: reports/schema.py."""

from __future__ import annotations

from ar_cli.domain.errors import SchemaTooNewError
from ar_cli.store import schema
from ar_cli.store.database import Ledger, check_ledger_file
from ar_cli.store.location import LedgerLocation


def init_ledger(location: LedgerLocation) -> bool:
    """Make a new ledger: a missing or empty SQLite file (0600), or a PostgreSQL database
    with no tables. True when made now; False when it is a ledger at head already.
    Anything else (tables that are not a ledger, a schema behind or ahead) is refused."""
    ledger = Ledger(location)
    try:
        if location.sqlite_path is not None:
            return ledger.open(create=True).created
        with ledger._guard(), ledger.engine.execution_options(ar_write=True).begin() as conn:
            revision = schema.current_revision(conn)
            if revision is None and schema.is_blank(conn):
                schema.upgrade(conn)
                return True
        ledger.check_revision(revision)
        return False
    finally:
        ledger.dispose()


def upgrade_ledger(location: LedgerLocation) -> tuple[str | None, str]:
    """Migrate to head in one transaction; refuses a database newer than this code, and a
    SQLite file that is not there (`init_ledger` makes a new one)."""
    if location.sqlite_path is not None:
        check_ledger_file(location.sqlite_path)
    ledger = Ledger(location)
    try:
        with ledger._guard(), ledger.engine.execution_options(ar_write=True).begin() as conn:
            before = schema.current_revision(conn)
            if before is not None and before not in schema.KNOWN_REVISIONS:
                raise SchemaTooNewError(
                    f"{location.describe()}: ledger schema {before} is newer than "
                    f"this ar-cli ({schema.HEAD_REVISION}); upgrade ar-cli"
                )
            if before != schema.HEAD_REVISION:
                schema.upgrade(conn)
    finally:
        ledger.dispose()
    return before, schema.HEAD_REVISION

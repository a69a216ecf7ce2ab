"""Operator use cases on the schema: where the ledger is, its revision, upgrading it."""

from __future__ import annotations

from dataclasses import dataclass

from ar_cli.domain.errors import SchemaTooNewError
from ar_cli.store import schema
from ar_cli.store.database import Ledger, _create_private_file
from ar_cli.store.location import LedgerLocation


@dataclass(frozen=True, kw_only=True)
class SchemaState:
    location: str
    revision: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.revision == self.head


def schema_state(location: LedgerLocation) -> SchemaState:
    if location.sqlite_path is not None and not location.sqlite_path.exists():
        return SchemaState(location=location.describe(), revision=None, head=schema.HEAD_REVISION)
    ledger = Ledger(location)
    try:
        with ledger._guard(), ledger.engine.connect() as conn:
            revision = schema.current_revision(conn)
    finally:
        ledger.dispose()
    return SchemaState(location=location.describe(), revision=revision, head=schema.HEAD_REVISION)


def upgrade_ledger(location: LedgerLocation) -> tuple[str | None, str]:
    """Migrate to head in one transaction; refuses a database newer than this code."""
    if location.sqlite_path is not None:
        _create_private_file(location.sqlite_path)
    ledger = Ledger(location)
    try:
        with ledger._guard(), ledger.engine.execution_options(ar_write=True).begin() as conn:
            before = schema.current_revision(conn)
            if before is not None and before not in schema.KNOWN_REVISIONS:
                raise SchemaTooNewError(f"{location.describe()}: ledger schema {before} is newer than "
                                        f"this ar-cli ({schema.HEAD_REVISION}); upgrade ar-cli")
            if before != schema.HEAD_REVISION:
                schema.upgrade(conn)
    finally:
        ledger.dispose()
    return before, schema.HEAD_REVISION

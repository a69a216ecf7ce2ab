"""`ar-cli db status`: where the ledger is, its schema revision and this code's head."""

from __future__ import annotations

from dataclasses import dataclass

from ar_cli.store import schema
from ar_cli.store.database import Ledger
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

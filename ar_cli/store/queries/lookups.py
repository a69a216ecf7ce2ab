"""The small lookups reports ask first, in plain SQL (no ORM tables: the fast readers of
`ar-cli aging` and `ar-cli queue` start without SQLAlchemy): the team's stored settings and
a payer's id from what a user typed.

services/settings.py and store/payers_repo.py keep the same rules for the ORM side; these
are the plain-SQL spelling of them (the svc branch may make those call these).
"""

from __future__ import annotations

from ar_cli.domain.errors import NotFoundError
from ar_cli.store.sql import Sql


def stored_settings(db: Sql) -> dict[str, str]:
    """Every stored team setting (key → value); a key not stored takes its default."""
    return dict(db.rows('SELECT "key", value FROM setting'))


def stored_setting(db: Sql, key: str) -> str | None:
    """One team setting's stored value; None when the default applies."""
    return db.scalar('SELECT value FROM setting WHERE "key" = :key', {"key": key})


def payer_id(db: Sql, key: str) -> int:
    """A payer id by code, exact name (any case) or alias (payers_repo.find_payer's rule)."""
    upper = key.strip().upper()
    found = db.scalar("SELECT id FROM payer WHERE code = :k OR upper(name) = :k ORDER BY id", {"k": upper})
    if found is None:
        found = db.scalar("SELECT payer_id FROM payer_alias WHERE alias = :k", {"k": upper})
    if found is None:
        raise NotFoundError(f"payer {key!r} is not in the ledger (see `ar-cli payers list`)")
    return int(found)

"""The team's settings (the `setting` table): the one place they are read (with their
defaults) and written. Plain SQL through store/sql.py and no table models, so the
read-only fast path (a sqlite3 connection) can ask here without importing SQLAlchemy."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ar_cli.domain.settings import SETTINGS, check_setting
from ar_cli.store.sql import Sql, sql_of

if TYPE_CHECKING:
    from sqlmodel import Session


def stored_setting(db: Session | Sql, key: str) -> str | None:
    """A setting's stored value; None when its default applies."""
    return sql_of(db).scalar('SELECT value FROM setting WHERE "key" = :key', {"key": key})


def stored_settings(db: Session | Sql) -> dict[str, str]:
    """Every stored row, key → value (no defaults)."""
    return {str(k): str(v) for k, v in sql_of(db).rows('SELECT "key", value FROM setting')}


def current_settings(db: Session | Sql) -> dict[str, str]:
    """Every known setting: its stored value, else its default."""
    stored = stored_settings(db)
    return {key: stored.get(key, spec.default) for key, spec in SETTINGS.items()}


def get_setting(db: Session | Sql, key: str) -> str:
    """One known setting (InputError for a key that is none): stored, else its default."""
    check_setting(key, SETTINGS[key].default if key in SETTINGS else "")
    stored = stored_setting(db, key)
    return SETTINGS[key].default if stored is None else stored


def settings_like(db: Session | Sql, prefix: str, *keys: str) -> dict[str, str]:
    """Stored rows whose key starts with `prefix` or is one of `keys`."""
    found = {str(k): str(v) for k, v in sql_of(db).rows('SELECT "key", value FROM setting WHERE "key" LIKE :prefix',
                                                        {"prefix": prefix + "%"})}
    for key in keys:
        value = stored_setting(db, key)
        if value is not None:
            found[key] = value
    return found


def put_setting(session: Session | Sql, key: str, value: str, *, user: str, now: datetime) -> str | None:
    """Insert or replace one setting row (the caller notes it in its event); the value
    it replaced, None when there was none."""
    db = sql_of(session)
    old = stored_setting(db, key)
    params = {"key": key, "value": value, "at": now, "by": user}
    if old is None:
        db.execute('INSERT INTO setting ("key", value, updated_at, updated_by) VALUES (:key, :value, :at, :by)', params)
    else:
        db.execute('UPDATE setting SET value = :value, updated_at = :at, updated_by = :by WHERE "key" = :key', params)
    return old

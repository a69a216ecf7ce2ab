"""The team's settings (the `setting` table): read with their defaults, and written. The
stored rows are read by store/queries/lookups.py's plain SQL (which aging and the queue
use on their fast path too), so there is one reading of them; no table models here
either, so this module imports no SQLAlchemy."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ar_cli.domain.settings import SETTINGS, check_setting
from ar_cli.store.queries import lookups
from ar_cli.store.sql import Sql, sql_of

if TYPE_CHECKING:
    from sqlmodel import Session


def current_settings(db: Session | Sql) -> dict[str, str]:
    """Every known setting: its stored value, else its default."""
    stored = lookups.stored_settings(sql_of(db))
    return {key: stored.get(key, spec.default) for key, spec in SETTINGS.items()}


def get_setting(db: Session | Sql, key: str) -> str:
    """One known setting (InputError for a key that is none): stored, else its default."""
    check_setting(key, SETTINGS[key].default if key in SETTINGS else "")
    stored = lookups.stored_setting(sql_of(db), key)
    return SETTINGS[key].default if stored is None else stored


def settings_like(db: Session | Sql, prefix: str, *keys: str) -> dict[str, str]:
    """Stored rows whose key starts with `prefix` or is one of `keys`."""
    found = {
        str(k): str(v)
        for k, v in sql_of(db).rows(
            'SELECT "key", value FROM setting WHERE "key" LIKE :prefix', {"prefix": prefix + "%"}
        )
    }
    for key in keys:
        value = lookups.stored_setting(sql_of(db), key)
        if value is not None:
            found[key] = value
    return found


def put_setting(session: Session | Sql, key: str, value: str, *, user: str, now: datetime) -> str | None:
    """Insert or replace one setting row (the caller notes it in its event); the value
    it replaced, None when there was none."""
    db = sql_of(session)
    old = lookups.stored_setting(db, key)
    params = {"key": key, "value": value, "at": now, "by": user}
    if old is None:
        db.execute('INSERT INTO setting ("key", value, updated_at, updated_by) VALUES (:key, :value, :at, :by)', params)
    else:
        db.execute('UPDATE setting SET value = :value, updated_at = :at, updated_by = :by WHERE "key" = :key', params)
    return old

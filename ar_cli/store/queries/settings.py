"""The team's settings (the `setting` table): read with their defaults, written one key
at a time. The one place settings are read and written (services/settings.py and
services/codes.py write through `put_setting`)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from ar_cli.domain.settings import SETTINGS, check_setting
from ar_cli.store.sql import Sql, sql_of
from ar_cli.store.tables import SettingRow


def stored_settings(db: Session | Sql) -> dict[str, str]:
    """Every stored row, key → value (no defaults)."""
    return {str(k): str(v) for k, v in sql_of(db).rows('SELECT "key", value FROM setting')}


def current_settings(db: Session | Sql) -> dict[str, str]:
    """Every known setting: its stored value, else its default."""
    stored = stored_settings(db)
    return {key: stored.get(key, spec.default) for key, spec in SETTINGS.items()}


def get_setting(db: Session | Sql, key: str) -> str:
    check_setting(key, SETTINGS[key].default if key in SETTINGS else "")
    return current_settings(db)[key]


def settings_like(db: Session | Sql, prefix: str, *keys: str) -> dict[str, str]:
    """Stored rows whose key starts with `prefix` or is one of `keys`."""
    rows = sql_of(db).rows('SELECT "key", value FROM setting WHERE "key" LIKE :prefix', {"prefix": prefix + "%"})
    found = {str(k): str(v) for k, v in rows}
    for key in keys:
        value = sql_of(db).scalar('SELECT value FROM setting WHERE "key" = :key', {"key": key})
        if value is not None:
            found[key] = str(value)
    return found


def put_setting(session: Session, key: str, value: str, *, user: str, now: datetime) -> str | None:
    """Insert or replace one setting row (the caller notes it in its event); the value
    it replaced, None when there was none."""
    row = session.get(SettingRow, key)
    old = row.value if row is not None else None
    if row is None:
        row = SettingRow(key=key, value=value, updated_at=now, updated_by=user)
    else:
        row.value, row.updated_at, row.updated_by = value, now, user
    session.add(row)
    session.flush()
    return old

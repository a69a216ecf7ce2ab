"""Reading and changing the settings a team shares (kept in the ledger, audited)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from ar_cli.domain.settings import SETTINGS, check_setting
from ar_cli.services.context import Actor
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.tables import SettingRow


def current_settings(session: Session) -> dict[str, str]:
    stored = {row.key: row.value for row in session.execute(select(SettingRow)).scalars()}
    return {key: stored.get(key, spec.default) for key, spec in SETTINGS.items()}


def get_setting(session: Session, key: str) -> str:
    check_setting(key, SETTINGS[key].default if key in SETTINGS else "")
    return current_settings(session)[key]


def set_setting(ledger: Ledger, key: str, value: str, *, actor: Actor) -> str:
    clean = check_setting(key, value)
    with ledger.write() as session:
        row = session.get(SettingRow, key)
        old = row.value if row else SETTINGS[key].default
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        if row is None:
            row = SettingRow(key=key, value=clean, updated_at=actor.now, updated_by=actor.user)
        else:
            row.value, row.updated_at, row.updated_by = clean, actor.now, actor.user
        session.add(row)
        rec.note_update("setting", key, {"value": [old, clean]})
        session.flush()
        rec.finish(action="config.set", entity="setting", entity_key=key,
                   details={"old": old, "new": clean})
    return clean

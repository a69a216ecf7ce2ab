"""Changing the settings a team shares (kept in the ledger, audited). Reading them is
store/queries/settings.py's (`current_settings`, `get_setting`, re-exported here for
the callers that still import them from services)."""

from __future__ import annotations

from ar_cli.domain.settings import SETTINGS, check_setting
from ar_cli.services.context import Actor
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.queries.settings import current_settings, get_setting, put_setting

__all__ = ["current_settings", "get_setting", "set_setting"]


def set_setting(ledger: Ledger, key: str, value: str, *, actor: Actor) -> str:
    clean = check_setting(key, value)
    with ledger.write() as session:
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        old = put_setting(session, key, clean, user=actor.user, now=actor.now)
        old = SETTINGS[key].default if old is None else old
        rec.note_update("setting", key, {"value": [old, clean]})
        rec.finish(action="config.set", entity="setting", entity_key=key, details={"old": old, "new": clean})
    return clean

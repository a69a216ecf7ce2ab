"""Nightly runs, remembered as audit events (services/nightly_runs.py records them)."""

from __future__ import annotations

import json

from sqlmodel import Session

from ar_cli.store.sql import Sql, sql_of

ACTION = "report.nightly"


def last_run(db: Session | Sql, *, action: str = ACTION) -> dict | None:
    """The details of the latest nightly run, or None before the first."""
    details = sql_of(db).scalar(
        "SELECT details FROM audit_event WHERE action = :action ORDER BY id DESC LIMIT 1", {"action": action}
    )
    return None if details is None else json.loads(details)

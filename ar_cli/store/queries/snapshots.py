"""Aging snapshots (`aging_snapshot`): what services/aging_snapshot.py replaces."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from ar_cli.store.sql import sql_of


def drop_snapshot(session: Session, as_of: date) -> int:
    """Delete the rows of the snapshot of `as_of`; how many there were."""
    db = sql_of(session)
    count = int(db.scalar("SELECT count(*) FROM aging_snapshot WHERE as_of = :as_of", {"as_of": as_of}) or 0)
    if count:
        db.execute("DELETE FROM aging_snapshot WHERE as_of = :as_of", {"as_of": as_of})
    return count

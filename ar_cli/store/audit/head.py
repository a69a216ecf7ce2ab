"""The chain's head, checked before every write: does the chain verify where a writer
would extend it? (Its last event exists, its manifest matches its rows digest, it
hashes to what the head says, and no later event id was issued.)"""

from __future__ import annotations

from datetime import UTC
from types import SimpleNamespace

from sqlalchemy import select
from sqlmodel import Session

from ar_cli.domain.audit import GENESIS_HASH, event_hash, manifest_digest
from ar_cli.store.tables import AuditEventRow, AuditRowsRow


def expected_event_hash(row, manifest: str | None) -> str:
    """What an event's hash must be, from its stored fields (and its manifest, when it
    was written with one: since revision 0007)."""
    return event_hash(
        prev_hash=row.prev_hash,
        event_id=row.id,
        occurred_at=row.occurred_at.isoformat(),
        actor=row.actor,
        action=row.action,
        entity=row.entity,
        entity_key=row.entity_key,
        source=row.source,
        details=row.details,
        rows_digest=row.rows_digest,
        rows_version=1 if manifest is None else 2,
    )


def head_problem(session: Session, head) -> str | None:
    """Why the chain does not verify at its head, or None: the head's last event exists
    and hashes to what the head says (with its manifest), and no later id was issued."""
    last, issued = head.last_event_id or 0, head.issued_event_id or 0
    if issued > last:
        return (
            f"event {issued} was written but the head points at event {last} "
            "(events were removed from the end of the chain)"
        )
    if not last:
        return None if head.last_hash == GENESIS_HASH else "the head names a hash but no event"
    row = _event_row(session, last)
    if row is None:
        return f"its last event {last} is missing"
    manifest = session.execute(
        select(AuditRowsRow.__table__.c.manifest).where(AuditRowsRow.__table__.c.event_id == last)
    ).scalar()
    if manifest is not None and manifest_digest(manifest) != row.rows_digest:
        return f"event {last}'s manifest does not match its rows digest"
    if row.hash != expected_event_hash(row, manifest) or row.hash != head.last_hash:
        return f"event {last} does not hash to what the head says"
    return None


_EVENT_FIELDS = (
    "id",
    "occurred_at",
    "actor",
    "action",
    "entity",
    "entity_key",
    "source",
    "details",
    "rows_digest",
    "prev_hash",
    "hash",
)


def _event_row(session: Session, event_id: int):
    """One stored event. On PostgreSQL through a binary cursor: psycopg parses a
    timestamp in text only under the ISO DateStyle, and a session may have another
    (an export sets none, but a server can: tests/reports/test_export.py)."""
    if session.get_bind().dialect.name == "sqlite":
        t = AuditEventRow.__table__
        return session.execute(select(*[t.c[f] for f in _EVENT_FIELDS]).where(t.c.id == event_id)).first()
    cursor = session.connection().connection.cursor(binary=True)
    try:
        cursor.execute(f"SELECT {', '.join(_EVENT_FIELDS)} FROM audit_event WHERE id = %s", (event_id,))
        found = cursor.fetchone()
    finally:
        cursor.close()
    if found is None:
        return None
    values = dict(zip(_EVENT_FIELDS, found))
    values["occurred_at"] = values["occurred_at"].astimezone(UTC)  # as SQLModel's UTCDateTime gives it
    return SimpleNamespace(**values)

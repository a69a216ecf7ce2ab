"""Working claims: users, follow-ups and assignment (services/work_notes.py's writes and
the users list)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from ar_cli.domain.errors import NotFoundError
from ar_cli.store.sql import Keys, Sql, sql_of
from ar_cli.store.tables import ClaimRow, UserRow


def user_exists(db: Session | Sql, name: str) -> bool:
    return sql_of(db).one("SELECT id FROM app_user WHERE name = :name", {"name": name}) is not None


def active_user_id(db: Session | Sql, name: str) -> int:
    found = sql_of(db).scalar(
        "SELECT id FROM app_user WHERE name = :name AND active = :yes", {"name": name.strip(), "yes": True}
    )
    if found is None:
        raise NotFoundError(f"user {name.strip()!r} does not exist (add them with `ar-cli users add`)")
    return int(found)


def user_names(db: Session | Sql) -> dict[int, str]:
    return {int(i): str(n) for i, n in sql_of(db).rows("SELECT id, name FROM app_user")}


def users_with_claim_counts(session: Session) -> list[tuple[UserRow, int]]:
    """Every user by name, with the number of claims assigned to them."""
    counts = dict(
        session.execute(
            select(ClaimRow.assigned_user_id, func.count())
            .where(ClaimRow.assigned_user_id.is_not(None))
            .group_by(ClaimRow.assigned_user_id)
        ).all()
    )
    return [(u, int(counts.get(u.id, 0))) for u in session.execute(select(UserRow).order_by(UserRow.name)).scalars()]


def replace_open_follow_ups(session: Session, claim_id: int, now: datetime) -> list[int]:
    """Mark the claim's open follow-ups `replaced`; their ids, oldest first."""
    db = sql_of(session)
    ids = [
        int(i)
        for (i,) in db.rows(
            "SELECT id FROM follow_up WHERE claim_id = :claim AND status = 'open' ORDER BY id", {"claim": claim_id}
        )
    ]
    if ids:
        db.execute(
            "UPDATE follow_up SET status = 'replaced', done_at = :now WHERE id IN :ids", {"now": now, "ids": Keys(ids)}
        )
    return ids


def assignee_of(session: Session, claim_id: int) -> int | None:
    row = session.get(ClaimRow, claim_id)
    return None if row is None else row.assigned_user_id


def set_assignee(session: Session, claim_id: int, user_id: int) -> None:
    row = session.get(ClaimRow, claim_id)
    row.assigned_user_id = user_id
    session.add(row)  # written at the next flush (store/rows.save)

"""`ar-cli users list`: each user with how many claims they have assigned."""

from __future__ import annotations

from ar_cli.store import Session
from ar_cli.store.queries.work import users_with_claim_counts


def list_users(session: Session) -> list[dict]:
    return [
        {
            "name": u.name,
            "full_name": u.full_name,
            "active": "yes" if u.active else "no",
            "claims": claims,
            "since": u.created_at.date(),
        }
        for u, claims in users_with_claim_counts(session)
    ]

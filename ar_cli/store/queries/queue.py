"""The work queue's plain SQL besides the scored claim rows (queue_scoring.py, with the
candidates of queue_reach.py): the payers' facts, the user a filter names, the other kinds
of items (remittance exceptions, unapplied money, credit balances) and the details of the
rows shown. Rows come back as tuples, dates as the driver gives them (store/sql.py's `day`).

Every statement runs the same on an opened ledger's session and on the read-only sqlite3
connection of `ar-cli queue`'s fast start-up (store/read_only.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from ar_cli.store.sql import Keys, Sql

_CLOSING_REASONS = ("applied", "interest_income")


def payer_rows(db: Sql) -> list[tuple]:
    """(id, code, financial class, timely filing count, its unit) of every payer, by id."""
    return db.rows("SELECT id, code, financial_class, timely_filing_count, timely_filing_unit FROM payer ORDER BY id")


def user_id(db: Sql, name: str) -> int | None:
    return db.scalar("SELECT id FROM app_user WHERE name = :name", {"name": name})


def open_exceptions(db: Sql) -> list[tuple]:
    """(id, kind, claim number, payer id, amount, created at) of the open remittance exceptions."""
    return db.rows(
        "SELECT id, kind, claim_number, payer_id, amount, created_at FROM exception_record "
        "WHERE status = 'open' ORDER BY id"
    )


def open_unapplied(db: Sql) -> list[tuple]:
    """(id, payer id, money left, reason, reference, effective date) of the opened
    unapplied entries, except those an open exception holds (the exception is the work
    item for that money); money left may be zero."""
    closing = ", ".join(f"'{r}'" for r in _CLOSING_REASONS)  # our own values, not input
    return db.rows(
        "SELECT u.id, u.payer_id, u.amount + COALESCE(a.applied, 0), u.reason, u.reference, u.effective_date "
        "FROM unapplied_entry u "
        "LEFT JOIN (SELECT applies_id, SUM(amount) AS applied FROM unapplied_entry "
        "           WHERE applies_id IS NOT NULL GROUP BY applies_id) a ON a.applies_id = u.id "
        f"WHERE u.reason NOT IN ({closing}) AND (u.exception_id IS NULL OR u.exception_id NOT IN "
        "(SELECT id FROM exception_record WHERE status = 'open')) ORDER BY u.id"
    )


def credit_rows(db: Sql, *, least: int, user_id: int | None) -> list[tuple]:
    """(claim id, number, first service date, assigned user, responsibility, balance,
    responsible since, payer id) of the credits of `least` cents or more."""
    sql = (
        "SELECT c.id, c.claim_number, c.first_service_date, c.assigned_user_id, b.responsibility, b.balance, "
        "b.responsible_since, cov.payer_id FROM claim_balance b JOIN claim c ON c.id = b.claim_id "
        "LEFT JOIN coverage cov ON cov.claim_id = b.claim_id AND cov.rank = b.responsibility "
        "WHERE b.responsibility IN (0, 1, 2, 3) AND b.balance <= :least"
    )
    params: dict = {"least": -least}
    if user_id is not None:
        sql += " AND c.assigned_user_id = :user_id"
        params["user_id"] = user_id
    return db.rows(sql, params)


def people(db: Sql, claim_ids: Iterable[int]) -> list[tuple]:
    """(claim id, patient last name, first name, assignee's name or None) of the claims."""
    return db.rows(
        "SELECT c.id, p.last_name, p.first_name, u.name FROM claim c JOIN patient p ON p.id = c.patient_id "
        "LEFT JOIN app_user u ON u.id = c.assigned_user_id WHERE c.id IN :claims",
        {"claims": Keys(sorted(set(claim_ids)))},
    )


def open_follow_ups(db: Sql, claim_ids: Iterable[int]) -> list[tuple]:
    """(claim id, due on, action) of the claims' open follow-ups, soonest first."""
    return db.rows(
        "SELECT claim_id, due_on, action FROM follow_up WHERE status = 'open' AND claim_id IN :claims "
        "ORDER BY due_on, id",
        {"claims": Keys(sorted(set(claim_ids)))},
    )


def category_candidates() -> str:
    """The candidates of a --category queue: the open denials of that category."""
    return "SELECT claim_id, responsibility FROM denial WHERE status = 'open' AND category = :category"

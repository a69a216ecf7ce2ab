"""Finding the top N of the queue without scoring every claim row.

A claim row scores at most money(balance) + deadline + denial + C, C being age, no
response, untouched and payer at their full points. So:
1. `seed`: score a few rows likely near the top — the largest balances, the oldest
   claims of each open status, the nearest appeal deadlines and filing limits; with
   the other kinds, the N-th best of them is a threshold T every item of the top N
   reaches;
2. `reach`: score only the rows not ruled out from reaching T (see its rules).
When T is low (a young ledger, narrow filters) every row is scored.
"""

from __future__ import annotations

from datetime import date, timedelta

from ar_cli.domain.queue.score import QueueWeights
from ar_cli.store.queries import queue_scoring as queue_sql
from ar_cli.store.queries.queue_scoring import Dialect, PayerFacts

OPEN_STATUSES = ("billed", "partially_paid", "paid", "denied", "appealed", "credit")
EVERYTHING = "SELECT claim_id, responsibility FROM claim_balance WHERE balance > 0"


def top_payer_points(weights: QueueWeights, payers: list[PayerFacts]) -> int:
    return max(
        [weights.payer_points(x.code, x.financial_class) for x in payers] + [weights.payer_points("", "self-pay"), 0]
    )


def seed(
    d: Dialect, weights: QueueWeights, payers: list[PayerFacts], as_of: date, k: int, near: int
) -> tuple[str, dict]:
    """A few rows likely near the top, k from each source: the largest balances, the
    oldest claims of each open status, the nearest appeal deadlines and filing limits."""
    parts = [
        f"SELECT * FROM (SELECT claim_id, responsibility FROM denial WHERE status = 'open' "
        f"AND appeal_deadline >= :as_of ORDER BY appeal_deadline LIMIT {near}) near_appeal"
    ]
    extra: dict = {}
    span = queue_sql.filing_candidate_range(payers, as_of, weights.window)
    if span is not None:
        parts.append(
            f"SELECT b.claim_id, b.responsibility FROM (SELECT id FROM claim WHERE status = 'billed' "
            f"AND first_service_date BETWEEN :filing_from AND :filing_to ORDER BY first_service_date "
            f"LIMIT {near}) near_limit JOIN claim_balance b ON b.claim_id = near_limit.id "
            f"AND b.responsibility > 0"
        )
        extra = {"filing_from": d.date_param(span[0]), "filing_to": d.date_param(span[1])}
    for resp in (0, 1, 2, 3):
        parts.append(
            f"SELECT * FROM (SELECT claim_id, responsibility FROM claim_balance "
            f"WHERE responsibility = {resp} AND balance > 0 ORDER BY balance DESC LIMIT {k}) big{resp}"
        )
    # The oldest claims of each status that can owe money (index claim(status, first_service_date)).
    for status in OPEN_STATUSES:
        parts.append(
            f"SELECT b.claim_id, b.responsibility FROM (SELECT id FROM claim WHERE status = '{status}' "
            f"ORDER BY first_service_date LIMIT {k}) old_{status} "
            f"JOIN claim_balance b ON b.claim_id = old_{status}.id"
        )
    return " UNION ".join(parts), extra


def reach(
    d: Dialect, weights: QueueWeights, payers: list[PayerFacts], as_of: date, threshold: int | None
) -> tuple[str | None, dict]:
    """Every row not ruled out from reaching `threshold` (None: every row).

    A row scores at most money(balance) + deadline + denial + C, C being age, no response,
    untouched and payer at full points. So with N = threshold − C it can reach only if
    - it has no open denial and no deadline near: money(balance) >= N, a balance bound;
    - it has an open denial: money(balance) + its appeal deadline's points reach
      N − denial;
    - it is a billed claim where money(balance) + its filing limit's points reach N.
    A claim with an open denial is `denied`, never `billed` (its status is derived in
    the transaction that opens the denial), so no row needs both a denial's points and
    a filing limit's.
    """
    if threshold is None:
        return EVERYTHING, {}
    p = weights.points
    top_payer = top_payer_points(weights, payers)
    need = threshold - (p["age"] + p["no_response"] + p["untouched"] + top_payer)
    if need <= 0:
        return EVERYTHING, {}
    parts, extra = [], {}
    if need <= p["money"]:
        parts.append(
            "SELECT claim_id, responsibility FROM claim_balance "
            "WHERE responsibility IN (0, 1, 2, 3) AND balance >= :least_balance"
        )
        extra["least_balance"] = max(1, -(-need * weights.money_full_cents // p["money"]))
    denial = p["denial"] + max([weights.category_points(c) for c in weights.category] + [0])
    money = f"{p['money']} * {d.least('b.balance', str(weights.money_full_cents))} / {weights.money_full_cents}"
    window = weights.window
    if need - denial <= 0:
        parts.append("SELECT claim_id, responsibility FROM denial WHERE status = 'open'")
    elif need - denial <= p["money"] + p["deadline"]:
        # money(balance) + its appeal deadline's points must reach need − denial. A deadline
        # gives points only in [as_of, as_of + window]: outside it the balance alone must
        # reach (read from the balance index, largest balances only), inside it the few
        # denials due soon are checked, their deadline first and their balance after.
        if need - denial <= p["money"]:
            parts.append(
                "SELECT b.claim_id, b.responsibility FROM claim_balance b "
                "WHERE b.responsibility IN (0, 1, 2, 3) AND b.balance >= :denial_money AND EXISTS "
                "(SELECT 1 FROM denial dn WHERE dn.claim_id = b.claim_id "
                "AND dn.responsibility = b.responsibility AND dn.status = 'open')"
            )
            extra["denial_money"] = _least_for(weights, need - denial)
        left = d.days_until("dn.appeal_deadline")
        points = (
            f"CASE WHEN dn.appeal_deadline >= :as_of AND {left} <= {window} "
            f"THEN {p['deadline']} * ({window} - {left}) / {window} ELSE 0 END"
        )
        parts.append(
            "SELECT dn.claim_id, dn.responsibility FROM denial dn JOIN claim_balance b "
            "ON b.claim_id = dn.claim_id AND b.responsibility = dn.responsibility "
            "WHERE dn.status = 'open' AND dn.appeal_deadline BETWEEN :as_of AND :appeal_until "
            f"AND b.balance >= :denial_least AND {money} + {points} >= {need - denial}"
        )
        extra.update(
            {
                "denial_least": _least_for(weights, need - denial - p["deadline"]),
                "appeal_until": d.date_param(as_of + timedelta(days=window)),
            }
        )
    filing_days = _days_for(weights, need - p["money"])
    span = queue_sql.filing_candidate_range(
        payers, as_of, weights.window if filing_days is None or filing_days < 0 else filing_days
    )
    if filing_days is not None and span is not None:
        # money(balance) + the filing limit's points must reach need: the balance alone
        # first (before the coverage is read), the limit's points after.
        points = f"CASE WHEN fl BETWEEN 0 AND {window} THEN {p['deadline']} * ({window} - fl) / {window} ELSE 0 END"
        parts.append(
            "SELECT claim_id, responsibility FROM ("
            "SELECT b.claim_id, b.responsibility, b.balance AS balance, "
            f"{queue_sql.filing_left_sql(d, payers)} AS fl "
            "FROM claim c JOIN claim_balance b ON b.claim_id = c.id AND b.responsibility > 0 "
            "JOIN coverage cov ON cov.claim_id = c.id AND cov.rank = b.responsibility "
            "WHERE c.status = 'billed' AND c.first_service_date BETWEEN :reach_from AND :reach_to "
            f"AND b.balance >= :filing_least) b WHERE {money} + {points} >= {need}"
        )
        extra.update(
            {
                "reach_from": d.date_param(span[0]),
                "reach_to": d.date_param(span[1]),
                "filing_least": _least_for(weights, need - p["deadline"]),
            }
        )
    return (" UNION ".join(parts) or None), extra


def _least_for(weights: QueueWeights, points: int) -> int:
    """The smallest balance (cents, at least 1) whose money points reach `points`."""
    p = weights.points["money"]
    if points <= 0 or p <= 0:
        return 1
    return max(1, -(-min(points, p) * weights.money_full_cents // p))


def _days_for(weights: QueueWeights, points: int) -> int | None:
    """The most days before a deadline that still give `points` deadline points: -1 for
    any row (points <= 0), None when no deadline gives that many."""
    full, window = weights.points["deadline"], weights.window
    if points <= 0:
        return -1
    if points > full:
        return None
    return window - (-(-points * window // full))


def least_credit(weights: QueueWeights, payers: list[PayerFacts], threshold: int) -> int | None:
    """The smallest credit (cents) that can score `threshold`; None: no credit can."""
    p = weights.points
    top_payer = top_payer_points(weights, payers)
    need = threshold - (p["credit"] + p["age"] + p["untouched"] + top_payer)
    if need <= 0:
        return 1
    if need > p["money"]:
        return None
    return max(1, -(-need * weights.money_full_cents // p["money"]))

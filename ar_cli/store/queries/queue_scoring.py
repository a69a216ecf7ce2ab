"""The queue's claim rows scored in the database: the same whole-number arithmetic as
domain/queue/score.py, in SQL that SQLite and PostgreSQL both run.

One row per claim and responsibility that owes money (balance > 0): the primary payer,
a secondary, or the patient. The statement gathers each row's facts (age, last touch,
open denials, deadlines, follow-up), scores them and returns facts and score together,
so the caller builds the same `QueueFacts` and tests can prove the two agree.

Candidates are given as a SELECT of (claim_id, responsibility): everything, or a
subset the caller knows holds the top of the queue (store/queries/queue_reach.py says why).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ar_cli.domain.payers import TimelyFiling
from ar_cli.domain.queue.score import QueueWeights
from ar_cli.store.payer_answers import answered_since_sql

OTHER = "other"


@dataclass(frozen=True, kw_only=True)
class PayerFacts:
    id: int
    code: str
    financial_class: str
    filing: TimelyFiling


@dataclass(frozen=True, kw_only=True)
class ClaimFilters:
    payer_ids: tuple[int, ...] | None = None  # None: any; 0 stands for the patient
    service_from: date | None = None  # bucket: first date of service in range
    service_to: date | None = None
    category: str | None = None
    user_id: int | None = None
    min_amount: int | None = None


class Dialect:
    """The few spellings SQLite and PostgreSQL disagree on."""

    def __init__(self, name: str) -> None:
        self.sqlite = name == "sqlite"

    def days_since(self, expr: str) -> str:
        if self.sqlite:
            return f"CAST(:as_of_jd - julianday({expr}) AS INTEGER)"
        return f"(CAST(:as_of AS DATE) - ({expr}))"

    def days_until(self, expr: str) -> str:
        if self.sqlite:
            return f"CAST(julianday({expr}) - :as_of_jd AS INTEGER)"
        return f"(({expr}) - CAST(:as_of AS DATE))"

    def least(self, *args: str) -> str:
        return f"{'min' if self.sqlite else 'LEAST'}({', '.join(args)})"

    def greatest(self, *args: str) -> str:
        return f"{'max' if self.sqlite else 'GREATEST'}({', '.join(args)})"

    def day_of(self, timestamp: str) -> str:
        return f"substr({timestamp}, 1, 10)" if self.sqlite else f"CAST({timestamp} AS DATE)"

    def plus_months(self, expr: str, months: int) -> str:
        """expr + N months, a day past the month's end falling back to its last day
        (TimelyFiling.deadline's rule; SQLite would roll over into the next month)."""
        if not self.sqlite:
            return f"CAST(({expr}) + make_interval(months => {months}) AS DATE)"
        plain = f"date({expr}, '+{months} months')"
        return (
            f"CASE WHEN strftime('%d', {plain}) = strftime('%d', {expr}) THEN {plain} "
            f"ELSE date({expr}, 'start of month', '+{months + 1} months', '-1 day') END"
        )

    def binary(self, column: str) -> str:
        return column if self.sqlite else f'{column} COLLATE "C"'

    def params(self, as_of: date) -> dict[str, Any]:
        if self.sqlite:
            return {"as_of": as_of.isoformat(), "as_of_jd": as_of.toordinal() + 1721424.5}
        return {"as_of": as_of}

    def date_param(self, value: date) -> Any:
        return value.isoformat() if self.sqlite else value


def category_codes(weights: QueueWeights) -> list[str]:
    """Known categories in alphabetical order: a denial's rank is points * 100 + (99 − index),
    so the highest-points category wins and a tie goes to the first name."""
    names = sorted(set(weights.category) | {OTHER})
    if len(names) > 99:
        raise ValueError("too many denial categories")
    return names


def decode_category(rank: int | None, names: list[str]) -> str | None:
    if rank is None:
        return None
    return names[99 - rank % 100]


def _category_rank_sql(weights: QueueWeights, names: list[str]) -> str:
    whens = " ".join(
        f"WHEN '{name}' THEN {weights.category_points(name) * 100 + 99 - i}"
        for i, name in enumerate(names)
        if name != OTHER
    )
    other = weights.category_points(OTHER) * 100 + 99 - names.index(OTHER)
    return f"CASE dn.category {whens} ELSE {other} END"


def _payer_points_sql(weights: QueueWeights, payers: list[PayerFacts]) -> str:
    whens = [
        f"WHEN {p.id} THEN {weights.payer_points(p.code, p.financial_class)}"
        for p in payers
        if weights.payer_points(p.code, p.financial_class)
    ]
    patient = weights.payer_points("", "self-pay")
    if patient:
        whens.append(f"WHEN 0 THEN {patient}")
    return f"CASE payer_id {' '.join(whens)} ELSE 0 END" if whens else "0"


def filing_left_sql(d: Dialect, payers: list[PayerFacts]) -> str:
    """Days to the filing limit from the date of service, per payer (NULL: no payer)."""
    by_limit: dict[tuple[int, str], list[int]] = {}
    for p in payers:
        by_limit.setdefault((p.filing.count, p.filing.unit), []).append(p.id)
    whens = []
    for (count, unit), ids in sorted(by_limit.items()):
        days = (
            f"{count} - {d.days_since('c.first_service_date')}"
            if unit == "d"
            else d.days_until(d.plus_months("c.first_service_date", count))
        )
        whens.append(f"WHEN cov.payer_id IN ({', '.join(str(i) for i in ids)}) THEN {days}")
    return f"CASE {' '.join(whens)} END" if whens else "CAST(NULL AS INTEGER)"


def filing_candidate_range(payers: list[PayerFacts], as_of: date, window: int) -> tuple[date, date] | None:
    """Dates of service whose filing limit can fall within [as_of, as_of + window] for
    some payer (a little wide for limits in months)."""
    if not payers:
        return None
    shortest = min(p.filing.count * (28 if p.filing.unit == "m" else 1) for p in payers)
    longest = max(p.filing.count * (31 if p.filing.unit == "m" else 1) + 1 for p in payers)
    return as_of - timedelta(days=longest), as_of + timedelta(days=window) - timedelta(days=shortest)


def scored_claims_sql(
    d: Dialect,
    weights: QueueWeights,
    payers: list[PayerFacts],
    *,
    candidates: str,
    filters: ClaimFilters,
    include_hidden: bool,
    limit: int | None,
) -> str:
    p, full = weights.points, weights.full_at
    names = category_codes(weights)
    # The row's open denials, read by index (claim_id) for each row: an aggregate over
    # the candidates' denials joined back was scanned once per row on SQLite.
    own = (
        "FROM denial dn WHERE dn.claim_id = b.claim_id AND dn.responsibility = b.responsibility AND dn.status = 'open'"
    )
    next_deadline = f"(SELECT MIN(CASE WHEN dn.appeal_deadline >= :as_of THEN dn.appeal_deadline END) {own})"
    last_deadline = f"(SELECT MAX(CASE WHEN dn.appeal_deadline < :as_of THEN dn.appeal_deadline END) {own})"
    money_full, window = weights.money_full_cents, weights.window
    where = ["b.balance > 0"]
    if filters.payer_ids is not None:
        where.append(f"COALESCE(cov.payer_id, 0) IN ({', '.join(str(i) for i in filters.payer_ids) or '-1'})")
    if filters.service_from is not None:
        where.append("c.first_service_date >= :service_from")
    if filters.service_to is not None:
        where.append("c.first_service_date <= :service_to")
    if filters.category is not None:
        where.append(
            "EXISTS (SELECT 1 FROM denial dc WHERE dc.claim_id = b.claim_id AND dc.status = 'open' "
            "AND dc.responsibility = b.responsibility AND dc.category = :category)"
        )
    if filters.user_id is not None:
        where.append("c.assigned_user_id = :user_id")
    if filters.min_amount is not None:
        where.append("b.balance >= :min_amount")
    billed_payer = "c.status = 'billed' AND b.responsibility > 0"
    # domain.queue_score.days_without_response: a payer's balance, from the day its
    # coverage became responsible, while that payer has not answered since (indexed
    # lookups: store/payer_answers.py).
    waiting = "b.responsibility > 0 AND cov.payer_id IS NOT NULL AND NOT " + answered_since_sql(
        "b.claim_id", "cov.payer_id", "b.responsible_since"
    )
    touched = d.greatest(
        "b.responsible_since", "c.billed_date", "COALESCE(nt.at, c.billed_date)", "COALESCE(fu.made, c.billed_date)"
    )
    deadline = d.least("COALESCE(appeal_left, 999999)", "CASE WHEN filing_left >= 0 THEN filing_left ELSE 999999 END")
    score = " + ".join(
        [
            f"{p['money']} * {d.least('amount', str(money_full))} / {money_full}",
            f"{p['age']} * {d.least(d.greatest('age', '0'), str(full['age']))} / {full['age']}",
            f"CASE WHEN catrank IS NULL THEN 0 ELSE {p['denial']} + catrank / 100 END",
            f"CASE WHEN dl <= {window} THEN {p['deadline']} * ({window} - dl) / {window} ELSE 0 END",
            f"CASE WHEN no_resp > {weights.no_response_days} THEN {p['no_response']} ELSE 0 END",
            _payer_points_sql(weights, payers),
            f"{p['untouched']} * {d.least(d.greatest('untouched', '0'), str(full['untouched']))} / {full['untouched']}",
        ]
    )
    hidden = "due_in IS NULL OR due_in <= 0 OR (dl <= due_in)"
    order = f"score DESC, amount DESC, {d.binary('claim_number')}, resp"
    return f"""
WITH cand AS (SELECT DISTINCT claim_id, responsibility FROM ({candidates}) given),
fu AS (
  SELECT claim_id, MIN(due_on) AS due, MAX({d.day_of("created_at")}) AS made
  FROM follow_up WHERE status = 'open' AND claim_id IN (SELECT claim_id FROM cand) GROUP BY claim_id),
nt AS (
  SELECT claim_id, MAX({d.day_of("created_at")}) AS at
  FROM note WHERE claim_id IN (SELECT claim_id FROM cand) GROUP BY claim_id),
facts AS (
  SELECT c.id AS claim_id, c.claim_number AS claim_number, b.responsibility AS resp, b.balance AS amount,
         CASE WHEN b.responsibility = 0 THEN 0 ELSE COALESCE(cov.payer_id, -1) END AS payer_id,
         c.assigned_user_id AS user_id,
         {d.days_since("c.first_service_date")} AS age,
         {d.days_since(touched)} AS untouched,
         CASE WHEN {waiting} THEN {d.days_since("b.responsible_since")} END AS no_resp,
         CASE WHEN {billed_payer} THEN {filing_left_sql(d, payers)} END AS filing_left,
         {d.days_until(next_deadline)} AS appeal_left,
         {d.days_until(last_deadline)} AS appeal_passed,
         (SELECT MAX({_category_rank_sql(weights, names)}) {own}) AS catrank,
         {d.days_until("fu.due")} AS due_in
  FROM cand
  JOIN claim_balance b ON b.claim_id = cand.claim_id AND b.responsibility = cand.responsibility
  JOIN claim c ON c.id = b.claim_id
  LEFT JOIN coverage cov ON cov.claim_id = b.claim_id AND cov.rank = b.responsibility
  LEFT JOIN fu ON fu.claim_id = b.claim_id
  LEFT JOIN nt ON nt.claim_id = b.claim_id
  WHERE {" AND ".join(where)}),
deadlines AS (SELECT facts.*, {deadline} AS dl FROM facts),
scored AS (SELECT deadlines.*, {score} AS score FROM deadlines)
SELECT claim_id, claim_number, resp, amount, payer_id, user_id, age, untouched, no_resp, filing_left,
       appeal_left, appeal_passed, catrank, due_in, score
FROM scored
{"" if include_hidden else f"WHERE {hidden}"}
ORDER BY {order}
{"" if limit is None else f"LIMIT {int(limit)}"}
"""

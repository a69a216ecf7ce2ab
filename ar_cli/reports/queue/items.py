"""Queue items, and the kinds scored here rather than in the database: remittance
exceptions, unapplied money no open exception holds, and credit balances (few, and
scored with the same pure functions as the claims)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ar_cli.domain.claims.records import responsibility_name
from ar_cli.domain.queue.score import ItemKind, QueueFacts, QueueWeights, score
from ar_cli.store.queries import queue as queue_sql
from ar_cli.store.queries.queue_scoring import ClaimFilters, PayerFacts
from ar_cli.store.sql import Sql, day

KIND_ORDER = {ItemKind.CLAIM: 0, ItemKind.CREDIT: 1, ItemKind.EXCEPTION: 2, ItemKind.UNAPPLIED: 3}


@dataclass(frozen=True, kw_only=True)
class QueueItem:
    kind: ItemKind
    ref: str  # claim number, 'exception 3', 'unapplied 7'
    claim_number: str
    responsibility: int | None
    payer: str
    amount: int
    score: int
    facts: QueueFacts
    why: str = ""  # said for the rows shown (see _top)
    detail: str = ""  # what a non-claim item is, for its why
    claim_id: int | None = None
    user_id: int | None = None
    follow_up_in: int | None = None
    extra: dict = field(default_factory=dict)  # filled for shown rows: patient, assignee, follow-up

    @property
    def owed_by(self) -> str:
        return "" if self.responsibility is None else responsibility_name(self.responsibility)

    def sort_key(self) -> tuple:
        return (
            -self.score,
            -self.amount,
            KIND_ORDER[self.kind],
            self.claim_number or self.ref,
            self.responsibility or 0,
            self.ref,
        )


def other_items(
    db: Sql,
    filters: ClaimFilters,
    kinds: set[ItemKind],
    as_of: date,
    weights: QueueWeights,
    payers: dict[int, PayerFacts],
) -> list[QueueItem]:
    items: list[QueueItem] = []
    if filters.category is not None:
        return items
    if filters.user_id is not None:
        return items  # exceptions and unapplied money are nobody's yet
    if ItemKind.EXCEPTION in kinds:
        for ex_id, kind, number, payer_id, amount, created in queue_sql.open_exceptions(db):
            age = max(0, (as_of - day(created)).days)  # held after an as-of in the past: new
            items.append(
                _plain_item(
                    ItemKind.EXCEPTION,
                    f"exception {ex_id}",
                    number,
                    payer_id,
                    abs(int(amount)),
                    age,
                    weights,
                    payers,
                    detail=kind.replace("_", " "),
                )
            )
    if ItemKind.UNAPPLIED in kinds:
        items.extend(_unapplied(db, as_of, weights, payers))
    return [i for i in items if passes(i, filters, as_of)]


def _plain_item(
    kind: ItemKind,
    ref: str,
    claim_number: str,
    payer_id: int | None,
    amount: int,
    age: int,
    weights: QueueWeights,
    payers: dict[int, PayerFacts],
    *,
    detail: str = "",
    untouched: int | None = None,
    responsibility: int | None = None,
    claim_id: int | None = None,
    user_id: int | None = None,
) -> QueueItem:
    payer = payers.get(payer_id) if payer_id else None
    facts = QueueFacts(
        kind=kind,
        amount=amount,
        age_days=age,
        payer_code=payer.code if payer else "",
        financial_class=payer.financial_class if payer else ("self-pay" if responsibility == 0 else ""),
        untouched_days=age if untouched is None else untouched,
    )
    return QueueItem(
        kind=kind,
        ref=ref,
        claim_number=claim_number,
        responsibility=responsibility,
        payer=payer.code if payer else ("patient" if responsibility == 0 else ""),
        amount=amount,
        score=score(facts, weights),
        detail=detail,
        facts=facts,
        claim_id=claim_id,
        user_id=user_id,
        extra={"payer_id": payer_id},
    )


def _unapplied(db: Sql, as_of: date, weights: QueueWeights, payers: dict[int, PayerFacts]) -> list[QueueItem]:
    """Opened unapplied entries with money still open, except those an open exception
    holds (the exception is the work item for that money)."""
    rows = queue_sql.open_unapplied(db)
    items = []
    for entry_id, payer_id, left, reason, reference, effective in rows:
        if int(left) == 0:
            continue
        age = max(0, (as_of - day(effective)).days)
        items.append(
            _plain_item(
                ItemKind.UNAPPLIED,
                f"unapplied {entry_id}",
                reference,
                payer_id,
                abs(int(left)),
                age,
                weights,
                payers,
                detail=reason.replace("_", " "),
            )
        )
    return items


def credits(
    db: Sql, filters: ClaimFilters, as_of: date, weights: QueueWeights, payers: dict[int, PayerFacts], least: int
) -> list[QueueItem]:
    items = []
    rows = queue_sql.credit_rows(db, least=least, user_id=filters.user_id)
    for claim_id, number, service, user_id, resp, balance, since, payer_id in rows:
        items.append(
            _plain_item(
                ItemKind.CREDIT,
                number,
                number,
                payer_id if resp else None,
                -int(balance),
                (as_of - day(service)).days,
                weights,
                payers,
                untouched=(as_of - day(since)).days,
                responsibility=resp,
                claim_id=claim_id,
                user_id=user_id,
            )
        )
    return items


def passes(item: QueueItem, filters: ClaimFilters, as_of: date) -> bool:
    if filters.payer_ids is not None:
        payer_id = item.extra.get("payer_id") or (0 if item.responsibility == 0 else None)
        if payer_id not in filters.payer_ids:
            return False
    if filters.min_amount is not None and item.amount < filters.min_amount:
        return False
    if filters.service_from is not None or filters.service_to is not None:
        start = as_of.toordinal() - item.facts.age_days
        if filters.service_from is not None and start < filters.service_from.toordinal():
            return False
        if filters.service_to is not None and start > filters.service_to.toordinal():
            return False
    return True

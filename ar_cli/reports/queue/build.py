"""The collection work queue: what to touch next and why, read in one transaction.

Items: each claim responsibility that owes money (scored in the database by
store/queries/queue_scoring.py, only the rows that can reach the top: store/queries/queue_reach.py),
open remittance exceptions, unapplied money no exception holds and credit balances
(reports/queue/items.py). The SQL is store/queries/queue*.py's, run through store/sql.py,
not the ORM tables: the same statements run on an opened ledger's session or, for
`ar-cli queue` on a SQLite file, on a read-only sqlite3 connection that starts without
SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from ar_cli.domain.aging import parse_edges
from ar_cli.domain.codes.treatments import DenialCategory
from ar_cli.domain.errors import InputError, NotFoundError
from ar_cli.domain.payers import FinancialClass, TimelyFiling
from ar_cli.domain.queue.score import DeadlineKind, ItemKind, QueueFacts, QueueWeights, why
from ar_cli.domain.queue.weights import weights_from_settings
from ar_cli.reports.queue import items as queue_items
from ar_cli.reports.queue.items import QueueItem
from ar_cli.store.queries import lookups, queue_reach
from ar_cli.store.queries import queue as queue_rows
from ar_cli.store.queries import queue_scoring as queue_sql
from ar_cli.store.queries.queue_scoring import ClaimFilters, Dialect, PayerFacts
from ar_cli.store.queries.settings import current_settings
from ar_cli.store.sql import Sql, day, sql_of

if TYPE_CHECKING:
    from ar_cli.store import Session

_CANDIDATES_PER_SOURCE = 4  # × the limit: largest balances, oldest claims
_NEAR_DEADLINE_CANDIDATES = 20  # × the limit: nearest appeal deadlines and filing limits (they score most)


@dataclass(frozen=True, kw_only=True)
class QueueFilter:
    payer: str | None = None
    financial_class: str | None = None
    bucket: str | None = None
    category: str | None = None
    assignee: str | None = None
    min_amount: int | None = None
    kind: str | None = None
    limit: int | None = 50
    include_hidden: bool = False  # --all: claims waiting on a future follow-up too


@dataclass(frozen=True, kw_only=True)
class Queue:
    items: list[QueueItem]
    as_of: date
    weights: QueueWeights
    scored_rows: int  # claim rows the database scored (how much of the ledger was read)


def build_queue(source: Sql | Session, flt: QueueFilter, *, as_of: date) -> Queue:
    """The queue, read in the caller's transaction."""
    db = sql_of(source)
    settings = current_settings(db)
    weights = weights_from_settings(settings)
    payers = _payers(db)
    by_id = {p.id: p for p in payers}
    filters, kinds = _resolve(db, flt, as_of, settings, payers)
    d = Dialect(db.dialect)
    params = {
        **d.params(as_of),
        "category": filters.category,
        "user_id": filters.user_id,
        "min_amount": filters.min_amount,
    }
    for key in ("service_from", "service_to"):
        value = getattr(filters, key)
        params[key] = None if value is None else d.date_param(value)
    others = queue_items.other_items(db, filters, kinds, as_of, weights, by_id)

    def with_credits(items: list[QueueItem]) -> list[QueueItem]:
        """Credits that can reach the N-th best score so far (all of them without a limit)."""
        if ItemKind.CREDIT not in kinds or filters.category is not None:
            return items
        ranked = _top(items, flt.limit)
        least = 1
        if flt.limit is not None and len(ranked) >= flt.limit:
            least = queue_reach.least_credit(weights, payers, ranked[-1].score)
        if least is None:
            return items
        credits = [
            c
            for c in queue_items.credits(db, filters, as_of, weights, by_id, least)
            if queue_items.passes(c, filters, as_of)
        ]
        return items + credits

    def done(claims: list[QueueItem]) -> Queue:
        return Queue(
            items=_top(with_credits(claims + others), flt.limit, weights),
            as_of=as_of,
            weights=weights,
            scored_rows=len(claims),
        )

    def scored(candidates: str, extra: dict | None = None) -> list[QueueItem]:
        sql = queue_sql.scored_claims_sql(
            d,
            weights,
            payers,
            candidates=candidates,
            filters=filters,
            include_hidden=flt.include_hidden,
            limit=flt.limit,
        )
        return [_claim_item(row, weights, by_id) for row in db.rows(sql, {**params, **(extra or {})})]

    if ItemKind.CLAIM not in kinds:
        return done([])
    if filters.category is not None:  # the denials of that category are every candidate
        return done(scored(queue_rows.category_candidates()))
    if flt.limit is None:
        return done(scored(queue_reach.EVERYTHING))
    seed, extra = queue_reach.seed(
        d, weights, payers, as_of, flt.limit * _CANDIDATES_PER_SOURCE, flt.limit * _NEAR_DEADLINE_CANDIDATES
    )
    found = {(i.claim_id, i.responsibility): i for i in scored(seed, extra)}
    ranked = _top(list(found.values()) + others, flt.limit)
    threshold = ranked[-1].score if len(ranked) >= flt.limit else None
    rest, extra = queue_reach.reach(d, weights, payers, as_of, threshold)
    if rest:
        for item in scored(rest, extra):
            found[(item.claim_id, item.responsibility)] = item
    return done(list(found.values()))


def _top(items: list[QueueItem], limit: int | None, weights: QueueWeights | None = None) -> list[QueueItem]:
    """Best first; with weights, the rows kept also get their why (only they are shown)."""
    items = sorted(items, key=QueueItem.sort_key)
    kept = items if limit is None else items[:limit]
    if weights is None:
        return kept
    return [replace(i, why=why(i.facts, weights, detail=i.detail)) for i in kept]


def _claim_item(row, weights: QueueWeights, payers: dict[int, PayerFacts]) -> QueueItem:
    (
        claim_id,
        number,
        resp,
        amount,
        payer_id,
        user_id,
        age,
        untouched,
        no_resp,
        filing_left,
        appeal_left,
        appeal_passed,
        catrank,
        due_in,
        sql_score,
    ) = row
    payer = payers.get(payer_id)
    code = payer.code if payer else ""
    klass = payer.financial_class if payer else ("self-pay" if payer_id == 0 else "")
    ahead = [
        (v, kind)
        for v, kind in ((appeal_left, DeadlineKind.APPEAL), (filing_left, DeadlineKind.FILING))
        if v is not None and v >= 0
    ]
    passed = [
        (v, kind)
        for v, kind in ((appeal_passed, DeadlineKind.APPEAL), (filing_left, DeadlineKind.FILING))
        if v is not None and v < 0
    ]
    deadline = (
        min(ahead, key=lambda x: (x[0], x[1] != DeadlineKind.APPEAL))
        if ahead
        else (max(passed, key=lambda x: x[0]) if passed else (None, DeadlineKind.APPEAL))
    )
    facts = QueueFacts(
        kind=ItemKind.CLAIM,
        amount=int(amount),
        age_days=int(age),
        payer_code=code,
        financial_class=klass,
        denial_category=queue_sql.decode_category(catrank, queue_sql.category_codes(weights)),
        deadline_days=deadline[0],
        deadline_kind=deadline[1],
        days_without_response=None if no_resp is None else int(no_resp),
        untouched_days=int(untouched),
    )
    return QueueItem(
        kind=ItemKind.CLAIM,
        ref=number,
        claim_number=number,
        responsibility=int(resp),
        payer=code or ("patient" if resp == 0 else ""),
        amount=int(amount),
        score=int(sql_score),
        facts=facts,
        claim_id=int(claim_id),
        user_id=user_id,
        follow_up_in=None if due_in is None else int(due_in),
    )


# -- inputs -----------------------------------------------------------------------------


def _payers(db: Sql) -> list[PayerFacts]:
    return [
        PayerFacts(id=i, code=code, financial_class=klass, filing=TimelyFiling(count=count, unit=unit))
        for i, code, klass, count, unit in queue_rows.payer_rows(db)
    ]


def _resolve(
    db: Sql, flt: QueueFilter, as_of: date, settings: dict[str, str], payers: list[PayerFacts]
) -> tuple[ClaimFilters, set[ItemKind]]:
    kinds = set(ItemKind)
    if flt.kind:
        try:
            kinds = {ItemKind(flt.kind.strip().lower())}
        except ValueError:
            raise InputError(f"--kind: {flt.kind!r} is not one of {', '.join(k.value for k in ItemKind)}") from None
    payer_ids: set[int] | None = None
    if flt.payer:
        payer_ids = {lookups.payer_id(db, flt.payer)}
    if flt.financial_class:
        wanted = flt.financial_class.strip().lower()
        if wanted not in {c.value for c in FinancialClass}:
            raise InputError(
                f"--financial-class: {flt.financial_class!r} is not one of {', '.join(c.value for c in FinancialClass)}"
            )
        ids = {p.id for p in payers if p.financial_class == wanted} | ({0} if wanted == "self-pay" else set())
        payer_ids = ids if payer_ids is None else payer_ids & ids
    service_from = service_to = None
    if flt.bucket:
        edges = parse_edges(settings["aging.buckets"], option="config aging.buckets")
        labels = edges.labels()
        if flt.bucket.strip() not in labels:
            raise InputError(f"--bucket: {flt.bucket!r} is not one of {', '.join(labels)}")
        index = labels.index(flt.bucket.strip())
        service_to = date.fromordinal(as_of.toordinal() - edges.lower(index))
        if index < len(edges.edges):
            service_from = date.fromordinal(as_of.toordinal() - edges.edges[index])
    category = None
    if flt.category:
        category = flt.category.strip().lower()
        if category not in {c.value for c in DenialCategory}:
            raise InputError(f"--category: {flt.category!r} is not one of {', '.join(c.value for c in DenialCategory)}")
        kinds &= {ItemKind.CLAIM}
    user_id = None
    if flt.assignee:
        user_id = queue_rows.user_id(db, flt.assignee.strip())
        if user_id is None:
            raise NotFoundError(f"--assignee: user {flt.assignee.strip()!r} does not exist (see `ar-cli users list`)")
    if flt.min_amount is not None and flt.min_amount < 0:
        raise InputError("--min-balance must not be negative")
    filters = ClaimFilters(
        payer_ids=None if payer_ids is None else tuple(sorted(payer_ids)),
        service_from=service_from,
        service_to=service_to,
        category=category,
        user_id=user_id,
        min_amount=flt.min_amount,
    )
    return filters, kinds


def add_details(source: Sql | Session, items: list[QueueItem], as_of: date) -> None:
    """Patient, assignee and the next follow-up of the rows about to be shown."""
    db = sql_of(source)
    claim_ids = sorted({i.claim_id for i in items if i.claim_id is not None})
    if not claim_ids:
        return
    people = {cid: (last, first, user) for cid, last, first, user in queue_rows.people(db, claim_ids)}
    follow: dict[int, tuple[date, str]] = {}
    for cid, due, action in queue_rows.open_follow_ups(db, claim_ids):
        follow.setdefault(cid, (day(due), action))
    for item in items:
        if item.claim_id is None:
            continue
        last, first, user = people.get(item.claim_id, ("", "", None))
        due, action = follow.get(item.claim_id, (None, ""))
        item.extra.update(
            {
                "patient_name": f"{last}, {first}" if first else last,
                "assignee": user or "",
                "follow_up": due,
                "follow_up_action": action,
            }
        )

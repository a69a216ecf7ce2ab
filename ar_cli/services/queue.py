"""The collection work queue: what to touch next and why, read in one transaction.

Items: each claim responsibility that owes money (scored in the database, see
services/queue_sql.py), open remittance exceptions, unapplied money no exception holds,
and credit balances (scored here with the same pure functions: there are few).

Finding the top N of a million claims without scoring each one. A claim row's score is
at most money(balance) + age + no_response + untouched + payer (their full points) —
unless it has an open denial or a filing limit near, and those rows are few and are
always scored. So:
1. score the few rows that could be near the top: rows with an open denial, billed
   claims whose filing limit may be near, the largest balances and the oldest open
   claims; with the other kinds, that gives the N-th best score T;
2. any other row reaching T needs money(balance) >= T − (the rest at full), i.e. a
   balance of at least B: the balance index finds those, and they are scored too.
When T is low (a young ledger, narrow filters) B is 0 and every row is scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import bindparam, text
from sqlmodel import Session

from ar_cli.domain.aging import parse_edges
from ar_cli.domain.claims import responsibility_name
from ar_cli.domain.errors import InputError, NotFoundError
from ar_cli.domain.payers import FinancialClass, TimelyFiling
from ar_cli.domain.queue_score import DeadlineKind, ItemKind, QueueFacts, QueueWeights, score, why
from ar_cli.domain.queue_settings import weights_from_settings
from ar_cli.domain.treatments import DenialCategory
from ar_cli.services import queue_sql
from ar_cli.services.queue_sql import ClaimFilters, Dialect, PayerFacts
from ar_cli.domain.settings import SETTINGS

KIND_ORDER = {ItemKind.CLAIM: 0, ItemKind.CREDIT: 1, ItemKind.EXCEPTION: 2, ItemKind.UNAPPLIED: 3}
_CANDIDATES_PER_SOURCE = 4  # × the limit: largest balances, oldest claims
_NEAR_DEADLINE_CANDIDATES = 20  # × the limit: nearest appeal deadlines and filing limits (they score most)
_CLOSING_REASONS = ("applied", "interest_income")
OPEN_STATUSES = ("billed", "partially_paid", "paid", "denied", "appealed", "credit")


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
class QueueItem:
    kind: ItemKind
    ref: str               # claim number, 'exception 3', 'unapplied 7'
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
        return (-self.score, -self.amount, KIND_ORDER[self.kind], self.claim_number or self.ref,
                self.responsibility or 0, self.ref)


@dataclass(frozen=True, kw_only=True)
class Queue:
    items: list[QueueItem]
    as_of: date
    weights: QueueWeights
    scored_rows: int  # claim rows the database scored (how much of the ledger was read)


def build_queue(session: Session, flt: QueueFilter, *, as_of: date) -> Queue:
    settings = _settings(session)
    weights = weights_from_settings(settings)
    payers = _payers(session)
    by_id = {p.id: p for p in payers}
    filters, kinds = _resolve(session, flt, as_of, settings, payers)
    d = Dialect(session.get_bind().dialect.name)
    params = {**d.params(as_of), "category": filters.category, "user_id": filters.user_id,
              "min_amount": filters.min_amount}
    for key in ("service_from", "service_to"):
        value = getattr(filters, key)
        params[key] = None if value is None else d.date_param(value)
    others = _other_items(session, flt, filters, kinds, as_of, weights, by_id)

    def with_credits(items: list[QueueItem]) -> list[QueueItem]:
        """Credits that can reach the N-th best score so far (all of them without a limit)."""
        if ItemKind.CREDIT not in kinds or filters.category is not None:
            return items
        ranked = _top(items, flt.limit)
        least = 1
        if flt.limit is not None and len(ranked) >= flt.limit:
            least = _least_credit(weights, payers, ranked[-1].score)
        if least is None:
            return items
        credits = [c for c in _credits(session, filters, as_of, weights, by_id, least) if _passes(c, filters, as_of)]
        return items + credits

    if ItemKind.CLAIM not in kinds:
        return Queue(items=_top(with_credits(others), flt.limit, weights), as_of=as_of, weights=weights,
                     scored_rows=0)

    def scored(candidates: str, extra: dict | None = None) -> list[QueueItem]:
        sql = queue_sql.scored_claims_sql(d, weights, payers, candidates=candidates, filters=filters,
                                          include_hidden=flt.include_hidden, limit=flt.limit)
        rows = queue_sql.run(session, sql, {**params, **(extra or {})})
        return [_claim_item(row, weights, by_id) for row in rows]

    everything = "SELECT claim_id, responsibility FROM claim_balance WHERE balance > 0"
    if filters.category is not None:  # the denials of that category are every candidate
        claims = scored("SELECT claim_id, responsibility FROM denial WHERE status = 'open' AND category = :category")
        return Queue(items=_top(with_credits(claims + others), flt.limit, weights), as_of=as_of, weights=weights,
                     scored_rows=len(claims))
    if flt.limit is None:
        claims = scored(everything)
        return Queue(items=_top(with_credits(claims + others), None, weights), as_of=as_of, weights=weights, scored_rows=len(claims))
    seed, extra = _seed(d, weights, payers, as_of, flt.limit * _CANDIDATES_PER_SOURCE,
                        flt.limit * _NEAR_DEADLINE_CANDIDATES)
    found = {(i.claim_id, i.responsibility): i for i in scored(seed, extra)}
    ranked = _top(list(found.values()) + others, flt.limit)
    threshold = ranked[-1].score if len(ranked) >= flt.limit else None
    rest, extra = _reach(d, weights, payers, as_of, threshold)
    if rest:
        for item in scored(rest, extra):
            found[(item.claim_id, item.responsibility)] = item
    return Queue(items=_top(with_credits(list(found.values()) + others), flt.limit, weights), as_of=as_of,
                 weights=weights,
                 scored_rows=len(found))


def _seed(d: Dialect, weights: QueueWeights, payers: list[PayerFacts], as_of: date,
          k: int, near: int) -> tuple[str, dict]:
    """A few rows likely near the top, k from each source: the largest balances, the
    oldest claims of each open status, the nearest appeal deadlines and filing limits."""
    parts = [f"SELECT * FROM (SELECT claim_id, responsibility FROM denial WHERE status = 'open' "
             f"AND appeal_deadline >= :as_of ORDER BY appeal_deadline LIMIT {near}) near_appeal"]
    extra: dict = {}
    span = queue_sql.filing_candidate_range(payers, as_of, weights.window)
    if span is not None:
        parts.append(f"SELECT b.claim_id, b.responsibility FROM (SELECT id FROM claim WHERE status = 'billed' "
                     f"AND first_service_date BETWEEN :filing_from AND :filing_to ORDER BY first_service_date "
                     f"LIMIT {near}) near_limit JOIN claim_balance b ON b.claim_id = near_limit.id "
                     f"AND b.responsibility > 0")
        extra = {"filing_from": d.date_param(span[0]), "filing_to": d.date_param(span[1])}
    for resp in (0, 1, 2, 3):
        parts.append(f"SELECT * FROM (SELECT claim_id, responsibility FROM claim_balance "
                     f"WHERE responsibility = {resp} AND balance > 0 ORDER BY balance DESC LIMIT {k}) big{resp}")
    # The oldest claims of each status that can owe money (index claim(status, first_service_date)).
    for status in OPEN_STATUSES:
        parts.append(f"SELECT b.claim_id, b.responsibility FROM (SELECT id FROM claim WHERE status = '{status}' "
                     f"ORDER BY first_service_date LIMIT {k}) old_{status} "
                     f"JOIN claim_balance b ON b.claim_id = old_{status}.id")
    return " UNION ".join(parts), extra


def _reach(d: Dialect, weights: QueueWeights, payers: list[PayerFacts], as_of: date,
           threshold: int | None) -> tuple[str | None, dict]:
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
    everything = "SELECT claim_id, responsibility FROM claim_balance WHERE balance > 0"
    if threshold is None:
        return everything, {}
    p = weights.points
    top_payer = max([weights.payer_points(x.code, x.financial_class) for x in payers]
                    + [weights.payer_points("", "self-pay"), 0])
    need = threshold - (p["age"] + p["no_response"] + p["untouched"] + top_payer)
    if need <= 0:
        return everything, {}
    parts, extra = [], {}
    if need <= p["money"]:
        parts.append("SELECT claim_id, responsibility FROM claim_balance "
                     "WHERE responsibility IN (0, 1, 2, 3) AND balance >= :least_balance")
        extra["least_balance"] = max(1, -(-need * weights.money_full_cents // p["money"]))
    denial = p["denial"] + max([weights.category_points(c) for c in weights.category] + [0])
    money = f"{p['money']} * {d.least('b.balance', str(weights.money_full_cents))} / {weights.money_full_cents}"
    window = weights.window
    if need - denial <= 0:
        parts.append("SELECT claim_id, responsibility FROM denial WHERE status = 'open'")
    elif need - denial <= p["money"] + p["deadline"]:
        # money(balance) + its appeal deadline's points must reach need − denial; the
        # balance alone is checked first (cheap), the deadline's points after.
        left = d.days_until("dn.appeal_deadline")
        points = (f"CASE WHEN dn.appeal_deadline >= :as_of AND {left} <= {window} "
                  f"THEN {p['deadline']} * ({window} - {left}) / {window} ELSE 0 END")
        parts.append("SELECT dn.claim_id, dn.responsibility FROM denial dn JOIN claim_balance b "
                     "ON b.claim_id = dn.claim_id AND b.responsibility = dn.responsibility "
                     f"WHERE dn.status = 'open' AND b.balance >= :denial_least "
                     f"AND {money} + {points} >= {need - denial}")
        extra["denial_least"] = _least_for(weights, need - denial - p["deadline"])
    filing_days = _days_for(weights, need - p["money"])
    span = queue_sql.filing_candidate_range(payers, as_of, weights.window if filing_days is None or filing_days < 0
                                            else filing_days)
    if filing_days is not None and span is not None:
        # money(balance) + the filing limit's points must reach need: the balance alone
        # first (before the coverage is read), the limit's points after.
        points = f"CASE WHEN fl BETWEEN 0 AND {window} THEN {p['deadline']} * ({window} - fl) / {window} ELSE 0 END"
        parts.append("SELECT claim_id, responsibility FROM ("
                     "SELECT b.claim_id, b.responsibility, b.balance AS balance, "
                     f"{queue_sql.filing_left_sql(d, payers)} AS fl "
                     "FROM claim c JOIN claim_balance b ON b.claim_id = c.id AND b.responsibility > 0 "
                     "JOIN coverage cov ON cov.claim_id = c.id AND cov.rank = b.responsibility "
                     "WHERE c.status = 'billed' AND c.first_service_date BETWEEN :reach_from AND :reach_to "
                     f"AND b.balance >= :filing_least) b WHERE {money} + {points} >= {need}")
        extra.update({"reach_from": d.date_param(span[0]), "reach_to": d.date_param(span[1]),
                      "filing_least": _least_for(weights, need - p["deadline"])})
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


def _top(items: list[QueueItem], limit: int | None, weights: QueueWeights | None = None) -> list[QueueItem]:
    """Best first; with weights, the rows kept also get their why (only they are shown)."""
    items = sorted(items, key=QueueItem.sort_key)
    kept = items if limit is None else items[:limit]
    if weights is None:
        return kept
    return [replace(i, why=why(i.facts, weights, detail=i.detail)) for i in kept]


def _claim_item(row, weights: QueueWeights, payers: dict[int, PayerFacts]) -> QueueItem:
    (claim_id, number, resp, amount, payer_id, user_id, age, untouched, no_resp, filing_left,
     appeal_left, appeal_passed, catrank, due_in, sql_score) = row
    payer = payers.get(payer_id)
    code = payer.code if payer else ""
    klass = payer.financial_class if payer else ("self-pay" if payer_id == 0 else "")
    ahead = [(v, kind) for v, kind in ((appeal_left, DeadlineKind.APPEAL), (filing_left, DeadlineKind.FILING))
             if v is not None and v >= 0]
    passed = [(v, kind) for v, kind in ((appeal_passed, DeadlineKind.APPEAL), (filing_left, DeadlineKind.FILING))
              if v is not None and v < 0]
    deadline = min(ahead, key=lambda x: (x[0], x[1] != DeadlineKind.APPEAL)) if ahead else \
        (max(passed, key=lambda x: x[0]) if passed else (None, DeadlineKind.APPEAL))
    facts = QueueFacts(kind=ItemKind.CLAIM, amount=int(amount), age_days=int(age), payer_code=code,
                       financial_class=klass,
                       denial_category=queue_sql.decode_category(catrank, queue_sql.category_codes(weights)),
                       deadline_days=deadline[0], deadline_kind=deadline[1],
                       days_without_response=None if no_resp is None else int(no_resp),
                       untouched_days=int(untouched))
    return QueueItem(kind=ItemKind.CLAIM, ref=number, claim_number=number, responsibility=int(resp),
                     payer=code or ("patient" if resp == 0 else ""), amount=int(amount), score=int(sql_score),
                     facts=facts, claim_id=int(claim_id), user_id=user_id,
                     follow_up_in=None if due_in is None else int(due_in))


# -- the other kinds, scored here -------------------------------------------------------

def _other_items(session: Session, flt: QueueFilter, filters: ClaimFilters, kinds: set[ItemKind], as_of: date,
                 weights: QueueWeights, payers: dict[int, PayerFacts]) -> list[QueueItem]:
    items: list[QueueItem] = []
    if filters.category is not None:
        return items
    if filters.user_id is not None:
        return items  # exceptions and unapplied money are nobody's yet
    if ItemKind.EXCEPTION in kinds:
        for ex_id, kind, number, payer_id, amount, created in session.execute(text(
                "SELECT id, kind, claim_number, payer_id, amount, created_at FROM exception_record "
                "WHERE status = 'open' ORDER BY id")):
            age = max(0, (as_of - _day(created)).days)  # held after an as-of in the past: new
            items.append(_plain_item(ItemKind.EXCEPTION, f"exception {ex_id}", number, payer_id,
                                     abs(int(amount)), age, weights, payers, detail=kind.replace("_", " ")))
    if ItemKind.UNAPPLIED in kinds:
        items.extend(_unapplied(session, as_of, weights, payers))
    return [i for i in items if _passes(i, filters, as_of)]


def _plain_item(kind: ItemKind, ref: str, claim_number: str, payer_id: int | None, amount: int, age: int,
                weights: QueueWeights, payers: dict[int, PayerFacts], *, detail: str = "",
                untouched: int | None = None, responsibility: int | None = None,
                claim_id: int | None = None, user_id: int | None = None) -> QueueItem:
    payer = payers.get(payer_id) if payer_id else None
    facts = QueueFacts(kind=kind, amount=amount, age_days=age, payer_code=payer.code if payer else "",
                       financial_class=payer.financial_class if payer else
                       ("self-pay" if responsibility == 0 else ""),
                       untouched_days=age if untouched is None else untouched)
    return QueueItem(kind=kind, ref=ref, claim_number=claim_number, responsibility=responsibility,
                     payer=payer.code if payer else ("patient" if responsibility == 0 else ""), amount=amount,
                     score=score(facts, weights), detail=detail, facts=facts,
                     claim_id=claim_id, user_id=user_id, extra={"payer_id": payer_id})


def _unapplied(session: Session, as_of: date, weights: QueueWeights,
               payers: dict[int, PayerFacts]) -> list[QueueItem]:
    """Opened unapplied entries with money still open, except those an open exception
    holds (the exception is the work item for that money)."""
    closing = ", ".join(f"'{r}'" for r in _CLOSING_REASONS)
    rows = session.execute(text(
        "SELECT u.id, u.payer_id, u.amount + COALESCE(a.applied, 0), u.reason, u.reference, u.effective_date "
        "FROM unapplied_entry u "
        "LEFT JOIN (SELECT applies_id, SUM(amount) AS applied FROM unapplied_entry "
        "           WHERE applies_id IS NOT NULL GROUP BY applies_id) a ON a.applies_id = u.id "
        f"WHERE u.reason NOT IN ({closing}) AND (u.exception_id IS NULL OR u.exception_id NOT IN "
        "(SELECT id FROM exception_record WHERE status = 'open')) ORDER BY u.id")).all()
    items = []
    for entry_id, payer_id, left, reason, reference, effective in rows:
        if int(left) == 0:
            continue
        age = max(0, (as_of - _day(effective)).days)
        items.append(_plain_item(ItemKind.UNAPPLIED, f"unapplied {entry_id}", reference, payer_id,
                                 abs(int(left)), age, weights, payers, detail=reason.replace("_", " ")))
    return items


def _least_credit(weights: QueueWeights, payers: list[PayerFacts], threshold: int) -> int | None:
    """The smallest credit (cents) that can score `threshold`; None: no credit can."""
    p = weights.points
    top_payer = max([weights.payer_points(x.code, x.financial_class) for x in payers]
                    + [weights.payer_points("", "self-pay"), 0])
    need = threshold - (p["credit"] + p["age"] + p["untouched"] + top_payer)
    if need <= 0:
        return 1
    if need > p["money"]:
        return None
    return max(1, -(-need * weights.money_full_cents // p["money"]))


def _credits(session: Session, filters: ClaimFilters, as_of: date, weights: QueueWeights,
             payers: dict[int, PayerFacts], least: int) -> list[QueueItem]:
    sql = ("SELECT c.id, c.claim_number, c.first_service_date, c.assigned_user_id, b.responsibility, b.balance, "
           "b.responsible_since, cov.payer_id FROM claim_balance b JOIN claim c ON c.id = b.claim_id "
           "LEFT JOIN coverage cov ON cov.claim_id = b.claim_id AND cov.rank = b.responsibility "
           "WHERE b.responsibility IN (0, 1, 2, 3) AND b.balance <= :least")
    params: dict = {"least": -least}
    if filters.user_id is not None:
        sql += " AND c.assigned_user_id = :user_id"
        params["user_id"] = filters.user_id
    items = []
    for claim_id, number, service, user_id, resp, balance, since, payer_id in session.execute(text(sql), params):
        items.append(_plain_item(ItemKind.CREDIT, number, number, payer_id if resp else None, -int(balance),
                                 (as_of - _day(service)).days, weights, payers, untouched=(as_of - _day(since)).days,
                                 responsibility=resp, claim_id=claim_id, user_id=user_id))
    return items


def _passes(item: QueueItem, filters: ClaimFilters, as_of: date) -> bool:
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


# -- inputs -----------------------------------------------------------------------------

def _payers(session: Session) -> list[PayerFacts]:
    return [PayerFacts(id=i, code=code, financial_class=klass, filing=TimelyFiling(count=count, unit=unit))
            for i, code, klass, count, unit in session.execute(text(
                "SELECT id, code, financial_class, timely_filing_count, timely_filing_unit FROM payer ORDER BY id"))]


def _resolve(session: Session, flt: QueueFilter, as_of: date, settings: dict[str, str],
             payers: list[PayerFacts]) -> tuple[ClaimFilters, set[ItemKind]]:
    kinds = set(ItemKind)
    if flt.kind:
        try:
            kinds = {ItemKind(flt.kind.strip().lower())}
        except ValueError:
            raise InputError(f"--kind: {flt.kind!r} is not one of {', '.join(k.value for k in ItemKind)}") from None
    payer_ids: set[int] | None = None
    if flt.payer:
        payer_ids = {_find_payer(session, flt.payer)}
    if flt.financial_class:
        wanted = flt.financial_class.strip().lower()
        if wanted not in {c.value for c in FinancialClass}:
            raise InputError(f"--financial-class: {flt.financial_class!r} is not one of "
                             f"{', '.join(c.value for c in FinancialClass)}")
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
            raise InputError(f"--category: {flt.category!r} is not one of "
                             f"{', '.join(c.value for c in DenialCategory)}")
        kinds &= {ItemKind.CLAIM}
    user_id = None
    if flt.assignee:
        user_id = session.execute(text("SELECT id FROM app_user WHERE name = :name"),
                                  {"name": flt.assignee.strip()}).scalar()
        if user_id is None:
            raise NotFoundError(f"--assignee: user {flt.assignee.strip()!r} does not exist (see `ar-cli users list`)")
    if flt.min_amount is not None and flt.min_amount < 0:
        raise InputError("--min-balance must not be negative")
    filters = ClaimFilters(payer_ids=None if payer_ids is None else tuple(sorted(payer_ids)),
                           service_from=service_from, service_to=service_to, category=category,
                           user_id=user_id, min_amount=flt.min_amount)
    return filters, kinds


def add_details(session: Session, items: list[QueueItem], as_of: date) -> None:
    """Patient, assignee and the next follow-up of the rows about to be shown."""
    claim_ids = sorted({i.claim_id for i in items if i.claim_id is not None})
    if not claim_ids:
        return
    people = {cid: (last, first, user) for cid, last, first, user in session.execute(text(
        "SELECT c.id, p.last_name, p.first_name, u.name FROM claim c JOIN patient p ON p.id = c.patient_id "
        "LEFT JOIN app_user u ON u.id = c.assigned_user_id WHERE c.id IN :ids")
        .bindparams(bindparam("ids", expanding=True)), {"ids": claim_ids})}
    follow: dict[int, tuple[date, str]] = {}
    for cid, due, action in session.execute(text(
            "SELECT claim_id, due_on, action FROM follow_up WHERE status = 'open' AND claim_id IN :ids "
            "ORDER BY due_on, id").bindparams(bindparam("ids", expanding=True)), {"ids": claim_ids}):
        follow.setdefault(cid, (_day(due), action))
    for item in items:
        if item.claim_id is None:
            continue
        last, first, user = people.get(item.claim_id, ("", "", None))
        item.extra.update({"patient_name": f"{last}, {first}" if first else last, "assignee": user or "",
                           "follow_up": follow.get(item.claim_id, (None, ""))[0],
                           "follow_up_action": follow.get(item.claim_id, (None, ""))[1]})




def _day(value) -> date:
    """A date or timestamp as the driver returns it (SQLite: text; PostgreSQL: values)."""
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if hasattr(value, "date") and callable(value.date):
        return value.date()
    return value


def _settings(session: Session) -> dict[str, str]:
    """The team's settings (services/settings.py's view, read without the ORM tables:
    `ar-cli queue` imports only what it needs to start fast)."""
    stored = dict(session.execute(text("SELECT key, value FROM setting")).all())
    return {key: stored.get(key, spec.default) for key, spec in SETTINGS.items()}


def _find_payer(session: Session, key: str) -> int:
    """A payer id by code, exact name (any case) or alias (payers_repo.find_payer's rule)."""
    upper = key.strip().upper()
    found = session.execute(text("SELECT id FROM payer WHERE code = :k OR upper(name) = :k ORDER BY id"),
                            {"k": upper}).scalar()
    if found is None:
        found = session.execute(text("SELECT payer_id FROM payer_alias WHERE alias = :k"), {"k": upper}).scalar()
    if found is None:
        raise NotFoundError(f"payer {key!r} is not in the ledger (see `ar-cli payers list`)")
    return int(found)

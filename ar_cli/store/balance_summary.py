"""The open-balance summary: claim balances summed per owner, date of service, billed
date and sign (table open_balance_summary).

`aging` as of today reads a few thousand summary rows instead of a million balances.
It stays exact because every change to what it sums goes through `restating`: the
summary's share of the claims touched is taken before and after the change, and the
difference is added. Balances change only in `claims_repo.apply_balance_deltas`; the
facts a balance is filed under (claim dates, coverage payers) only in claim
corrections; both restate. `drift` compares the summary with a fresh grouping.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.dialects import postgresql
from sqlmodel import Session

from ar_cli.store.payers_repo import chunks
from ar_cli.store.tables import ClaimBalanceRow, ClaimRow, CoverageRow, OpenBalanceSummaryRow

PATIENT_KEY = -1
NO_COVERAGE_KEY = 0

Key = tuple[int, object, object, int]  # owner_key, service_date, billed_date, sign
_NESTED = "ar_cli.balance_summary.restating"


def _grouped(claim_ids: list[int] | None):
    """(owner_key, service_date, billed_date, sign, amount, count) of non-zero balances,
    of the given claims (or all)."""
    cb, claim, cov = ClaimBalanceRow.__table__, ClaimRow.__table__, CoverageRow.__table__
    owner = case((cb.c.responsibility == 0, literal(PATIENT_KEY)), else_=func.coalesce(cov.c.payer_id, NO_COVERAGE_KEY))
    sign = case((cb.c.balance < 0, -1), else_=1)
    stmt = (
        select(
            owner.label("owner_key"),
            claim.c.first_service_date,
            claim.c.billed_date,
            sign.label("sign"),
            func.sum(cb.c.balance),
            func.count(),
        )
        .select_from(
            cb.join(claim, claim.c.id == cb.c.claim_id).outerjoin(
                cov, and_(cov.c.claim_id == cb.c.claim_id, cov.c.rank == cb.c.responsibility)
            )
        )
        .where(cb.c.balance != 0)
        .group_by(owner, claim.c.first_service_date, claim.c.billed_date, sign)
    )
    if claim_ids is not None:
        stmt = stmt.where(cb.c.claim_id.in_(claim_ids))
    return stmt


def _shares(session: Session, claim_ids: list[int]) -> dict[Key, tuple[int, int]]:
    """The summary's share of these claims: key → (amount, count)."""
    amounts: Counter[Key] = Counter()
    counts: Counter[Key] = Counter()
    for part in chunks(claim_ids, 5000):
        for owner, served, billed, sign, amount, n in session.execute(_grouped(part)):
            key = (int(owner), _day(served), _day(billed), int(sign))
            amounts[key] += int(amount)
            counts[key] += int(n)
    return {k: (amounts[k], counts[k]) for k in amounts}


def _day(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@contextmanager
def restating(session: Session, claim_ids: Iterable[int]) -> Iterator[None]:
    """Wrap any change to these claims' balances, dates or coverages: the summary gets
    the difference. Re-entrant: an inner restating (a correction posting entries) is
    covered by the outer one."""
    if session.info.get(_NESTED):
        yield
        return
    ids = sorted(set(claim_ids))
    session.info[_NESTED] = True
    try:
        before = _shares(session, ids)
        yield
        session.flush()
        after = _shares(session, ids)
    finally:
        session.info.pop(_NESTED, None)
    _add(
        session,
        {
            k: (after.get(k, (0, 0))[0] - before.get(k, (0, 0))[0], after.get(k, (0, 0))[1] - before.get(k, (0, 0))[1])
            for k in set(before) | set(after)
        },
    )


def owner_key(responsibility: int, payer_id: int | None) -> int:
    """What a balance is filed under: the patient, the payer of the coverage at that
    rank, or an insurance rank with no coverage."""
    if responsibility == 0:
        return PATIENT_KEY
    return NO_COVERAGE_KEY if payer_id is None else payer_id


def restate_known(session: Session, changes: Iterable[tuple[int, str, str, int, int]]) -> None:
    """The summary's difference for balance changes the caller knows exactly:
    (owner key, service date, billed date as ISO text, balance before, balance after)
    each. What `restating` finds by grouping the balances before and after, without
    reading them: posting holds both (a thousand claims a batch, two grouping queries
    each, cost more than the rest of the batch's reads)."""
    if session.info.get(_NESTED):
        return  # an outer restating covers this change
    deltas: dict[Key, list[int]] = {}
    for owner, served, billed, before, after in changes:
        if before == after:
            continue  # filed under the same key, it changes nothing
        if before:
            key = (owner, served, billed, -1 if before < 0 else 1)
            d = deltas.get(key)
            if d is None:
                d = deltas[key] = [0, 0]
            d[0] -= before
            d[1] -= 1
        if after:
            key = (owner, served, billed, -1 if after < 0 else 1)
            d = deltas.get(key)
            if d is None:
                d = deltas[key] = [0, 0]
            d[0] += after
            d[1] += 1
    _add(session, {k: (v[0], v[1]) for k, v in deltas.items()})


def _add(session: Session, deltas: dict[Key, tuple[int, int]]) -> None:
    rows: list[dict[str, Any]] = [
        {
            "owner_key": k[0],
            "service_date": k[1],
            "billed_date": k[2],
            "sign": k[3],
            "amount": amount,
            "balance_count": n,
        }
        for k, (amount, n) in sorted(deltas.items())
        if amount or n
    ]
    if not rows:
        return
    table = OpenBalanceSummaryRow.__table__
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql(
            "INSERT INTO open_balance_summary (owner_key, service_date, billed_date, sign, amount, balance_count) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (owner_key, service_date, billed_date, sign) DO UPDATE SET "
            "amount = open_balance_summary.amount + excluded.amount, "
            "balance_count = open_balance_summary.balance_count + excluded.balance_count",
            [tuple(r.values()) for r in rows],
        )
    else:
        from datetime import date

        for r in rows:
            r["service_date"], r["billed_date"] = (
                date.fromisoformat(r["service_date"]),
                date.fromisoformat(r["billed_date"]),
            )
        stmt = postgresql.insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.owner_key, table.c.service_date, table.c.billed_date, table.c.sign],
            set_={
                "amount": table.c.amount + stmt.excluded.amount,
                "balance_count": table.c.balance_count + stmt.excluded.balance_count,
            },
        )
        session.execute(stmt, rows)
    session.execute(table.delete().where(table.c.balance_count == 0))


def rebuild(session: Session) -> int:
    """Replace the summary with a fresh grouping of every balance; returns its rows."""
    table = OpenBalanceSummaryRow.__table__
    session.execute(table.delete())
    grouped = _grouped(None).subquery()
    session.execute(
        table.insert().from_select(
            ["owner_key", "service_date", "billed_date", "sign", "amount", "balance_count"], select(grouped)
        )
    )
    return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def drift(session: Session) -> list[str]:
    """Where the summary disagrees with a fresh grouping of the balances (empty: none)."""
    fresh = {
        (int(o), _day(s), _day(b), int(g)): (int(a), int(n)) for o, s, b, g, a, n in session.execute(_grouped(None))
    }
    t = OpenBalanceSummaryRow.__table__
    kept = {
        (int(o), _day(s), _day(b), int(g)): (int(a), int(n))
        for o, s, b, g, a, n in session.execute(
            select(t.c.owner_key, t.c.service_date, t.c.billed_date, t.c.sign, t.c.amount, t.c.balance_count)
        )
    }
    problems = []
    for key in sorted(set(fresh) | set(kept)):
        if fresh.get(key) != kept.get(key):
            problems.append(
                f"open_balance_summary {key}: holds {kept.get(key, (0, 0))}, balances give {fresh.get(key, (0, 0))}"
            )
    return problems

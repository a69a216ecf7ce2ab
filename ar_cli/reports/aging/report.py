"""Aging: open balances in age buckets, grouped by payer, class, patient, provider or claim.

What is aged is each (claim, responsibility) balance. Grouping and bucketing run in the
database, in one statement, the same on SQLite and PostgreSQL:

1. open balances: the cached `claim_balance` rows when nothing was posted after the
   as-of date (they are then exactly the sums), else those rows less the `ledger_entry`
   rows posted after it (= the entries posted on or before it) — so a month-end aging
   run later ties to the ledger as it stood;
2. each balance gets its bucket by comparing its basis date with cut-off dates computed
   here (age <= 30 exactly when date >= as_of − 30 days): no date arithmetic in SQL. A
   credit (negative balance) gets bucket −1 and never enters a bucket;
3. GROUP BY (group key, bucket), then the group's labels are joined: a handful
   of rows per group come back, which `aging_report` only pivots.

As of today by payer or financial class, from the date of service or billing, the
balances are not read one by one: `open_balance_summary` (store/balance_summary.py)
holds them summed per owner and dates, kept exact by every posting, and steps 2–3 run
over its few thousand rows (`summary_serves`) in one plain SQL statement
(store/summary_reader.py) that reports/aging/today.py also runs on a SQLite file
without SQLAlchemy. The query and the report built from the sums live in
reports/aging/layout.py, shared by both.

By payer, an insurance balance sits under the payer of the claim's coverage at that
responsibility's rank (today's coverages, also for a past date); patient balances make
the 'Patient' row.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, null, select
from sqlmodel import Session

from ar_cli.domain.aging import (
    CREDIT_BUCKET,
    OVER_DAYS,
    AgedSum,
    Basis,
    BucketEdges,
    GroupBy,
    Party,
    parse_edges,
)
from ar_cli.reports.aging.layout import (
    Aging,
    AgingQuery,
    aged_sums,
    aging_from_sums,
    summary_serves,
)
from ar_cli.services.settings import get_setting
from ar_cli.store.payers_repo import find_payer
from ar_cli.store.reads import SessionReads
from ar_cli.store.summary_reader import aged_summary_sql, posted_after
from ar_cli.store.tables import (
    ClaimBalanceRow,
    ClaimRow,
    CoverageRow,
    LedgerEntryRow,
    PatientRow,
    PayerRow,
)


def aging_report(session: Session, query: AgingQuery) -> Aging:
    edges = resolve_edges(session, query.edges)
    sums, from_entries = aging_sums(session, query, edges)
    return aging_from_sums(query, edges, sums, from_entries=from_entries)


def resolve_edges(session: Session, edges: BucketEdges | None) -> BucketEdges:
    if edges is not None:
        return edges
    return parse_edges(get_setting(session, "aging.buckets"), option="config aging.buckets")


def needs_entries(session: Session, as_of: date) -> bool:
    """True when something was posted after `as_of`: cached balances are not its sums."""
    return posted_after(SessionReads(session), as_of)


def aging_sums(session: Session, query: AgingQuery, edges: BucketEdges) -> tuple[list[AgedSum], bool]:
    """Sums and counts per (group, bucket), with the group's labels; and whether
    the balances were summed from entries (a past date) rather than read from the cache."""
    from_entries = needs_entries(session, query.as_of)
    if not from_entries and summary_serves(query):
        sql, params = aged_summary_sql(
            basis=query.basis, group_by=query.group_by, party=query.party, edges=edges, as_of=query.as_of,
            payer_id=find_payer(session, query.payer).id if query.payer else None,
            financial_class=query.financial_class)
        return aged_sums(SessionReads(session).rows(sql, params), query, edges), False
    balances = _open_balances(query, from_entries)
    claim, cov, payer = ClaimRow.__table__, CoverageRow.__table__, PayerRow.__table__
    by_payer = query.group_by in (GroupBy.PAYER, GroupBy.FINANCIAL_CLASS)
    needs_cov = by_payer or bool(query.payer or query.financial_class)
    needs_payer = query.group_by == GroupBy.FINANCIAL_CLASS or bool(query.financial_class)
    needs_claim = query.basis != Basis.RESPONSIBILITY or query.group_by in (GroupBy.PATIENT, GroupBy.PROVIDER)

    source = balances
    if needs_claim:
        # "+ 0" keeps SQLite from driving the join from claim's date index and probing the
        # balances at random (10× slower on a large ledger): balances are scanned in order
        # and each claim is found by its rowid. PostgreSQL plans a hash join either way.
        source = source.join(claim, claim.c.id == balances.c.claim_id + 0)
    if needs_cov:
        source = source.outerjoin(cov, and_(cov.c.claim_id == balances.c.claim_id,
                                            cov.c.rank == balances.c.responsibility))
    if needs_payer:
        source = source.outerjoin(payer, payer.c.id == cov.c.payer_id)
    if query.basis == Basis.LAST_PAYMENT:
        paid = _last_payments(query.as_of)
        source = source.outerjoin(paid, and_(paid.c.claim_id == balances.c.claim_id,
                                             paid.c.responsibility == balances.c.responsibility))
        when = func.coalesce(paid.c.paid_on, claim.c.billed_date)
    elif query.basis == Basis.RESPONSIBILITY:
        when = balances.c.since
    else:
        when = claim.c.first_service_date if query.basis == Basis.SERVICE else claim.c.billed_date

    bucket = case((balances.c.balance < 0, CREDIT_BUCKET),
                  *[(when >= cut, i) for i, cut in enumerate(edges.cutoffs(query.as_of))],
                  else_=edges.count - 1)
    insurance = balances.c.responsibility > 0
    # Two grouping columns, not three (every sort column costs on a million balances): by
    # payer, the patient is key -1 and an insurance balance with no coverage at its rank 0;
    # by class, the patient is NULL and no coverage ''.
    key = {
        GroupBy.PAYER: lambda: case((insurance, func.coalesce(cov.c.payer_id, 0)), else_=-1),
        GroupBy.FINANCIAL_CLASS: lambda: case((insurance, func.coalesce(payer.c.financial_class, "")),
                                              else_=null()),
        GroupBy.PATIENT: lambda: claim.c.patient_id,
        GroupBy.PROVIDER: lambda: case((claim.c.rendering_npi != "", claim.c.rendering_npi),
                                       else_=claim.c.billing_npi),
        GroupBy.CLAIM: lambda: balances.c.claim_id,
    }[query.group_by]()
    # Over 90 days is a sum of whole buckets when 90 is an edge; else one more column.
    over_buckets = edges.over(OVER_DAYS)
    old = None if over_buckets else case(
        (and_(balances.c.balance > 0, when < query.as_of - timedelta(days=OVER_DAYS)), balances.c.balance),
        else_=0)
    per_balance = select(key.label("key"), bucket.label("bucket"), balances.c.balance.label("balance"),
                         *([old.label("old")] if old is not None else [])).select_from(source)
    if query.payer:
        per_balance = per_balance.where(cov.c.payer_id == find_payer(session, query.payer).id)
    if query.financial_class:
        per_balance = per_balance.where(payer.c.financial_class == query.financial_class)
    aged = per_balance.subquery("aged")
    over = func.sum(aged.c.old) if old is not None else literal(0)
    grouped = (select(aged.c.key, aged.c.bucket, func.sum(aged.c.balance).label("amount"),
                      func.count().label("n"), over.label("over"))
               .group_by(aged.c.key, aged.c.bucket).subquery("grouped"))
    return aged_sums(session.execute(_with_labels(grouped, query.group_by)), query, edges), from_entries


def _with_labels(grouped, group_by: GroupBy):
    """The grouped sums joined to what names each group (few rows: cheap)."""
    cols = [grouped.c.key, grouped.c.bucket, grouped.c.amount, grouped.c.n, grouped.c.over]
    if group_by == GroupBy.PAYER:
        payer = PayerRow.__table__
        return (select(*cols, payer.c.code, payer.c.name)
                .select_from(grouped.outerjoin(payer, payer.c.id == grouped.c.key)))
    if group_by == GroupBy.PATIENT:
        patient = PatientRow.__table__
        return (select(*cols, patient.c.account, patient.c.last_name, patient.c.first_name)
                .select_from(grouped.join(patient, patient.c.id == grouped.c.key)))
    if group_by == GroupBy.CLAIM:
        claim, patient = ClaimRow.__table__, PatientRow.__table__
        return (select(*cols, claim.c.claim_number, patient.c.account, patient.c.last_name,
                       patient.c.first_name)
                .select_from(grouped.join(claim, claim.c.id == grouped.c.key)
                             .join(patient, patient.c.id == claim.c.patient_id)))
    return select(*cols)


def _open_balances(query: AgingQuery, from_entries: bool):
    """(claim_id, responsibility, balance, since) of every non-zero balance on as_of."""
    cb, le = ClaimBalanceRow.__table__, LedgerEntryRow.__table__
    if not from_entries:
        stmt = select(cb.c.claim_id, cb.c.responsibility, cb.c.balance,
                      cb.c.responsible_since.label("since")).where(cb.c.balance != 0)
        stmt = _party_filter(stmt, cb.c.responsibility, query.party)
        if query.min_balance:
            stmt = stmt.where(func.abs(cb.c.balance) >= query.min_balance)
        return stmt.subquery("balances")
    # As it stood on as_of = today's cached balance less what was posted after as_of:
    # a past month-end reads the month's few entries, not the whole ledger. Every
    # (claim, responsibility) that ever had an entry has a balance row (zero or not).
    later = (select(le.c.claim_id, le.c.responsibility, func.sum(le.c.amount).label("amount"))
             .where(le.c.posting_date > query.as_of)
             .group_by(le.c.claim_id, le.c.responsibility).subquery("later"))
    balance = cb.c.balance - func.coalesce(later.c.amount, 0)
    stmt = (select(cb.c.claim_id, cb.c.responsibility, balance.label("balance"),
                   cb.c.responsible_since.label("since"))
            .select_from(cb.outerjoin(later, and_(later.c.claim_id == cb.c.claim_id,
                                                  later.c.responsibility == cb.c.responsibility)))
            .where(balance != 0))
    stmt = _party_filter(stmt, cb.c.responsibility, query.party)
    if query.min_balance:
        stmt = stmt.where(func.abs(balance) >= query.min_balance)
    return stmt.subquery("balances")


def _party_filter(stmt, column, party: Party):
    if party == Party.INSURANCE:
        return stmt.where(column > 0)
    if party == Party.PATIENT:
        return stmt.where(column == 0)
    return stmt


def _last_payments(as_of: date):
    """Each (claim, responsibility)'s latest payment — its effective date, the check or
    EFT date — among entries posted on or before as_of. A reversal is not a payment."""
    le = LedgerEntryRow.__table__
    return (select(le.c.claim_id, le.c.responsibility, func.max(le.c.effective_date).label("paid_on"))
            .where(le.c.kind == "payment", le.c.amount < 0, le.c.reverses_id.is_(None),
                   le.c.posting_date <= as_of)
            .group_by(le.c.claim_id, le.c.responsibility).subquery("paid"))


def snapshot_measure(session: Session, as_of: date, edges: BucketEdges) -> list[AgedSum]:
    """What `aging snapshot` stores: every balance by payer, aged from the date of service."""
    return aging_sums(session, AgingQuery(as_of=as_of, edges=edges), edges)[0]

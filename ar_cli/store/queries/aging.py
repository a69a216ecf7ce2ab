"""Aging's SQL: open balances summed per (group, bucket), one builder for every case.

`aged_rows` answers every aging — today or a past date, SQLite or PostgreSQL, through an
opened ledger's session or a read-only sqlite3 connection (store/read_only.py, the fast
start-up of `ar-cli aging`) — with the same statement text for the same question:

1. open balances: the cached `claim_balance` rows when nothing was posted after the
   as-of date (they are then exactly the sums), else those rows less the `ledger_entry`
   rows posted after it (= the entries posted on or before it), so a month-end aging
   run later ties to the ledger as it stood;
2. each balance gets its bucket by comparing its basis date with cut-off dates computed
   here (age <= 30 exactly when date >= as_of − 30 days): no date arithmetic in SQL. A
   credit (negative balance) gets CREDIT_BUCKET and never enters a bucket;
3. GROUP BY (group key, bucket), then the group's labels are joined: a handful of rows
   per group come back.

As of today by payer or financial class, from the date of service or billing, with no
minimum balance (`use_summary`), the balances are not read one by one:
`open_balance_summary` (store/balance_summary.py) holds them summed per owner and dates,
kept exact by every posting, and steps 2–3 run over its few thousand rows.

Rows: (key, bucket, amount, count, over, *labels). Bucket numbers and the patient's key
are this code's integers, written into the SQL; dates and the user's values are parameters.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ar_cli.domain.aging import CREDIT_BUCKET, OVER_DAYS, Basis, BucketEdges, GroupBy, Party
from ar_cli.store.sql import Sql, day

PATIENT_KEY = -1  # the summary's owner key of patient balances (balance_summary.PATIENT_KEY)
SUMMARY_BASES = (Basis.SERVICE, Basis.BILLED)
SUMMARY_GROUPS = (GroupBy.PAYER, GroupBy.FINANCIAL_CLASS)


def posted_after(db: Sql, as_of: date) -> bool:
    """Whether anything was posted after `as_of` (cached balances are then not its sums)."""
    # The tables behind the ledger_entry view (revision 0010), posting first: through the
    # view, SQLite's planner (no statistics) reads every entry for these two.
    latest = day(
        db.scalar(
            "SELECT max(p.posting_date) FROM posting AS p "
            "WHERE EXISTS (SELECT 1 FROM posting_entry AS e WHERE e.posting_id = p.id)"
        )
    )
    return latest is not None and latest > as_of


def aged_rows(
    db: Sql,
    *,
    basis: Basis,
    group_by: GroupBy,
    party: Party,
    edges: BucketEdges,
    as_of: date,
    payer_id: int | None = None,
    financial_class: str | None = None,
    min_balance: int | None = None,
    from_entries: bool,
) -> list[tuple]:
    """The aging's rows. `from_entries`: something was posted after `as_of` (`posted_after`),
    so the balances are today's less those entries; otherwise the cache (and, when it
    holds what is asked, its summary) serves."""
    if not from_entries and summary_serves(basis, group_by, min_balance):
        sql, params = aged_summary_sql(
            basis=basis,
            group_by=group_by,
            party=party,
            edges=edges,
            as_of=as_of,
            payer_id=payer_id,
            financial_class=financial_class,
        )
    else:
        sql, params = aged_balances_sql(
            basis=basis,
            group_by=group_by,
            party=party,
            edges=edges,
            as_of=as_of,
            payer_id=payer_id,
            financial_class=financial_class,
            min_balance=min_balance,
            from_entries=from_entries,
        )
    return db.rows(sql, params)


def summary_serves(basis: Basis, group_by: GroupBy, min_balance: int | None) -> bool:
    """Whether the open-balance summary holds what this aging needs (as of a date with
    nothing posted after it): it keeps balances per owner and dates, not each balance, its
    start of responsibility or its last payment."""
    return basis in SUMMARY_BASES and group_by in SUMMARY_GROUPS and not min_balance


def aged_summary_sql(
    *,
    basis: Basis,
    group_by: GroupBy,
    party: Party,
    edges: BucketEdges,
    as_of: date,
    payer_id: int | None = None,
    financial_class: str | None = None,
) -> tuple[str, dict]:
    """Steps 2–3 over the open-balance summary. By payer the key is the owner key (−1 the
    patient, 0 no coverage at that rank) and the labels are the payer's code and name; by
    financial class the key is the class ('' no coverage, NULL the patient), no labels.
    `over` is the part older than OVER_DAYS, for when 90 days is not an edge."""
    if basis not in SUMMARY_BASES or group_by not in SUMMARY_GROUPS:
        raise ValueError(f"the summary cannot age by {group_by} from {basis}")
    when = "s.service_date" if basis == Basis.SERVICE else "s.billed_date"
    params: dict[str, Any] = {"old_cut": as_of - timedelta(days=OVER_DAYS)}
    cases = []
    for i, cut in enumerate(edges.cutoffs(as_of)):
        params[f"cut{i}"] = cut
        cases.append(f"WHEN {when} >= :cut{i} THEN {i:d}")
    bucket = f"CASE WHEN s.sign < 0 THEN {CREDIT_BUCKET:d} {' '.join(cases)} ELSE {edges.count - 1:d} END"
    by_class = group_by == GroupBy.FINANCIAL_CLASS
    key = (
        f"CASE WHEN s.owner_key = {PATIENT_KEY:d} THEN NULL ELSE coalesce(p.financial_class, '') END"
        if by_class
        else "s.owner_key"
    )
    where = []
    if party == Party.INSURANCE:
        where.append(f"s.owner_key <> {PATIENT_KEY:d}")
    elif party == Party.PATIENT:
        where.append(f"s.owner_key = {PATIENT_KEY:d}")
    if payer_id is not None:
        where.append("s.owner_key = :payer_id")
        params["payer_id"] = payer_id
    if financial_class is not None:
        where.append("p.financial_class = :financial_class")
        params["financial_class"] = financial_class
    grouped = (
        f"SELECT {key} AS owner, {bucket} AS bucket, sum(s.amount) AS amount, "
        f"sum(s.balance_count) AS balances, "
        f"sum(CASE WHEN s.sign > 0 AND {when} < :old_cut THEN s.amount ELSE 0 END) AS old "
        f"FROM open_balance_summary AS s"
        + (" LEFT OUTER JOIN payer AS p ON p.id = s.owner_key" if by_class or financial_class else "")
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + " GROUP BY 1, 2"
    )
    if by_class:
        return f"SELECT g.owner, g.bucket, g.amount, g.balances, g.old FROM ({grouped}) AS g", params
    return (
        f"SELECT g.owner, g.bucket, g.amount, g.balances, g.old, named.code, named.name "
        f"FROM ({grouped}) AS g LEFT OUTER JOIN payer AS named ON named.id = g.owner"
    ), params


def aged_balances_sql(
    *,
    basis: Basis,
    group_by: GroupBy,
    party: Party,
    edges: BucketEdges,
    as_of: date,
    payer_id: int | None = None,
    financial_class: str | None = None,
    min_balance: int | None = None,
    from_entries: bool = False,
) -> tuple[str, dict]:
    """Steps 1–3 over each (claim, responsibility) balance, for every basis and grouping."""
    params: dict[str, Any] = {}
    balances = _open_balances_sql(party, min_balance, from_entries, as_of, params)
    by_payer = group_by in (GroupBy.PAYER, GroupBy.FINANCIAL_CLASS)
    needs_cov = by_payer or payer_id is not None or bool(financial_class)
    needs_payer = group_by == GroupBy.FINANCIAL_CLASS or bool(financial_class)
    needs_claim = basis != Basis.RESPONSIBILITY or group_by in (GroupBy.PATIENT, GroupBy.PROVIDER)

    source = f"({balances}) AS balances"
    if needs_claim:
        # "+ 0" keeps SQLite from driving the join from claim's date index and probing the
        # balances at random (10× slower on a large ledger): balances are scanned in order
        # and each claim is found by its rowid. PostgreSQL plans a hash join either way.
        source += " JOIN claim ON claim.id = balances.claim_id + 0"
    if needs_cov:
        source += (
            " LEFT OUTER JOIN coverage AS cov ON cov.claim_id = balances.claim_id "
            "AND cov.rank = balances.responsibility"
        )
    if needs_payer:
        source += " LEFT OUTER JOIN payer ON payer.id = cov.payer_id"
    if basis == Basis.LAST_PAYMENT:
        # Each balance's latest payment (its effective date, the check or EFT date) among
        # the entries posted on or before as_of. A reversal is not a payment.
        params["paid_by"] = as_of
        source += (
            " LEFT OUTER JOIN (SELECT claim_id, responsibility, max(effective_date) AS paid_on "
            "FROM ledger_entry WHERE kind = 'payment' AND amount < 0 AND reverses_id IS NULL "
            "AND posting_date <= :paid_by GROUP BY claim_id, responsibility) AS paid "
            "ON paid.claim_id = balances.claim_id AND paid.responsibility = balances.responsibility"
        )
        when = "coalesce(paid.paid_on, claim.billed_date)"
    elif basis == Basis.RESPONSIBILITY:
        when = "balances.since"
    else:
        when = "claim.first_service_date" if basis == Basis.SERVICE else "claim.billed_date"

    cases = []
    for i, cut in enumerate(edges.cutoffs(as_of)):
        params[f"cut{i}"] = cut
        cases.append(f"WHEN {when} >= :cut{i} THEN {i:d}")
    bucket = f"CASE WHEN balances.balance < 0 THEN {CREDIT_BUCKET:d} {' '.join(cases)} ELSE {edges.count - 1:d} END"
    # Two grouping columns, not three (every sort column costs on a million balances): by
    # payer, the patient is key -1 and an insurance balance with no coverage at its rank 0;
    # by class, the patient is NULL and no coverage ''.
    key = {
        GroupBy.PAYER: f"CASE WHEN balances.responsibility > 0 THEN coalesce(cov.payer_id, 0) ELSE {PATIENT_KEY:d} END",
        GroupBy.FINANCIAL_CLASS: "CASE WHEN balances.responsibility > 0 THEN coalesce(payer.financial_class, '') "
        "ELSE NULL END",
        GroupBy.PATIENT: "claim.patient_id",
        GroupBy.PROVIDER: "CASE WHEN claim.rendering_npi <> '' THEN claim.rendering_npi ELSE claim.billing_npi END",
        GroupBy.CLAIM: "balances.claim_id",
    }[group_by]
    # Over 90 days is a sum of whole buckets when 90 is an edge; else one more column.
    old = ""
    if not edges.over(OVER_DAYS):
        params["old_cut"] = as_of - timedelta(days=OVER_DAYS)
        old = f", CASE WHEN balances.balance > 0 AND {when} < :old_cut THEN balances.balance ELSE 0 END AS old"
    where = []
    if payer_id is not None:
        where.append("cov.payer_id = :payer_id")
        params["payer_id"] = payer_id
    if financial_class:
        where.append("payer.financial_class = :financial_class")
        params["financial_class"] = financial_class
    per_balance = f"SELECT {key} AS grp, {bucket} AS bucket, balances.balance AS balance{old} FROM {source}" + (
        f" WHERE {' AND '.join(where)}" if where else ""
    )
    grouped = (
        f"SELECT aged.grp, aged.bucket, sum(aged.balance) AS amount, count(*) AS n, "
        f"{'sum(aged.old)' if old else '0'} AS old_sum FROM ({per_balance}) AS aged "
        "GROUP BY aged.grp, aged.bucket"
    )
    return _with_labels(grouped, group_by), params


def _open_balances_sql(
    party: Party, min_balance: int | None, from_entries: bool, as_of: date, params: dict[str, Any]
) -> str:
    """(claim_id, responsibility, balance, since) of every non-zero balance on as_of."""
    if from_entries:
        # As it stood on as_of = today's cached balance less what was posted after as_of:
        # a past month-end reads the month's few entries, not the whole ledger. Every
        # (claim, responsibility) that ever had an entry has a balance row (zero or not).
        # The entries are read through their postings' date index (revision 0010: through
        # the ledger_entry view, SQLite's planner, with no statistics, reads every entry).
        params["as_of"] = as_of
        balance = "cb.balance - coalesce(later.amount, 0)"
        source = (
            "claim_balance AS cb LEFT OUTER JOIN (SELECT e.claim_id, e.responsibility, sum(e.amount) AS amount "
            "FROM posting_entry AS e WHERE e.posting_id IN (SELECT id FROM posting WHERE posting_date > :as_of) "
            "GROUP BY e.claim_id, e.responsibility) AS later "
            "ON later.claim_id = cb.claim_id AND later.responsibility = cb.responsibility"
        )
    else:
        balance, source = "cb.balance", "claim_balance AS cb"
    where = [f"{balance} <> 0"]
    if party == Party.INSURANCE:
        where.append("cb.responsibility > 0")
    elif party == Party.PATIENT:
        where.append("cb.responsibility = 0")
    if min_balance:
        where.append(f"abs({balance}) >= :min_balance")
        params["min_balance"] = min_balance
    return (
        f"SELECT cb.claim_id, cb.responsibility, {balance} AS balance, cb.responsible_since AS since "
        f"FROM {source} WHERE {' AND '.join(where)}"
    )


def _with_labels(grouped: str, group_by: GroupBy) -> str:
    """The grouped sums joined to what names each group (few rows: cheap)."""
    cols = "g.grp, g.bucket, g.amount, g.n, g.old_sum"
    if group_by == GroupBy.PAYER:
        return f"SELECT {cols}, payer.code, payer.name FROM ({grouped}) AS g LEFT OUTER JOIN payer ON payer.id = g.grp"
    if group_by == GroupBy.PATIENT:
        return (
            f"SELECT {cols}, patient.account, patient.last_name, patient.first_name "
            f"FROM ({grouped}) AS g JOIN patient ON patient.id = g.grp"
        )
    if group_by == GroupBy.CLAIM:
        return (
            f"SELECT {cols}, claim.claim_number, patient.account, patient.last_name, patient.first_name "
            f"FROM ({grouped}) AS g JOIN claim ON claim.id = g.grp JOIN patient ON patient.id = claim.patient_id"
        )
    return f"SELECT {cols} FROM ({grouped}) AS g"


# -- stored snapshots (`aging snapshot`, `aging trend`) ------------------------------
def _snapshot_range(start: date | None, end: date | None, params: dict[str, Any]) -> list[str]:
    where = []
    if start is not None:
        where.append("as_of >= :start")
        params["start"] = start
    if end is not None:
        where.append("as_of <= :end")
        params["end"] = end
    return where


def snapshot_dates(db: Sql, *, start: date | None, end: date | None) -> list[tuple[date, str]]:
    """(as of, bucket edges) of each snapshot taken in the range, oldest first."""
    params: dict[str, Any] = {}
    where = _snapshot_range(start, end, params)
    rows = db.rows(
        "SELECT DISTINCT as_of, bucket_edges FROM aging_snapshot"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + " ORDER BY as_of",
        params,
    )
    return [(day(as_of), edges) for as_of, edges in rows]


def snapshot_sums(
    db: Sql, *, start: date | None, end: date | None, edges: str, payer_id: int | None
) -> list[tuple[date, int, int]]:
    """(as of, bucket, sum) of the snapshots taken in the range with these bucket edges
    (of one payer, when given)."""
    params: dict[str, Any] = {"edges": edges}
    where = [*_snapshot_range(start, end, params), "bucket_edges = :edges"]
    if payer_id is not None:
        where.append("payer_id = :payer_id")
        params["payer_id"] = payer_id
    rows = db.rows(
        f"SELECT as_of, bucket, sum(amount) FROM aging_snapshot WHERE {' AND '.join(where)} GROUP BY as_of, bucket",
        params,
    )
    return [(day(as_of), int(bucket), int(amount or 0)) for as_of, bucket, amount in rows]

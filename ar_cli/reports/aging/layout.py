"""What an aging asks and what it shows: the query, and the report built from the
database's sums per (group, bucket) — pivoted, sorted, with columns, totals and notes.

No database here (and no SQLAlchemy): reports/aging/report.py runs the queries
(store/queries/aging.py) through a session or, for the fast start-up, a SQLite file's
sqlite3 connection, and hands the rows to `aged_sums` and `aging_from_sums`, so every
format comes out the same whichever way the numbers were read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ar_cli.domain.aging import (
    OVER_DAYS,
    AgedSum,
    AgingLine,
    Basis,
    BucketEdges,
    GroupBy,
    Party,
    pivot,
    share,
    total_line,
)
from ar_cli.domain.money import format_money
from ar_cli.reports.report import Column, Kind, Report
from ar_cli.store.queries import aging as aging_sql

INSURANCE, PATIENT = 1, 0


@dataclass(frozen=True, kw_only=True)
class AgingQuery:
    as_of: date
    edges: BucketEdges | None = None  # None: the team's `aging.buckets` setting
    basis: Basis = Basis.SERVICE
    group_by: GroupBy = GroupBy.PAYER
    party: Party = Party.ALL
    payer: str | None = None  # code, alias or name: balances that payer owes
    financial_class: str | None = None  # balances owed by payers of this class
    min_balance: int = 0  # cents: smaller balances (either sign) are left out


@dataclass(kw_only=True)
class Aging:
    """The report, and what a renderer needs to dress it."""

    query: AgingQuery
    edges: BucketEdges
    report: Report
    label_keys: list[str]  # the columns that name a row (the rest are numbers)
    total: AgingLine
    from_entries: bool  # True: summed from entries posted on or before as_of


BASIS_WORDS = {
    Basis.SERVICE: "date of service",
    Basis.BILLED: "billed date",
    Basis.RESPONSIBILITY: "the day the party owing became responsible",
    Basis.LAST_PAYMENT: "last payment (else billed date)",
}
_LABELS: dict[GroupBy, list[Column]] = {
    GroupBy.PAYER: [Column(key="payer", title="Payer", kind=Kind.ID), Column(key="payer_name", title="Name")],
    GroupBy.FINANCIAL_CLASS: [Column(key="financial_class", title="Financial class")],
    GroupBy.PATIENT: [
        Column(key="patient_account", title="Account", kind=Kind.ID),
        Column(key="patient_name", title="Patient", phi=True),
    ],
    GroupBy.PROVIDER: [Column(key="provider_npi", title="Provider NPI", kind=Kind.ID)],
    GroupBy.CLAIM: [
        Column(key="claim_number", title="Claim", kind=Kind.ID),
        Column(key="patient_account", title="Account", kind=Kind.ID),
        Column(key="patient_name", title="Patient", phi=True),
    ],
}


def summary_serves(query: AgingQuery) -> bool:
    """Whether the open-balance summary holds what this aging needs (as of today): it
    keeps balances per owner and dates, not each balance, its start of responsibility
    or its last payment."""
    return aging_sql.summary_serves(query.basis, query.group_by, query.min_balance)


def aged_sums(rows: Iterable[tuple], query: AgingQuery, edges: BucketEdges) -> list[AgedSum]:
    """The database's (key, bucket, amount, count, over, *labels) rows as AgedSums, the
    grouping key's sentinels undone. `over` counts only when 90 days is not an edge
    (then whole buckets are over it)."""
    over_buckets = edges.over(OVER_DAYS)
    sums = []
    for key_value, b, amount, n, o, *labels in rows:
        party, key_value = _party_and_key(query.group_by, key_value)
        amount = int(amount)
        sums.append(
            AgedSum(
                party=party,
                key=key_value,
                bucket=int(b),
                amount=amount,
                count=int(n),
                over=amount if int(b) in over_buckets else int(o or 0),
                labels=tuple(labels),
            )
        )
    return sums


def _party_and_key(group_by: GroupBy, key):
    """Undo the sentinels of the grouping key: by payer the patient is −1 and no coverage
    at that rank 0; by financial class the patient is NULL and no coverage ''."""
    if group_by == GroupBy.PAYER:
        return (PATIENT, None) if key == -1 else (INSURANCE, key or None)
    if group_by == GroupBy.FINANCIAL_CLASS:
        return (PATIENT, None) if key is None else (INSURANCE, key or None)
    return INSURANCE, key


def aging_from_sums(query: AgingQuery, edges: BucketEdges, sums: list[AgedSum], *, from_entries: bool) -> Aging:
    lines = sorted(pivot(sums, edges.count), key=lambda line: _sort_key(query.group_by, line))
    total = total_line(lines, edges.count)
    label_columns = _LABELS[query.group_by]
    columns = [Column(key="kind", title="Kind"), *label_columns]
    for i in range(edges.count):
        columns += [
            Column(key=edges.key(i), title=edges.label(i), kind=Kind.MONEY),
            Column(key=f"{edges.key(i)}_count", title="#", kind=Kind.INT),
        ]
    columns += [
        Column(key="total", title="Total", kind=Kind.MONEY),
        Column(key="count", title="Balances", kind=Kind.INT),
        Column(key="share", title="Share", kind=Kind.PERCENT),
        Column(key="over_90", title=f"Over {OVER_DAYS}", kind=Kind.MONEY),
        Column(key="over_90_share", title=f"% over {OVER_DAYS}", kind=Kind.PERCENT),
        Column(key="credits", title="Credits", kind=Kind.MONEY),
        Column(key="credit_count", title="Credit #", kind=Kind.INT),
    ]
    rows = [_row(line, edges, total.total, _labels(query.group_by, line)) for line in lines]
    totals = _row(total, edges, total.total, {"kind": "total", label_columns[0].key: "Total"})
    notes = [
        f"As of {query.as_of.isoformat()} · age from {BASIS_WORDS[query.basis]} · "
        f"{query.party.value} balances · buckets {edges.text()} days"
    ]
    over = share(total.over, total.total)
    notes.append(
        f"AR over {OVER_DAYS} days: {format_money(total.over)} of {format_money(total.total)}"
        + (f" ({over * 100:.1f}%)" if over is not None else "")
    )
    if total.credit_count:
        notes.append(
            f"Credits, not in any bucket (owed back): {format_money(total.credits)} "
            f"in {total.credit_count} balance{'s' if total.credit_count != 1 else ''}"
        )
    report = Report(
        name="aging",
        title=f"Aging by {query.group_by.value} as of {query.as_of.isoformat()}",
        columns=columns,
        rows=rows,
        totals=totals,
        notes=notes,
    )
    return Aging(
        query=query,
        edges=edges,
        report=report,
        label_keys=[c.key for c in label_columns],
        total=total,
        from_entries=from_entries,
    )


def _row(line: AgingLine, edges: BucketEdges, grand_total: int, labels: dict) -> dict:
    row = dict(labels)
    for i in range(edges.count):
        row[edges.key(i)] = line.amounts[i]
        row[f"{edges.key(i)}_count"] = line.counts[i]
    row.update(
        total=line.total,
        count=line.count,
        share=share(line.total, grand_total),
        over_90=line.over,
        over_90_share=share(line.over, line.total),
        credits=line.credits,
        credit_count=line.credit_count,
    )
    return row


def _labels(group_by: GroupBy, line: AgingLine) -> dict:
    values = line.labels
    if group_by == GroupBy.PAYER:
        if line.party == PATIENT:
            return {"kind": "patient", "payer": "Patient", "payer_name": "patient balances"}
        if line.key is None:
            return {"kind": "unassigned", "payer": "(none)", "payer_name": "no coverage at that rank"}
        return {"kind": "payer", "payer": values[0], "payer_name": values[1]}
    if group_by == GroupBy.FINANCIAL_CLASS:
        if line.party == PATIENT:
            return {"kind": "patient", "financial_class": "Patient"}
        return {"kind": "financial_class", "financial_class": line.key or "(no coverage)"}
    if group_by == GroupBy.PATIENT:
        return {"kind": "patient", "patient_account": values[0], "patient_name": _name(*values[1:])}
    if group_by == GroupBy.PROVIDER:
        return {"kind": "provider", "provider_npi": line.key or "(none)"}
    return {
        "kind": "claim",
        "claim_number": values[0],
        "patient_account": values[1],
        "patient_name": _name(*values[2:]),
    }


def _name(last: str, first: str) -> str:
    return f"{last}, {first}" if first else last


def _sort_key(group_by: GroupBy, line: AgingLine) -> tuple:
    if group_by == GroupBy.PAYER:
        return (line.party == PATIENT, line.key is None, line.labels[0] or "")
    if group_by == GroupBy.FINANCIAL_CLASS:
        return (line.party == PATIENT, line.key is None, line.key or "")
    if group_by == GroupBy.PROVIDER:
        return (line.key or "",)
    return (line.labels[0],)

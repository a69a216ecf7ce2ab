"""Unapplied money per opened entry, as a report."""

from __future__ import annotations

from ar_cli.reports.report import Column, Kind, Report
from ar_cli.services.posting.unapplied import unapplied_rows
from ar_cli.store.database import Ledger


def unapplied_report(ledger: Ledger, *, payer: str | None, include_closed: bool) -> Report:
    with ledger.read() as session:
        rows = unapplied_rows(session, payer=payer, include_closed=include_closed)
    totals = {
        "id": "Total",
        "amount": sum(r["amount"] for r in rows),
        "applied": sum(r["applied"] for r in rows),
        "open": sum(r["open"] for r in rows),
    }
    return Report(
        name="unapplied",
        title="Unapplied money" if include_closed else "Open unapplied money",
        columns=[
            Column(key="id", title="Id", kind=Kind.ID),
            Column(key="payer", title="Payer"),
            Column(key="reason", title="Reason"),
            Column(key="reference", title="Reference", kind=Kind.ID),
            Column(key="trace", title="Trace", kind=Kind.ID),
            Column(key="exception", title="Exception", kind=Kind.ID),
            Column(key="date", title="Date", kind=Kind.DATE),
            Column(key="amount", title="Amount", kind=Kind.MONEY),
            Column(key="applied", title="Applied", kind=Kind.MONEY),
            Column(key="open", title="Open", kind=Kind.MONEY),
        ],
        rows=rows,
        totals=totals,
    )

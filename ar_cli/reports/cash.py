"""Cash collected per week: payments by the check or EFT date (the entries' effective
date), payers and patients apart. A reversal takes its money back in the week it was
posted against; refunds are not collections and are left out."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ar_cli.reports.report import Column, Kind, Report
from ar_cli.store.queries.cash import payments_by_day

if TYPE_CHECKING:
    from ar_cli.store import Session


def cash_by_week(session: Session, as_of: date, *, weeks: int = 12) -> Report:
    """The `weeks` weeks (Monday to Sunday) ending with the one holding as_of."""
    last_monday = as_of - timedelta(days=as_of.weekday())
    first = last_monday - timedelta(weeks=weeks - 1)
    sums: dict[date, dict[str, int]] = defaultdict(lambda: {"insurance": 0, "patient": 0})
    for day, responsibility, amount in payments_by_day(session, first=first, as_of=as_of):
        week = day - timedelta(days=day.weekday())
        sums[week]["insurance" if responsibility > 0 else "patient"] -= int(amount)  # a payment lowers what is owed
    rows = []
    for i in range(weeks):
        week = first + timedelta(weeks=i)
        got = sums[week]
        rows.append(
            {
                "week": week,
                "insurance": got["insurance"],
                "patient": got["patient"],
                "total": got["insurance"] + got["patient"],
            }
        )
    totals = {"week": "Total", **{k: sum(r[k] for r in rows) for k in ("insurance", "patient", "total")}}
    return Report(
        name="cash",
        title=f"Cash collected per week to {as_of.isoformat()}",
        columns=[
            Column(key="week", title="Week of", kind=Kind.DATE),
            Column(key="insurance", title="Payers", kind=Kind.MONEY),
            Column(key="patient", title="Patients", kind=Kind.MONEY),
            Column(key="total", title="Total", kind=Kind.MONEY),
        ],
        rows=rows,
        totals=totals,
        notes=["By check or EFT date; weeks run Monday to Sunday."],
    )

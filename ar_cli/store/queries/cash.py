"""Cash collected: payments summed per check or EFT date (the entries' effective date)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ar_cli.store.sql import day, sql_of


def payments_by_day(source: Any, *, first: date, as_of: date) -> list[tuple[date, int, int]]:
    """(effective date, responsibility, signed sum) of the payment entries dated from
    `first` to `as_of` and posted by `as_of`."""
    rows = sql_of(source).rows(
        "SELECT effective_date, responsibility, sum(amount) FROM ledger_entry WHERE kind = 'payment' "
        "AND effective_date >= :first AND effective_date <= :as_of AND posting_date <= :as_of "
        "GROUP BY effective_date, responsibility",
        {"first": first, "as_of": as_of},
    )
    return [(day(on), int(resp), int(amount)) for on, resp, amount in rows]

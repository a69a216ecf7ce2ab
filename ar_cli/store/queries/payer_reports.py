"""The payer list's questions: each payer's rules, and how many claims it covers and owes."""

from __future__ import annotations

from typing import Any

from ar_cli.store.sql import sql_of


def payer_list(source: Any) -> list[tuple[int, str, str, str, int, str]]:
    """(id, code, name, financial class, timely filing count, its unit) by code."""
    return sql_of(source).rows(
        "SELECT id, code, name, financial_class, timely_filing_count, timely_filing_unit FROM payer ORDER BY code"
    )


def claims_covered(source: Any) -> dict[int, int]:
    """{payer id: claims it covers at any rank}."""
    return {int(p): int(n) for p, n in sql_of(source).rows("SELECT payer_id, count(*) FROM coverage GROUP BY payer_id")}


def owed_now(source: Any) -> dict[int, int]:
    """{payer id: what the balances of its coverage ranks hold now}."""
    return {
        int(p): int(s or 0)
        for p, s in sql_of(source).rows(
            "SELECT cov.payer_id, sum(b.balance) FROM coverage cov JOIN claim_balance b "
            "ON b.claim_id = cov.claim_id AND b.responsibility = cov.rank GROUP BY cov.payer_id"
        )
    }

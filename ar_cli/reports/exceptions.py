"""Exceptions held for a human, as a report."""

from __future__ import annotations

from ar_cli.domain.errors import InputError
from ar_cli.reports.report import Column, Kind, Report
from ar_cli.services.exceptions import STATUSES
from ar_cli.store.database import Ledger
from ar_cli.store.queries.exceptions import held_exceptions


def exceptions_report(ledger: Ledger, *, status: str | None, kind: str | None) -> Report:
    if status and status not in STATUSES + ("all",):
        raise InputError(f"--status: {status!r} is not one of {', '.join(STATUSES)}, all")
    with ledger.read() as session:
        held = held_exceptions(session, status=None if status == "all" else (status or "open"), kind=kind)
        rows = [
            {
                "id": str(ex_id),
                "kind": ex_kind,
                "status": ex_status,
                "claim_number": number,
                "payer": payer or "",
                "amount": amount,
                "summary": summary,
                "source": f"{name} {ref}".strip() if name else ref,
                "created": created.date(),
            }
            for ex_id, ex_kind, ex_status, number, payer, amount, summary, name, ref, created in held
        ]
    return Report(
        name="exceptions",
        title="Exceptions",
        columns=[
            Column(key="id", title="Id", kind=Kind.ID),
            Column(key="kind", title="Kind"),
            Column(key="status", title="Status"),
            Column(key="claim_number", title="Claim", kind=Kind.ID),
            Column(key="payer", title="Payer"),
            Column(key="amount", title="Amount", kind=Kind.MONEY),
            Column(key="summary", title="What"),
            Column(key="source", title="Source"),
            Column(key="created", title="Held on", kind=Kind.DATE),
        ],
        rows=rows,
    )

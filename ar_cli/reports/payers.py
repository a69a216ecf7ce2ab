"""The payer list as a report: rules, ids, and what each payer owes now."""

from __future__ import annotations

from ar_cli.reports.report import Column, Kind, Report
from ar_cli.store import payers_repo
from ar_cli.store.database import Ledger
from ar_cli.store.queries import payer_reports


def payers_report(ledger: Ledger) -> Report:
    with ledger.read() as session:
        claims = payer_reports.claims_covered(session)
        owed = payer_reports.owed_now(session)
        rows = []
        for payer_id, code, name, klass, filing_count, filing_unit in payer_reports.payer_list(session):
            windows = payers_repo.appeal_windows(session, payer_id)
            rows.append(
                {
                    "code": code,
                    "name": name,
                    "financial_class": klass,
                    "timely_filing": f"{filing_count}{filing_unit}",
                    "appeal_windows": " ".join(f"{lvl}={days}" for lvl, days in windows.items() if lvl <= 3),
                    "aliases": " ".join(a for a in payers_repo.aliases_of(session, payer_id) if a != code),
                    "claims": claims.get(payer_id, 0),
                    "owed": owed.get(payer_id, 0),
                }
            )
    return Report(
        name="payers",
        title="Payers",
        columns=[
            Column(key="code", title="Code", kind=Kind.ID),
            Column(key="name", title="Name"),
            Column(key="financial_class", title="Class"),
            Column(key="timely_filing", title="Filing limit"),
            Column(key="appeal_windows", title="Appeal days (level=days)"),
            Column(key="aliases", title="Aliases"),
            Column(key="claims", title="Claims", kind=Kind.INT),
            Column(key="owed", title="Owes now", kind=Kind.MONEY),
        ],
        rows=rows,
    )

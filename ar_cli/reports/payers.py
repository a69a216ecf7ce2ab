"""The payer list as a report: rules, ids, and what each payer owes now."""

from __future__ import annotations

from sqlalchemy import func, select

from ar_cli.reports.report import Column, Kind, Report
from ar_cli.store import payers_repo
from ar_cli.store.database import Ledger
from ar_cli.store.tables import ClaimBalanceRow, CoverageRow, PayerRow


def payers_report(ledger: Ledger) -> Report:
    with ledger.read() as session:
        claims = dict(session.execute(select(CoverageRow.payer_id, func.count())
                                      .group_by(CoverageRow.payer_id)).all())
        owed = dict(session.execute(
            select(CoverageRow.payer_id, func.sum(ClaimBalanceRow.balance))
            .join(ClaimBalanceRow, (ClaimBalanceRow.claim_id == CoverageRow.claim_id)
                  & (ClaimBalanceRow.responsibility == CoverageRow.rank))
            .group_by(CoverageRow.payer_id)).all())
        rows = []
        for payer in session.execute(select(PayerRow).order_by(PayerRow.code)).scalars():
            windows = payers_repo.appeal_windows(session, payer.id)
            rows.append({
                "code": payer.code, "name": payer.name, "financial_class": payer.financial_class,
                "timely_filing": f"{payer.timely_filing_count}{payer.timely_filing_unit}",
                "appeal_windows": " ".join(f"{lvl}={days}" for lvl, days in windows.items() if lvl <= 3),
                "aliases": " ".join(a for a in payers_repo.aliases_of(session, payer.id) if a != payer.code),
                "claims": int(claims.get(payer.id, 0)), "owed": int(owed.get(payer.id) or 0)})
    return Report(name="payers", title="Payers", columns=[
        Column(key="code", title="Code", kind=Kind.ID), Column(key="name", title="Name"),
        Column(key="financial_class", title="Class"), Column(key="timely_filing", title="Filing limit"),
        Column(key="appeal_windows", title="Appeal days (level=days)"),
        Column(key="aliases", title="Aliases"), Column(key="claims", title="Claims", kind=Kind.INT),
        Column(key="owed", title="Owes now", kind=Kind.MONEY)], rows=rows)

"""Payer use cases: list them, change their rules, add the ids remittances use."""

from __future__ import annotations

from sqlalchemy import func, select

from ar_cli.domain.errors import InputError
from ar_cli.domain.payers import FinancialClass, TimelyFiling
from ar_cli.reports.report import Column, Kind, Report
from ar_cli.services.context import Actor
from ar_cli.store import payers_repo
from ar_cli.store.audit_chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.tables import (
    ClaimBalanceRow,
    CoverageRow,
    PayerAliasRow,
    PayerAppealWindowRow,
    PayerRow,
)


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


def set_payer(ledger: Ledger, key: str, *, actor: Actor, timely_filing: TimelyFiling | None,
              appeal_windows: list[tuple[int, int]], financial_class: FinancialClass | None,
              name: str | None) -> str:
    if not (timely_filing or appeal_windows or financial_class or name):
        raise InputError("payers set: nothing to change (give --timely-filing, --appeal-window, "
                         "--financial-class or --name)")
    with ledger.write() as session:
        payer = payers_repo.find_payer(session, key)
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        changes: dict[str, object] = {}
        if timely_filing:
            changes["timely_filing"] = [f"{payer.timely_filing_count}{payer.timely_filing_unit}",
                                        str(timely_filing)]
            payer.timely_filing_count, payer.timely_filing_unit = timely_filing.count, timely_filing.unit
        if financial_class:
            changes["financial_class"] = [payer.financial_class, str(financial_class)]
            payer.financial_class = str(financial_class)
        if name:
            changes["name"] = [payer.name, name]
            payer.name = name
        session.add(payer)
        for level, days in appeal_windows:
            row = session.execute(select(PayerAppealWindowRow).where(
                PayerAppealWindowRow.payer_id == payer.id, PayerAppealWindowRow.level == level)).scalar_one_or_none()
            changes[f"appeal_window_{level}"] = [row.days if row else None, days]
            if row is None:
                session.add(PayerAppealWindowRow(payer_id=payer.id, level=level, days=days))
            else:
                row.days = days
                session.add(row)
        rec.note_update("payer", payer.code, changes)
        session.flush()
        rec.finish(action="payers.set", entity="payer", entity_key=payer.code, details=changes)
        return payer.code


def add_alias(ledger: Ledger, key: str, alias: str, *, actor: Actor) -> str:
    alias = alias.strip().upper()
    if not alias:
        raise InputError("payers alias: the id is empty")
    with ledger.write() as session:
        payer = payers_repo.find_payer(session, key)
        taken = session.execute(select(PayerAliasRow).where(PayerAliasRow.alias == alias)).scalar_one_or_none()
        if taken is not None:
            if taken.payer_id == payer.id:
                return payer.code
            owner = session.get(PayerRow, taken.payer_id)
            raise InputError(f"payers alias: id {alias} already belongs to payer {owner.code}")
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        rec.insert(PayerAliasRow, [{"payer_id": payer.id, "alias": alias, "kind": "manual"}])
        rec.finish(action="payers.alias", entity="payer", entity_key=payer.code, details={"alias": alias})
        return payer.code

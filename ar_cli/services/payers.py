"""Payer use cases: list them, change their rules, add the ids remittances use."""

from __future__ import annotations

from sqlalchemy import select

from ar_cli.domain.errors import InputError
from ar_cli.domain.payers import FinancialClass, TimelyFiling
from ar_cli.services.context import Actor
from ar_cli.store import payers_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.tables import (
    PayerAliasRow,
    PayerAppealWindowRow,
    PayerRow,
)


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

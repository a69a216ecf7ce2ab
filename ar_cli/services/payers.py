"""Payer use cases: list them, change their rules, add the ids remittances use."""

from __future__ import annotations

from ar_cli.domain.errors import InputError
from ar_cli.domain.payers import FinancialClass, TimelyFiling
from ar_cli.services.context import Actor
from ar_cli.store import payers_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.rows import save
from ar_cli.store.tables import PayerAliasRow


def set_payer(
    ledger: Ledger,
    key: str,
    *,
    actor: Actor,
    timely_filing: TimelyFiling | None,
    appeal_windows: list[tuple[int, int]],
    financial_class: FinancialClass | None,
    name: str | None,
) -> str:
    if not (timely_filing or appeal_windows or financial_class or name):
        raise InputError(
            "payers set: nothing to change (give --timely-filing, --appeal-window, --financial-class or --name)"
        )
    with ledger.write() as session:
        payer = payers_repo.find_payer(session, key)
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        changes: dict[str, object] = {}
        if timely_filing:
            changes["timely_filing"] = [f"{payer.timely_filing_count}{payer.timely_filing_unit}", str(timely_filing)]
            payer.timely_filing_count, payer.timely_filing_unit = timely_filing.count, timely_filing.unit
        if financial_class:
            changes["financial_class"] = [payer.financial_class, str(financial_class)]
            payer.financial_class = str(financial_class)
        if name:
            changes["name"] = [payer.name, name]
            payer.name = name
        save(session, payer)
        for level, days in appeal_windows:
            changes[f"appeal_window_{level}"] = [payers_repo.set_appeal_window(session, payer.id, level, days), days]
        rec.note_update("payer", payer.code, changes)
        save(session)
        rec.finish(action="payers.set", entity="payer", entity_key=payer.code, details=changes)
        return payer.code


def add_alias(ledger: Ledger, key: str, alias: str, *, actor: Actor) -> str:
    alias = alias.strip().upper()
    if not alias:
        raise InputError("payers alias: the id is empty")
    with ledger.write() as session:
        payer = payers_repo.find_payer(session, key)
        owner = payers_repo.alias_owner(session, alias)
        if owner is not None:
            if owner.id == payer.id:
                return payer.code
            raise InputError(f"payers alias: id {alias} already belongs to payer {owner.code}")
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        rec.insert(PayerAliasRow, [{"payer_id": payer.id, "alias": alias, "kind": "manual"}])
        rec.finish(action="payers.alias", entity="payer", entity_key=payer.code, details={"alias": alias})
        return payer.code

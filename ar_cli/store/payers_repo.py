"""Payers, their aliases and appeal windows; patients. Never commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlmodel import Session

from ar_cli.domain.errors import NotFoundError
from ar_cli.domain.payers import DEFAULT_APPEAL_WINDOW_DAYS, class_from_name
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.tables import PatientRow, PayerAliasRow, PayerAppealWindowRow, PayerRow

_CHUNK = 500


def chunks(values: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def payers_by_code(session: Session, codes: Iterable[str]) -> dict[str, PayerRow]:
    wanted = sorted(set(codes))
    found: dict[str, PayerRow] = {}
    for part in chunks(wanted):
        for row in session.execute(select(PayerRow).where(PayerRow.code.in_(part))).scalars():
            found[row.code] = row
    return found


def find_payer(session: Session, key: str) -> PayerRow:
    """A payer by its code, an alias, or its exact name (case-insensitive)."""
    upper = key.strip().upper()
    row = session.execute(select(PayerRow).where(
        or_(PayerRow.code == upper, func.upper(PayerRow.name) == upper))).scalars().first()
    if row is None:
        alias = session.execute(select(PayerAliasRow).where(PayerAliasRow.alias == upper)).scalars().first()
        if alias is not None:
            row = session.get(PayerRow, alias.payer_id)
    if row is None:
        raise NotFoundError(f"payer {key!r} is not in the ledger (see `ar-cli payers list`)")
    return row


def create_payers(rec: ChangeRecorder, new: dict[str, str], now: datetime) -> dict[str, int]:
    """Create payers first seen (code → name) with DESIGN.md's defaults."""
    codes = sorted(new)
    rows = [{"code": c, "name": new[c], "financial_class": str(class_from_name(new[c])),
             "timely_filing_count": 12 if class_from_name(new[c]) == "medicare" else 365,
             "timely_filing_unit": "m" if class_from_name(new[c]) == "medicare" else "d",
             "created_at": now} for c in codes]
    ids = rec.insert(PayerRow, rows, returning_ids=True)
    rec.insert(PayerAliasRow, [{"payer_id": i, "alias": c, "kind": "code"} for c, i in zip(codes, ids)])
    return dict(zip(codes, ids))


def appeal_windows(session: Session, payer_id: int) -> dict[int, int]:
    rows = session.execute(select(PayerAppealWindowRow).where(
        PayerAppealWindowRow.payer_id == payer_id)).scalars()
    windows = {row.level: row.days for row in rows}
    return {level: windows.get(level, DEFAULT_APPEAL_WINDOW_DAYS) for level in (1, 2, 3, 4, 5)}


def aliases_of(session: Session, payer_id: int) -> list[str]:
    return list(session.execute(select(PayerAliasRow.alias).where(
        PayerAliasRow.payer_id == payer_id).order_by(PayerAliasRow.alias)).scalars())


def patients_by_account(session: Session, accounts: Iterable[str]) -> dict[str, PatientRow]:
    wanted = sorted(set(accounts))
    found: dict[str, PatientRow] = {}
    for part in chunks(wanted):
        for row in session.execute(select(PatientRow).where(PatientRow.account.in_(part))).scalars():
            found[row.account] = row
    return found

"""Payers, their aliases and appeal windows; patients. Never commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from ar_cli.domain.denials.appeals import AppealWindow
from ar_cli.domain.denials.appeals import appeal_windows as domain_appeal_windows
from ar_cli.domain.payers import DEFAULT_APPEAL_WINDOW_DAYS, FirstSight
from ar_cli.store import denials_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.queries import lookups
from ar_cli.store.sql import sql_of
from ar_cli.store.tables import PatientRow, PayerAliasRow, PayerAppealWindowRow, PayerRow

_CHUNK = 500


def chunks(values: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def payers_by_code(session: Session, codes: Iterable[str]) -> dict[str, PayerRow]:
    wanted = sorted(set(codes))
    found: dict[str, PayerRow] = {}
    for part in chunks(wanted):
        for row in session.execute(select(PayerRow).where(PayerRow.code.in_(part))).scalars():
            found[row.code] = row
    return found


def payer_by_id(session: Session, payer_id: int) -> PayerRow:
    return session.get(PayerRow, payer_id)


def find_payer(session: Session, key: str) -> PayerRow:
    """A payer by its code, an alias, or its exact name (case-insensitive): the rule of
    store/queries/lookups.payer_id, which the fast readers use too."""
    return session.get(PayerRow, lookups.payer_id(sql_of(session), key))


def create_payers(rec: ChangeRecorder, new: Sequence[FirstSight], now: datetime) -> dict[str, int]:
    """The one way a payer comes into the ledger, whether a charge file or a remittance
    names it first: class and filing limit by domain/payers.py's first-sight rule
    (CLP06, else the name), its aliases, and DESIGN.md's default appeal windows
    (absent rows: `appeal_windows`). Returns code → id."""
    rows = [
        {
            "code": p.code,
            "name": p.name,
            "financial_class": str(p.financial_class),
            "timely_filing_count": p.timely_filing.count,
            "timely_filing_unit": p.timely_filing.unit,
            "created_at": now,
        }
        for p in new
    ]
    ids = rec.insert(PayerRow, rows, returning_ids=True)
    rec.insert(
        PayerAliasRow,
        [{"payer_id": i, "alias": alias, "kind": p.alias_kind} for p, i in zip(new, ids) for alias in p.aliases],
    )
    return {p.code: i for p, i in zip(new, ids)}


def create_payer(rec: ChangeRecorder, new: FirstSight, now: datetime) -> PayerRow:
    """`create_payers` for one payer, returned as its row."""
    return rec.session.get(PayerRow, create_payers(rec, [new], now)[new.code])


def appeal_windows(session: Session, payer_id: int) -> dict[int, int]:
    """Days per level as `payers list` shows them: the configured ones, else DESIGN.md's
    default (every class)."""
    windows = denials_repo.configured_windows(session, payer_id)
    return {level: windows.get(level, DEFAULT_APPEAL_WINDOW_DAYS) for level in (1, 2, 3, 4, 5)}


def payer_appeal_windows(session: Session, payer: PayerRow) -> dict[int, AppealWindow]:
    """The windows denial deadlines count with: the payer's class's, its configured
    days replacing theirs (domain/denials/appeals.py)."""
    return domain_appeal_windows(payer.financial_class, denials_repo.configured_windows(session, payer.id))


def set_appeal_window(session: Session, payer_id: int, level: int, days: int) -> int | None:
    """Set the payer's appeal window at `level`; the days it replaced, None when unset."""
    row = session.execute(
        select(PayerAppealWindowRow).where(
            PayerAppealWindowRow.payer_id == payer_id, PayerAppealWindowRow.level == level
        )
    ).scalar_one_or_none()
    before = row.days if row else None
    if row is None:
        row = PayerAppealWindowRow(payer_id=payer_id, level=level, days=days)
    else:
        row.days = days
    session.add(row)
    return before


def alias_owner(session: Session, alias: str) -> PayerRow | None:
    """The payer an id already belongs to, if any."""
    taken = session.execute(select(PayerAliasRow).where(PayerAliasRow.alias == alias)).scalar_one_or_none()
    return None if taken is None else session.get(PayerRow, taken.payer_id)


def aliases_of(session: Session, payer_id: int) -> list[str]:
    return list(
        session.execute(
            select(PayerAliasRow.alias).where(PayerAliasRow.payer_id == payer_id).order_by(PayerAliasRow.alias)
        ).scalars()
    )


def patients_by_account(session: Session, accounts: Iterable[str]) -> dict[str, PatientRow]:
    wanted = sorted(set(accounts))
    found: dict[str, PatientRow] = {}
    for part in chunks(wanted):
        for row in session.execute(select(PatientRow).where(PatientRow.account.in_(part))).scalars():
            found[row.account] = row
    return found

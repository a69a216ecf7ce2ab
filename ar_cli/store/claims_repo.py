"""Reading claims as domain values, and the cached balances. Never commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from ar_cli.domain.claims import Claim, ClaimLine, Coverage
from ar_cli.domain.errors import NotFoundError
from ar_cli.store.payers_repo import chunks
from ar_cli.store.tables import (
    ClaimBalanceRow,
    ClaimLineRow,
    ClaimRow,
    CoverageRow,
    PatientRow,
    PayerRow,
)


def claims_by_number(session: Session, numbers: Iterable[str]) -> dict[str, Claim]:
    """Stored claims with coverages and lines, for the claim numbers that exist."""
    found: dict[str, Claim] = {}
    for part in chunks(sorted(set(numbers))):
        rows = session.execute(
            select(ClaimRow, PatientRow).join(PatientRow, PatientRow.id == ClaimRow.patient_id)
            .where(ClaimRow.claim_number.in_(part))).all()
        if not rows:
            continue
        ids = [claim.id for claim, _ in rows]
        coverages: dict[int, list[Coverage]] = defaultdict(list)
        for cov, payer in session.execute(
                select(CoverageRow, PayerRow).join(PayerRow, PayerRow.id == CoverageRow.payer_id)
                .where(CoverageRow.claim_id.in_(ids)).order_by(CoverageRow.rank)).all():
            coverages[cov.claim_id].append(Coverage(rank=cov.rank, payer_id=payer.id,
                                                    payer_code=payer.code, payer_name=payer.name,
                                                    member_id=cov.member_id))
        lines: dict[int, list[ClaimLine]] = defaultdict(list)
        for line in session.execute(select(ClaimLineRow).where(ClaimLineRow.claim_id.in_(ids))
                                    .order_by(ClaimLineRow.line_number)).scalars():
            lines[line.claim_id].append(ClaimLine(
                id=line.id, line_number=line.line_number, line_control_number=line.line_control_number,
                procedure_code=line.procedure_code,
                modifiers=tuple(m for m in line.modifiers.split(":") if m), units=line.units,
                charge=line.charge, service_from=line.service_from, service_to=line.service_to))
        for claim, patient in rows:
            found[claim.claim_number] = Claim(
                id=claim.id, claim_number=claim.claim_number, patient_id=patient.id,
                patient_account=patient.account, patient_last=patient.last_name,
                patient_first=patient.first_name, billed_date=claim.billed_date,
                first_service_date=claim.first_service_date, billing_npi=claim.billing_npi,
                rendering_npi=claim.rendering_npi, place_of_service=claim.place_of_service,
                frequency_code=claim.frequency_code, original_claim_ref=claim.original_claim_ref,
                status=claim.status, coverages=tuple(coverages[claim.id]),
                lines=tuple(lines[claim.id]))
    return found


def get_claim(session: Session, number: str) -> Claim:
    claim = claims_by_number(session, [number.strip()]).get(number.strip())
    if claim is None:
        raise NotFoundError(f"claim {number!r} is not in the ledger")
    return claim


def balances_of(session: Session, claim_id: int) -> dict[int, int]:
    rows = session.execute(select(ClaimBalanceRow.responsibility, ClaimBalanceRow.balance)
                           .where(ClaimBalanceRow.claim_id == claim_id)).all()
    return {resp: int(bal) for resp, bal in rows}


def apply_balance_deltas(session: Session, deltas: dict[tuple[int, int], int], *,
                         since: dict[tuple[int, int], date]) -> None:
    """Add each delta to its cached balance (`balance = balance + :delta`), creating
    the row when the responsibility is new. Same transaction as the entries."""
    if not deltas:
        return
    table = ClaimBalanceRow.__table__
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        # The bulk path: straight to sqlite3 (SQLAlchemy's per-row processing cost more).
        session.connection().exec_driver_sql(
            "INSERT INTO claim_balance (claim_id, responsibility, balance, responsible_since) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (claim_id, responsibility) "
            "DO UPDATE SET balance = claim_balance.balance + excluded.balance",
            [(claim_id, resp, int(delta), since[(claim_id, resp)].isoformat())
             for (claim_id, resp), delta in sorted(deltas.items())])
        return
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows = [{"claim_id": claim_id, "responsibility": resp, "balance": int(delta),
             "responsible_since": since[(claim_id, resp)]}
            for (claim_id, resp), delta in sorted(deltas.items())]
    stmt = make(table)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.claim_id, table.c.responsibility],
                                      set_={"balance": table.c.balance + stmt.excluded.balance})
    for part in chunks(rows, 5000):
        session.execute(stmt, part)


def claim_count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(ClaimRow)).scalar_one())

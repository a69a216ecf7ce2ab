"""Unapplied money: applying what a payer paid (or took back) to one of its claims.

An *opened* entry is money that arrived without a claim line (reason other than
'applied' or 'interest_income'); what is still open on it is its amount plus the
amounts of the entries that point at it (`applies_id`). Applying X of it (X has the
opened entry's sign) writes, in one audited transaction:

- a payment entry on the claim, on the payer's coverage rank, of −X: a payment
  (X > 0) lowers what the payer owes; a recoupment (X < 0) makes the payer owed again;
- an UnappliedEntryRow of −X, reason 'applied', pointing at the opened entry and at
  the claim entry, so the payer's unapplied account drops by the same amount.

Per remittance, claim payments + unapplied still equal BPR02 afterwards.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from ar_cli.domain.claims.records import Claim
from ar_cli.domain.errors import InputError, NotFoundError
from ar_cli.domain.money import cents_to_text
from ar_cli.services.context import Actor
from ar_cli.store import claims_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.periods_repo import ensure_period_open
from ar_cli.store.tables import (
    ExceptionRow,
    LedgerEntryRow,
    PayerRow,
    RemittanceRow,
    UnappliedEntryRow,
)

CLOSING_REASONS = ("applied", "interest_income")


@dataclass(frozen=True, kw_only=True)
class Applied:
    unapplied_id: int | None  # None: a parked zero payment, no money held
    claim_number: str
    payer: str
    rank: int
    amount: int          # taken out of unapplied (the opened entry's sign)
    claim_entry_id: int | None  # None when a whole claim payment posted (entries per line)
    open_after: int
    exception_id: int | None = None
    posted: object | None = None  # parked_payments.ParkedPosted when a whole payment posted


def open_amounts(session: Session, ids: list[int] | None = None) -> dict[int, int]:
    """Sum of the entries pointing at each opened entry (what has been applied/closed)."""
    stmt = (select(UnappliedEntryRow.applies_id, func.sum(UnappliedEntryRow.amount))
            .where(UnappliedEntryRow.applies_id.is_not(None)).group_by(UnappliedEntryRow.applies_id))
    if ids is not None:
        stmt = stmt.where(UnappliedEntryRow.applies_id.in_(ids))
    return {int(i): int(s) for i, s in session.execute(stmt)}


def apply_unapplied(ledger: Ledger, unapplied_id: int, *, claim_number: str, amount: int | None,
                    actor: Actor, posting_date: date) -> Applied:
    """Apply all (amount None) or `amount` (cents, > 0: a size; the entry decides the sign)."""
    if amount is not None and amount <= 0:
        raise InputError(f"--amount must be more than 0 (got {cents_to_text(amount)})")
    with ledger.write() as session:
        ensure_period_open(session, posting_date)
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        opened = _opened(session, unapplied_id)
        claim = claims_repo.get_claim(session, claim_number)
        result = _apply(session, rec, opened, claim, size=amount, actor=actor, posting_date=posting_date)
        rec.finish(action="unapplied.apply", entity="unapplied_entry", entity_key=str(unapplied_id),
                   details={"claim": claim.claim_number, "amount": result.amount,
                            "claim_entry_id": result.claim_entry_id})
        return result


def apply_exception(ledger: Ledger, exception_id: int, *, claim_number: str, actor: Actor,
                    posting_date: date) -> Applied:
    """An exception's money (and, for a parked ERA claim payment, the whole payment:
    services/era/parked.py) goes to the claim a person names; the exception is
    marked applied."""
    from ar_cli.services.era.parked import parked_payment, post_parked

    with ledger.write() as session:
        ensure_period_open(session, posting_date)
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        row = session.get(ExceptionRow, exception_id)
        if row is None:
            raise NotFoundError(f"exception {exception_id} does not exist")
        if row.status != "open":
            raise InputError(f"exception {exception_id} is already {row.status}")
        claim = claims_repo.get_claim(session, claim_number)
        parked = parked_payment(row)
        if parked is not None:
            payment, remittance_id = parked
            posted = post_parked(session, rec, row, payment, remittance_id, claim, actor=actor,
                                 posting_date=posting_date)
            result = Applied(unapplied_id=posted.unapplied_id, claim_number=claim.claim_number, payer=posted.payer,
                             rank=posted.rank, amount=posted.paid, claim_entry_id=None, open_after=0,
                             exception_id=exception_id, posted=posted)
            note = f"posted the parked claim payment onto claim {claim.claim_number}: {posted.amounts()}"
        else:
            opened = opened_for_exception(session, exception_id)
            if opened is None:
                raise InputError(f"exception {exception_id} ({row.kind}) holds no money in unapplied; "
                                 "nothing to apply (resolve it with `ar-cli exceptions resolve`)")
            result = _apply(session, rec, opened, claim, size=None, actor=actor, posting_date=posting_date,
                            exception_id=exception_id)
            note = (f"applied {cents_to_text(result.amount)} to claim {claim.claim_number} "
                    f"(unapplied entry {opened.id})")
        payload_claim = _payload_claim(row.payload)
        if payload_claim and payload_claim != claim.claim_number:
            note += f"; the remittance named claim {payload_claim}"
        row.status, row.resolved_at, row.resolved_by, row.resolution_note = "applied", actor.now, actor.user, note
        session.add(row)
        rec.note_update("exception_record", exception_id, {"status": ["open", "applied"]})
        session.flush()
        rec.finish(action="exceptions.apply", entity="exception", entity_key=str(exception_id),
                   details={"kind": row.kind, "claim": claim.claim_number, "amount": result.amount,
                            "unapplied_id": result.unapplied_id, "claim_entry_id": result.claim_entry_id,
                            "whole_payment": parked is not None})
        return result


def opened_for_exception(session: Session, exception_id: int) -> UnappliedEntryRow | None:
    """The unapplied entry that holds an exception's money (None: it held none)."""
    return session.execute(
        select(UnappliedEntryRow).where(UnappliedEntryRow.exception_id == exception_id,
                                        UnappliedEntryRow.reason.not_in(CLOSING_REASONS))
        .order_by(UnappliedEntryRow.id)).scalars().first()


def _payload_claim(payload: str) -> str:
    try:
        return str(json.loads(payload or "{}").get("claim_number") or "")
    except (ValueError, AttributeError):
        return ""


def _opened(session: Session, unapplied_id: int) -> UnappliedEntryRow:
    row = session.get(UnappliedEntryRow, unapplied_id)
    if row is None:
        raise NotFoundError(f"unapplied entry {unapplied_id} does not exist")
    if row.reason in CLOSING_REASONS:
        raise InputError(f"unapplied entry {unapplied_id} is an {row.reason} entry, not money held; "
                         f"see entry {row.applies_id}")
    return row


def _apply(session: Session, rec: ChangeRecorder, opened: UnappliedEntryRow, claim: Claim, *,
           size: int | None, actor: Actor, posting_date: date,
           exception_id: int | None = None) -> Applied:
    open_now = opened.amount + open_amounts(session, [opened.id]).get(opened.id, 0)
    if open_now == 0:
        raise InputError(f"unapplied entry {opened.id} is already fully applied")
    sign = 1 if open_now > 0 else -1
    if size is not None and size > abs(open_now):
        raise InputError(f"--amount {cents_to_text(size)} is more than the {cents_to_text(abs(open_now))} "
                         f"still open on unapplied entry {opened.id}")
    applied = open_now if size is None else sign * size
    payer_code = session.execute(select(PayerRow.code).where(PayerRow.id == opened.payer_id)).scalar_one_or_none()
    rank = next((c.rank for c in claim.coverages if c.payer_id == opened.payer_id), None)
    if rank is None:
        raise InputError(f"claim {claim.claim_number} has no coverage with payer {payer_code or '(none)'}; "
                         f"unapplied money from {payer_code or '(no payer)'} applies only to that payer's claims")
    trace = ""
    if opened.remittance_id is not None:
        trace = session.execute(select(RemittanceRow.trace_number)
                                .where(RemittanceRow.id == opened.remittance_id)).scalar_one_or_none() or ""
    ref = f"unapplied {opened.id}" + (f" exception {exception_id}" if exception_id else "")
    effective = opened.effective_date
    entry_id = rec.insert_one(LedgerEntryRow, {
        "claim_id": claim.id, "line_id": None, "responsibility": rank, "kind": "payment",
        "amount": -applied, "posting_date": posting_date, "effective_date": effective,
        "payer_id": opened.payer_id, "adjustment_group": "", "reason_code": "",
        "source_file_id": opened.source_file_id,
        "source_ref": (f"trace {trace} {ref}" if trace else ref)[:120],
        "remittance_id": opened.remittance_id, "created_by": actor.user})
    claims_repo.apply_balance_deltas(session, {(claim.id, rank): -applied},
                                     since={(claim.id, rank): effective})
    rec.insert(UnappliedEntryRow, [{
        "payer_id": opened.payer_id, "amount": -applied, "reason": "applied",
        "reference": claim.claim_number[:120], "remittance_id": opened.remittance_id,
        "exception_id": exception_id if exception_id is not None else opened.exception_id,
        "applies_id": opened.id, "ledger_entry_id": entry_id, "claim_id": claim.id,
        "posting_date": posting_date, "effective_date": effective, "source_file_id": opened.source_file_id,
        "source_ref": ref, "created_by": actor.user}])
    claims_repo.refresh_status(session, rec, claim.id, claim.status)
    return Applied(unapplied_id=opened.id, claim_number=claim.claim_number, payer=payer_code or "",
                   rank=rank, amount=applied, claim_entry_id=entry_id, open_after=open_now - applied,
                   exception_id=exception_id)


def unapplied_rows(session: Session, *, payer: str | None, include_closed: bool) -> list[dict]:
    """One row per opened entry, with what is still open on it."""
    stmt = (select(UnappliedEntryRow, PayerRow.code, RemittanceRow.trace_number)
            .outerjoin(PayerRow, PayerRow.id == UnappliedEntryRow.payer_id)
            .outerjoin(RemittanceRow, RemittanceRow.id == UnappliedEntryRow.remittance_id)
            .where(UnappliedEntryRow.reason.not_in(CLOSING_REASONS))
            .order_by(UnappliedEntryRow.id))
    if payer:
        code = payer.strip().upper()
        if session.execute(select(PayerRow.id).where(PayerRow.code == code)).first() is None:
            raise NotFoundError(f"--payer: payer {payer.strip()!r} is not in the ledger")
        stmt = stmt.where(PayerRow.code == code)
    entries = session.execute(stmt).all()
    closed: dict[int, int] = defaultdict(int, open_amounts(session))
    rows = []
    for entry, code, trace in entries:
        open_amount = entry.amount + closed[entry.id]
        if open_amount == 0 and not include_closed:
            continue
        rows.append({"id": str(entry.id), "payer": code or "", "reason": entry.reason,
                     "reference": entry.reference, "trace": trace or "",
                     "exception": str(entry.exception_id) if entry.exception_id else "",
                     "date": entry.effective_date, "amount": entry.amount,
                     "applied": -closed[entry.id], "open": open_amount})
    return rows

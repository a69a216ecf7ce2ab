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
from dataclasses import dataclass
from datetime import date

from ar_cli.domain.claims.records import Claim
from ar_cli.domain.errors import InputError
from ar_cli.domain.money import cents_to_text
from ar_cli.services.context import Actor
from ar_cli.store import Session, claims_repo, payers_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.periods_repo import ensure_period_open
from ar_cli.store.queries import exception_records
from ar_cli.store.queries.unapplied import (  # re-exported: era/parked.py and reports/unapplied.py ask here
    CLOSING_REASONS,
    open_amounts,
    opened_entry,
    opened_for_exception,
    trace_number_of,
    unapplied_rows,
)
from ar_cli.store.tables import LedgerEntryRow, UnappliedEntryRow

__all__ = [
    "CLOSING_REASONS",
    "Applied",
    "apply_exception",
    "apply_unapplied",
    "open_amounts",
    "opened_for_exception",
    "unapplied_rows",
]


@dataclass(frozen=True, kw_only=True)
class Applied:
    unapplied_id: int | None  # None: a parked zero payment, no money held
    claim_number: str
    payer: str
    rank: int
    amount: int  # taken out of unapplied (the opened entry's sign)
    claim_entry_id: int | None  # None when a whole claim payment posted (entries per line)
    open_after: int
    exception_id: int | None = None
    posted: object | None = None  # parked_payments.ParkedPosted when a whole payment posted


def apply_unapplied(
    ledger: Ledger, unapplied_id: int, *, claim_number: str, amount: int | None, actor: Actor, posting_date: date
) -> Applied:
    """Apply all (amount None) or `amount` (cents, > 0: a size; the entry decides the sign)."""
    if amount is not None and amount <= 0:
        raise InputError(f"--amount must be more than 0 (got {cents_to_text(amount)})")
    with ledger.write() as session:
        ensure_period_open(session, posting_date)
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        opened = opened_entry(session, unapplied_id)
        claim = claims_repo.get_claim(session, claim_number)
        result = _apply(session, rec, opened, claim, size=amount, actor=actor, posting_date=posting_date)
        rec.finish(
            action="unapplied.apply",
            entity="unapplied_entry",
            entity_key=str(unapplied_id),
            details={"claim": claim.claim_number, "amount": result.amount, "claim_entry_id": result.claim_entry_id},
        )
        return result


def apply_exception(
    ledger: Ledger, exception_id: int, *, claim_number: str, actor: Actor, posting_date: date
) -> Applied:
    """An exception's money (and, for a parked ERA claim payment, the whole payment:
    services/era/parked.py) goes to the claim a person names; the exception is
    marked applied."""
    from ar_cli.services.era.parked import parked_payment, post_parked

    with ledger.write() as session:
        ensure_period_open(session, posting_date)
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        row = exception_records.open_exception(session, exception_id)
        claim = claims_repo.get_claim(session, claim_number)
        parked = parked_payment(row)
        if parked is not None:
            payment, remittance_id = parked
            posted = post_parked(
                session, rec, row, payment, remittance_id, claim, actor=actor, posting_date=posting_date
            )
            result = Applied(
                unapplied_id=posted.unapplied_id,
                claim_number=claim.claim_number,
                payer=posted.payer,
                rank=posted.rank,
                amount=posted.paid,
                claim_entry_id=None,
                open_after=0,
                exception_id=exception_id,
                posted=posted,
            )
            note = f"posted the parked claim payment onto claim {claim.claim_number}: {posted.amounts()}"
        else:
            opened = opened_for_exception(session, exception_id)
            if opened is None:
                raise InputError(
                    f"exception {exception_id} ({row.kind}) holds no money in unapplied; "
                    "nothing to apply (resolve it with `ar-cli exceptions resolve`)"
                )
            result = _apply(
                session,
                rec,
                opened,
                claim,
                size=None,
                actor=actor,
                posting_date=posting_date,
                exception_id=exception_id,
            )
            note = f"applied {cents_to_text(result.amount)} to claim {claim.claim_number} (unapplied entry {opened.id})"
        payload_claim = _payload_claim(row.payload)
        if payload_claim and payload_claim != claim.claim_number:
            note += f"; the remittance named claim {payload_claim}"
        exception_records.settle(session, row, status="applied", at=actor.now, by=actor.user, note=note)
        rec.note_update("exception_record", exception_id, {"status": ["open", "applied"]})
        rec.finish(
            action="exceptions.apply",
            entity="exception",
            entity_key=str(exception_id),
            details={
                "kind": row.kind,
                "claim": claim.claim_number,
                "amount": result.amount,
                "unapplied_id": result.unapplied_id,
                "claim_entry_id": result.claim_entry_id,
                "whole_payment": parked is not None,
            },
        )
        return result


def _payload_claim(payload: str) -> str:
    try:
        return str(json.loads(payload or "{}").get("claim_number") or "")
    except (ValueError, AttributeError):
        return ""


def _apply(
    session: Session,
    rec: ChangeRecorder,
    opened: UnappliedEntryRow,
    claim: Claim,
    *,
    size: int | None,
    actor: Actor,
    posting_date: date,
    exception_id: int | None = None,
) -> Applied:
    open_now = opened.amount + open_amounts(session, [opened.id]).get(opened.id, 0)
    if open_now == 0:
        raise InputError(f"unapplied entry {opened.id} is already fully applied")
    sign = 1 if open_now > 0 else -1
    if size is not None and size > abs(open_now):
        raise InputError(
            f"--amount {cents_to_text(size)} is more than the {cents_to_text(abs(open_now))} "
            f"still open on unapplied entry {opened.id}"
        )
    applied = open_now if size is None else sign * size
    payer = payers_repo.payer_by_id(session, opened.payer_id) if opened.payer_id is not None else None
    payer_code = payer.code if payer is not None else None
    rank = next((c.rank for c in claim.coverages if c.payer_id == opened.payer_id), None)
    if rank is None:
        raise InputError(
            f"claim {claim.claim_number} has no coverage with payer {payer_code or '(none)'}; "
            f"unapplied money from {payer_code or '(no payer)'} applies only to that payer's claims"
        )
    trace = trace_number_of(session, opened.remittance_id)
    ref = f"unapplied {opened.id}" + (f" exception {exception_id}" if exception_id else "")
    effective = opened.effective_date
    entry_id = rec.insert_one(
        LedgerEntryRow,
        {
            "claim_id": claim.id,
            "line_id": None,
            "responsibility": rank,
            "kind": "payment",
            "amount": -applied,
            "posting_date": posting_date,
            "effective_date": effective,
            "payer_id": opened.payer_id,
            "adjustment_group": "",
            "reason_code": "",
            "source_file_id": opened.source_file_id,
            "source_ref": (f"trace {trace} {ref}" if trace else ref)[:120],
            "remittance_id": opened.remittance_id,
            "created_by": actor.user,
        },
    )
    claims_repo.apply_balance_deltas(session, {(claim.id, rank): -applied}, since={(claim.id, rank): effective})
    rec.insert(
        UnappliedEntryRow,
        [
            {
                "payer_id": opened.payer_id,
                "amount": -applied,
                "reason": "applied",
                "reference": claim.claim_number[:120],
                "remittance_id": opened.remittance_id,
                "exception_id": exception_id if exception_id is not None else opened.exception_id,
                "applies_id": opened.id,
                "ledger_entry_id": entry_id,
                "claim_id": claim.id,
                "posting_date": posting_date,
                "effective_date": effective,
                "source_file_id": opened.source_file_id,
                "source_ref": ref,
                "created_by": actor.user,
            }
        ],
    )
    claims_repo.refresh_status(session, rec, claim.id, claim.status)
    return Applied(
        unapplied_id=opened.id,
        claim_number=claim.claim_number,
        payer=payer_code or "",
        rank=rank,
        amount=applied,
        claim_entry_id=entry_id,
        open_after=open_now - applied,
        exception_id=exception_id,
    )

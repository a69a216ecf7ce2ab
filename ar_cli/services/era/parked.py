"""A claim payment an ERA exception parked, posted once a person names its claim.

Posting parks a claim payment it cannot post (claim not in the ledger, patient or payer
mismatch, unbalanced): its CLP04 goes to the payer's unapplied account and the exception
keeps the payment (domain/remittance/payload.py, no names). `exceptions apply ID --claim
CLAIM` posts it here as its remittance would have (payments, write-downs, transfers,
denials, the claim payment record), and takes its money back out of unapplied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ar_cli.domain.claims.records import Claim
from ar_cli.domain.errors import InputError
from ar_cli.domain.money import cents_to_text
from ar_cli.domain.remittance.advice import ClaimPayment
from ar_cli.domain.remittance.payload import from_payload
from ar_cli.services.context import Actor
from ar_cli.services.posting.unapplied import open_amounts, opened_for_exception
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.queries import era as queries
from ar_cli.store.tables import ExceptionRow, UnappliedEntryRow

if TYPE_CHECKING:
    from ar_cli.store import Session


@dataclass(frozen=True, kw_only=True)
class ParkedPosted:
    claim_number: str
    payer: str
    rank: int
    paid: int  # CLP04, taken out of unapplied
    written_down: int
    to_patient: int
    to_next_payer: int
    denied: int
    unapplied_id: int | None

    def amounts(self) -> str:
        """What it did, as the exception's note and the command's line say it."""
        return (
            f"paid {cents_to_text(self.paid)}, written down {cents_to_text(self.written_down)}, to patient "
            f"{cents_to_text(self.to_patient)}, to next payer {cents_to_text(self.to_next_payer)}, "
            f"left denied {cents_to_text(self.denied)}"
        )


def parked_payment(row: ExceptionRow) -> tuple[ClaimPayment, int] | None:
    """The claim payment the exception keeps and its remittance's id, or None (another
    kind of exception, or one parked before payments were kept whole)."""
    try:
        data = json.loads(row.payload or "{}")
        if "payment" not in data:
            return None
        return from_payload(data["payment"]), int(data["remittance_id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"exception {row.id}: its stored payment cannot be read ({exc})") from None


def post_parked(
    session: Session,
    rec: ChangeRecorder,
    row: ExceptionRow,
    payment: ClaimPayment,
    remittance_id: int,
    claim: Claim,
    *,
    actor: Actor,
    posting_date: date,
) -> ParkedPosted:
    from ar_cli.services.codes import load_code_knowledge
    from ar_cli.services.era.poster import RemittancePosting
    from ar_cli.services.era.remittance import PostingRun

    opened = opened_for_exception(session, row.id)
    held = 0 if opened is None else opened.amount + open_amounts(session, [opened.id]).get(opened.id, 0)
    if held != payment.paid:
        raise InputError(
            f"exception {row.id}: the payment paid {cents_to_text(payment.paid)} but "
            f"{cents_to_text(held)} of it is still in unapplied (part was applied by hand); "
            "apply the rest with `ar-cli unapplied apply`, then resolve the exception"
        )
    remittance = queries.remittance(session, remittance_id)
    payer = queries.payer(session, row.payer_id) if row.payer_id is not None else None
    if remittance is None or payer is None:
        raise InputError(f"exception {row.id}: its remittance is not in the ledger; nothing to post")
    if all(c.payer_id != payer.id for c in claim.coverages):
        raise InputError(
            f"claim {claim.claim_number} has no coverage with payer {payer.code}; "
            f"a payment from {payer.code} posts only onto that payer's claims"
        )
    run = PostingRun(
        session=session,
        rec=rec,
        actor=actor,
        posting_date=posting_date,
        source_id=row.source_file_id,
        table=load_code_knowledge(session),
    )
    plan = RemittancePosting.of_stored(run, payer, remittance).post_parked(payment, claim)
    if opened is not None and held:
        rec.insert(
            UnappliedEntryRow,
            [
                {
                    "payer_id": payer.id,
                    "amount": -held,
                    "reason": "applied",
                    "reference": claim.claim_number[:120],
                    "remittance_id": remittance.id,
                    "exception_id": row.id,
                    "applies_id": opened.id,
                    "claim_id": claim.id,
                    "posting_date": posting_date,
                    "effective_date": opened.effective_date,
                    "source_file_id": opened.source_file_id,
                    "source_ref": f"exception {row.id} claim payment",
                    "created_by": actor.user,
                }
            ],
        )
    totals = plan.totals
    return ParkedPosted(
        claim_number=claim.claim_number,
        payer=payer.code,
        rank=plan.payer_rank,
        paid=payment.paid,
        written_down=totals.contractual,
        to_patient=totals.to_patient,
        to_next_payer=totals.to_next_payer,
        denied=totals.denied_open,
        unapplied_id=opened.id if opened is not None else None,
    )

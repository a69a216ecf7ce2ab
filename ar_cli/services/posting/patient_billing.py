"""The one check every way of moving money to the patient by hand goes through
(`denials resolve --to-patient`, a paper EOB's adjustment the treatment table moves to
the patient), and recording a patient's written agreement to pay (`--waiver REF`).
The rule itself is domain/posting/patient_billing.py; this gathers its facts from the ledger
inside the caller's transaction and raises InputError (one line) when it refuses.
"""

from __future__ import annotations

from collections.abc import Sequence

from ar_cli.domain.claims.records import Claim
from ar_cli.domain.errors import InputError
from ar_cli.domain.posting.patient_billing import ClaimFacts, ToPatient, assigned_to_patient, first_refusal
from ar_cli.services.context import Actor
from ar_cli.store import Session, patient_billing_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.tables import ClaimWaiverRow

_MAX_REFERENCE = 100


def check_waiver_reference(text: str) -> str:
    """A waiver's reference as given (stripped); InputError when it cannot be one."""
    reference = text.strip()
    if not reference:
        raise InputError("--waiver: give the reference of the signed waiver or ABN")
    if len(reference) > _MAX_REFERENCE or not reference.isprintable():
        raise InputError(f"--waiver: the reference must be printable and at most {_MAX_REFERENCE} characters")
    return reference


def refuse_unbillable(
    session: Session, claim: Claim, moves: Sequence[ToPatient], *, waiver: str = "", waiver_hint: str = "--waiver REF"
) -> None:
    """Raise InputError when any of `moves` may not be billed to the patient of `claim`.
    `waiver` is one given with this request (not yet recorded)."""
    moves = [m for m in moves if not assigned_to_patient(m)]  # PR: no need to read the claim's facts
    if not moves:
        return
    facts = ClaimFacts(
        claim_number=claim.claim_number,
        self_pay=not claim.coverages,
        remark_codes=patient_billing_repo.remark_codes(session, claim.id),
        waiver=waiver or patient_billing_repo.recorded_waiver(session, claim.id),
    )
    said = first_refusal(moves, facts, waiver_hint=waiver_hint)
    if said is not None:
        raise InputError(said)


def record_waiver(rec: ChangeRecorder, claim: Claim, reference: str, actor: Actor) -> int:
    """Record the patient's written agreement on the claim (digested by `rec`)."""
    return rec.insert_one(
        ClaimWaiverRow,
        {"claim_id": claim.id, "reference": reference, "recorded_at": actor.now, "recorded_by": actor.user},
    )


def line_modifiers(claim: Claim, line_id: int | None) -> tuple[str, ...]:
    """The modifiers of the claim line `line_id` (none at claim level)."""
    return next((ln.modifiers for ln in claim.lines if ln.id == line_id), ())

"""What may be billed to a patient (DESIGN.md, "What may be billed to a patient").

Money moves to the patient responsibility in two ways: a remittance's PR adjustments
(posting; the payer's own word that the patient owes it) and by hand — a denial
resolved `--to-patient`, or an adjustment typed on a paper EOB that the treatment table
moves to the patient. Every way by hand asks `refusal` first. The rule:

- a PR amount may move: the payer assigned it to the patient (deductible,
  coinsurance, copay, a PR denial such as PR-27 or PR-96);
- a self-pay claim's charges are the patient's;
- on a claim whose remittance carries N830 or N864–N866 (No Surprises Act: the
  patient owes only the cost sharing the payer stated, as PR), nothing else may move,
  whatever the patient signed;
- an amount the payer adjusted in group CO, OA or PI (or in no group) may move only
  when the patient agreed in writing to pay it: an ABN shown by modifier GA on the
  claim line, or a waiver recorded on the claim (`denials resolve --to-patient
  --waiver REF`). Without one, CO means the provider's contract forbids billing the
  patient, and OA or PI is the payer's side to settle, not the patient's.

Pure: the service gathers the facts (the claim's coverages, every remark code its
remittances carried, the line's modifiers, a recorded waiver) and writes nothing when
a transfer is refused.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ar_cli.domain.money import cents_to_text

#: Remark codes by which a payer says the claim was processed under the No Surprises Act.
NO_SURPRISES_REMARKS = frozenset({"N830", "N864", "N865", "N866"})
#: The modifier that says the patient signed an ABN for the line (Medicare's waiver of liability).
ABN_MODIFIER = "GA"
_PATIENT_GROUP = "PR"
_WHY_NOT = {
    "CO": "the provider's contractual obligation",
    "OA": "the payer's other adjustment, not the patient's share",
    "PI": "the payer's initiative, not the patient's share",
}


@dataclass(frozen=True, kw_only=True, slots=True)
class ToPatient:
    """An amount someone asks to move to the patient by hand.

    `what` names it in a message ('denial 7', 'CO-45=12.50'); `group` is the CAS group
    the payer adjusted it in ('' for none); `line_modifiers` are the claim line's (empty
    at claim level)."""

    what: str
    group: str
    reason_code: str
    amount: int
    line_modifiers: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class ClaimFacts:
    """What the rule needs to know of the claim."""

    claim_number: str
    self_pay: bool
    remark_codes: Collection[str] = ()  # every RARC the claim's remittances carried
    waiver: str = ""  # the reference of a written agreement recorded on the claim (or given now)


def assigned_to_patient(move: ToPatient) -> bool:
    """The payer said the patient owes it (group PR): it moves whatever the claim's facts."""
    return move.group.upper() == _PATIENT_GROUP


def refusal(move: ToPatient, claim: ClaimFacts, *, waiver_hint: str = "--waiver REF") -> str | None:
    """Why `move` may not be billed to the patient (one line, no PHI), or None.
    `waiver_hint` says how the command at hand records a written agreement."""
    group = move.group.upper()
    if assigned_to_patient(move) or claim.self_pay:
        return None
    amount = f"{move.what} ({_code(move)} {cents_to_text(move.amount)})"
    surprises = sorted(NO_SURPRISES_REMARKS.intersection(claim.remark_codes))
    if surprises:
        return (
            f"claim {claim.claim_number}: {amount} may not be billed to the patient: the claim's remittance "
            f"carries {', '.join(surprises)} (No Surprises Act: the patient owes only the cost sharing the "
            "payer stated); nothing moved"
        )
    if claim.waiver or ABN_MODIFIER in move.line_modifiers:
        return None
    why = _WHY_NOT.get(group, "not the patient's share by the payer's word")
    return (
        f"claim {claim.claim_number}: {amount} may not be billed to the patient: group {group or 'none'} is "
        f"{why}; only PR amounts or what the patient agreed in writing to pay (an ABN: modifier GA on the "
        f"line; {waiver_hint}) may move; nothing moved"
    )


def first_refusal(moves: Sequence[ToPatient], claim: ClaimFacts, *, waiver_hint: str = "--waiver REF") -> str | None:
    """The refusal of the first amount that may not move, with how many others may not
    either (one line for the whole request: it moves all or nothing)."""
    refused = [said for said in (refusal(m, claim, waiver_hint=waiver_hint) for m in moves) if said is not None]
    if not refused:
        return None
    more = len(refused) - 1
    return refused[0] + (f" ({more} more amount{'s' if more != 1 else ''} likewise)" if more else "")


def _code(move: ToPatient) -> str:
    return f"{move.group}-{move.reason_code}" if move.group else move.reason_code or "no code"

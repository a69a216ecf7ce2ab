"""Provider-level adjustments (PLB) as unapplied money, and the remittance's balance.

The sign, once: the 835 sends a PLB amount as money TAKEN FROM this payment (positive)
or ADDED TO it (negative), so that

    BPR02 = Σ CLP04 − Σ PLB amounts                     (the transaction identity)

The payer's unapplied account holds money in the bank that belongs to no claim line yet.
A PLB therefore changes it by the opposite of its amount: `UnappliedPlan.amount` =
−PLB amount. Interest the payer adds (L6 −12.00) raises unapplied by 12.00; a
recoupment it takes (WO 361.19) lowers it by 361.19: the provider owes that until it is
applied to the claim that was overpaid. With every claim payment posted or parked:

    Σ payments posted + Σ parked + Σ UnappliedPlan.amount = BPR02

Applying an unapplied amount U to a claim later posts a payment of −U on the claim
(a recoupment of 361.19 becomes a reversed payment of +361.19: what the claim owes goes
back up) and −U on unapplied, linked: the service does it when `claim_reference` equals
a claim's CLP01 or CLP07 exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from ar_cli.domain.remittance.advice import ProviderAdjustment


class ProviderAdjustmentKind(StrEnum):
    """What a PLB reason code (PLB03-1) is, for the unapplied account."""

    INTEREST = "interest"  # L6: income, closed at once, never receivable
    RECOUPMENT = "recoupment"  # WO: an earlier overpayment taken back
    FORWARD_BALANCE = "forward_balance"  # FB: a debt carried to (−) or collected from (+) a remittance
    AUTHORIZED_RETURN = "authorized_return"  # 72: the provider's refund acknowledged
    ADJUSTMENT = "adjustment"  # CS: a payer's adjustment, often in ± pairs
    WITHHOLDING = "withholding"  # IR tax withholding, LE levy, E3 withholding
    OTHER = "other"  # anything else, kept with its reason code for a person


_KINDS = {
    "L6": ProviderAdjustmentKind.INTEREST,
    "WO": ProviderAdjustmentKind.RECOUPMENT,
    "FB": ProviderAdjustmentKind.FORWARD_BALANCE,
    "72": ProviderAdjustmentKind.AUTHORIZED_RETURN,
    "CS": ProviderAdjustmentKind.ADJUSTMENT,
    "IR": ProviderAdjustmentKind.WITHHOLDING,
    "LE": ProviderAdjustmentKind.WITHHOLDING,
    "E3": ProviderAdjustmentKind.WITHHOLDING,
}
#: Kinds whose reference usually names the claim concerned (CLP01 or the payer's CLP07).
CLAIM_REFERENCE_KINDS = frozenset(
    {
        ProviderAdjustmentKind.RECOUPMENT,
        ProviderAdjustmentKind.FORWARD_BALANCE,
        ProviderAdjustmentKind.AUTHORIZED_RETURN,
    }
)


@dataclass(frozen=True, kw_only=True, slots=True)
class UnappliedPlan:
    """One PLB pair as a change to the remitting payer's unapplied account.

    reason_code: PLB03-1 as sent, upper-cased ('L6', 'WO', …).
    kind: what it is (ProviderAdjustmentKind).
    reference: PLB03-2 as sent, stripped ('' when none).
    claim_reference: the reference when the kind may name a claim (WO, FB, 72), else
        ''. The service applies the amount to a claim only on an exact match with its
        claim number (CLP01) or payer claim control number (CLP07).
    amount: the change to unapplied, = −PLB amount (see the module docstring).
    income: True for interest: recorded as income and closed at once, never receivable.
    provider_id / segment: PLB01 and the PLB segment number.
    """

    reason_code: str
    kind: ProviderAdjustmentKind
    reference: str
    claim_reference: str
    amount: int
    income: bool
    provider_id: str
    segment: int


def classify_provider_adjustment(reason_code: str) -> ProviderAdjustmentKind:
    return _KINDS.get(reason_code.strip().upper(), ProviderAdjustmentKind.OTHER)


def plan_provider_adjustments(adjustments: Iterable[ProviderAdjustment]) -> list[UnappliedPlan]:
    """One UnappliedPlan per PLB pair, in order (a zero amount is kept: it is on the file
    and costs nothing; the service may skip writing it)."""
    plans = []
    for plb in adjustments:
        kind = classify_provider_adjustment(plb.reason_code)
        reference = plb.reference.strip()
        plans.append(
            UnappliedPlan(
                reason_code=plb.reason_code.strip().upper(),
                kind=kind,
                reference=reference,
                claim_reference=reference if kind in CLAIM_REFERENCE_KINDS else "",
                amount=-plb.amount,
                income=kind is ProviderAdjustmentKind.INTEREST,
                provider_id=plb.provider_id,
                segment=plb.segment,
            )
        )
    return plans


def provider_adjustment_total(adjustments: Iterable[ProviderAdjustment]) -> int:
    """Σ PLB amounts as sent (positive = taken from the payment)."""
    return sum(plb.amount for plb in adjustments)


def check_remittance_balance(bpr_amount: int, claim_paid_total: int, plb_total: int) -> int:
    """BPR02 − (Σ CLP04 − Σ PLB): 0 when the transaction balances. Positive means the
    bank got more than the claims and PLBs explain; negative, less."""
    return bpr_amount - (claim_paid_total - plb_total)

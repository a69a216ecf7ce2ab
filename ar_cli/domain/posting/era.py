"""ERA posting, the pure part: what one remittance does to the ledger, decided without
a database, a file or a clock. The service loads the claim and its balances, calls
these functions, and writes the result in the file's one transaction.

This is the module the rest of ar-cli imports. The pieces live in:

- values.py: the plan's parts (PlannedEntry, DenialToOpen, FollowUp, LineMatch,
  PostingProblem, …); result.py: ClaimPlan, PlanTotals, Disposition;
- match.py: matching service lines to claim lines (`match_lines`);
- checks.py: claim status codes, payer and patient checks, balancing;
- plan.py: `plan_claim_payment`, one claim payment's plan;
- amounts.py: each amount of the payment planned by its treatment (`TreatmentLookup`);
- denial_caps.py: capping denials at what the coverage holds;
- provider.py: PLB amounts as unapplied money, the remittance's balance.

Per claim payment, the service:

1. calls `plan_claim_payment` with the claim's balances (after anything earlier in the
   same remittance) and the claim lines earlier payments of the claim used;
2. for a reversal (22), pairs it with its original and adds `check_reversal`'s problem;
3. POST: writes `entries` (transfer pairs linked by `transfer_key`), opens `denials`,
   schedules `follow_ups`; PARK: puts `parked` in the payer's unapplied account and
   records an exception with the blocking problems; RECORD_ONLY: stores the payment;
   an exception too whenever `needs_exception`;
4. carries `balances_after(...)` and `line_ids_used` to the claim's next payment.

Per remittance transaction: `check_remittance_balance` (0 or refuse), then
`plan_provider_adjustments` for the PLB amounts. With every claim posted or parked,
Σ payments posted + Σ parked + Σ UnappliedPlan.amount = BPR02.
"""

from __future__ import annotations

from collections.abc import Mapping

from ar_cli.domain.posting.amounts import TreatmentLookup
from ar_cli.domain.posting.checks import (
    CROSSOVER_FOLLOW_UP_DAYS,
    KNOWN_STATUSES,
    PENDING_FOLLOW_UP_DAYS,
    STATUS_RANK,
    adjustment_remarks,
    check_reversal,
    claim_difference,
    coverage_rank,
    line_difference,
    next_responsibility,
    patient_matches,
    payment_signature,
)
from ar_cli.domain.posting.denial_caps import EarlierDenial, LineBalances
from ar_cli.domain.posting.match import billed_procedure, match_lines
from ar_cli.domain.posting.plan import plan_claim_payment
from ar_cli.domain.posting.provider import (
    CLAIM_REFERENCE_KINDS,
    ProviderAdjustmentKind,
    UnappliedPlan,
    check_remittance_balance,
    classify_provider_adjustment,
    plan_provider_adjustments,
    provider_adjustment_total,
)
from ar_cli.domain.posting.result import ClaimPlan, Disposition, PlanTotals
from ar_cli.domain.posting.values import (
    DenialToOpen,
    EntryKind,
    FollowUp,
    FollowUpKind,
    LineMatch,
    MatchMethod,
    PlannedEntry,
    PostingProblem,
    ProblemKind,
    Severity,
)


def balances_after(balances: Mapping[int, int], plan: ClaimPlan) -> dict[int, int]:
    """Each responsibility's balance once `plan`'s entries are written."""
    after = dict(balances)
    for entry in plan.entries:
        after[entry.responsibility] = after.get(entry.responsibility, 0) + entry.amount
    return after


def line_balances_after(line_balances: LineBalances, plan: ClaimPlan) -> dict[tuple[int | None, int], int]:
    """Each (claim line or None, responsibility) balance once `plan`'s entries are written."""
    after = dict(line_balances)
    for entry in plan.entries:
        key = (entry.claim_line_id, entry.responsibility)
        after[key] = after.get(key, 0) + entry.amount
    return after


__all__ = [
    "CLAIM_REFERENCE_KINDS",
    "CROSSOVER_FOLLOW_UP_DAYS",
    "KNOWN_STATUSES",
    "PENDING_FOLLOW_UP_DAYS",
    "STATUS_RANK",
    "ClaimPlan",
    "DenialToOpen",
    "Disposition",
    "EarlierDenial",
    "EntryKind",
    "FollowUp",
    "FollowUpKind",
    "LineBalances",
    "LineMatch",
    "MatchMethod",
    "PlanTotals",
    "PlannedEntry",
    "PostingProblem",
    "ProblemKind",
    "ProviderAdjustmentKind",
    "Severity",
    "TreatmentLookup",
    "UnappliedPlan",
    "adjustment_remarks",
    "balances_after",
    "billed_procedure",
    "check_remittance_balance",
    "check_reversal",
    "claim_difference",
    "classify_provider_adjustment",
    "coverage_rank",
    "line_balances_after",
    "line_difference",
    "match_lines",
    "next_responsibility",
    "patient_matches",
    "payment_signature",
    "plan_claim_payment",
    "plan_provider_adjustments",
    "provider_adjustment_total",
]

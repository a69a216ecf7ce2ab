"""The result of planning one claim payment: ClaimPlan, its totals, and what the
service does with it (Disposition). Signs and responsibilities as in posting_values.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from enum import StrEnum

from ar_cli.domain.posting.values import (
    DenialToOpen,
    FollowUp,
    LineMatch,
    PlannedEntry,
    PostingProblem,
    Severity,
    quick,
)


class Disposition(StrEnum):
    """What the service does with a claim payment."""

    POST = "post"  # write the entries, open the denials, schedule the follow-ups
    PARK = "park"  # a blocking problem: post nothing, put `parked` in unapplied, record an exception
    RECORD_ONLY = "record_only"  # 23 / 25 without money: store the payment, post nothing


@dataclass(frozen=True, kw_only=True, slots=True)
class PlanTotals:
    """The plan's money by what happens to it, in cents (adjustments as sent, positive
    = reduces the payment). For a POST plan of a balanced claim payment:

        charge = paid + contractual + to_next_payer + to_patient + denied + pending + informational

    (every CAS amount lands in exactly one bucket: its effective treatment). A PARK or
    RECORD_ONLY plan has only `charge` and `parked`.

    charge: CLP03.
    paid: payments posted (= CLP04).
    contractual: written down on the paying coverage.
    to_next_payer / to_patient: moved by patient-treatment adjustments.
    denied: denial-treatment amounts as sent.
    denied_open: the denials opened (each capped: ≤ denied).
    pending: pending-treatment amounts (left open with a follow-up).
    informational: no entry (OA-23, and negative denial or pending amounts).
    parked: CLP04 when the plan parks, else 0 (paid + parked = CLP04 for POST and PARK).
    """

    charge: int = 0
    paid: int = 0
    contractual: int = 0
    to_next_payer: int = 0
    to_patient: int = 0
    denied: int = 0
    denied_open: int = 0
    pending: int = 0
    informational: int = 0
    parked: int = 0

    @property
    def moved(self) -> int:
        """Everything transferred out of the paying coverage."""
        return self.to_next_payer + self.to_patient

    @property
    def lowered(self) -> int:
        """How much the paying coverage's balance goes down: paid + contractual + moved."""
        return self.paid + self.contractual + self.moved


@dataclass(frozen=True, kw_only=True, slots=True)
class ClaimPlan:
    """Everything one claim payment does to the ledger; the service writes it in the
    file's transaction.

    claim_id / claim_number: the claim.
    payment_segment: the CLP segment number.
    status_code: CLP02, normalized ('01' → '1').
    payer_rank: the remitting payer's coverage rank on the claim, None when not one.
    disposition: post, park or record only.
    entries: the ledger entries, in remittance order (empty unless POST).
    denials: the denials to open (empty unless POST).
    follow_ups: pending and crossover follow-ups (empty unless POST).
    problems: every problem found, blocking ones included, in the order found.
    matches: one per service line, in order (also for a parked plan: for its exception).
    totals: the money by treatment (PlanTotals).
    parked: cents to put in the payer's unapplied account (CLP04 when parked, else 0).
    crossover: CLP02 19/20/21: the next payer already has the claim; do not rebill.
    claim_denied: CLP02 4: sets the claim's status; the CAS decide the money.
    is_reversal: CLP02 22: the entries undo the original's (the amounts sent are
        negated); the service links it to the original and supersedes its denials.
    line_ids_used: claim lines this payment used. The service passes the union over
        the claim's earlier payments in the same remittance to the next one (a split
        claim). A reversal uses none: its correction matches the same lines again.
    repeated_denials: denials the payer said again: (the earlier denial's key as the
        caller gave it, the CAS segment) each. The same payer denying the same line
        again for the same reason is that denial, not another: nothing opens.
    """

    claim_id: int
    claim_number: str
    payment_segment: int
    status_code: str
    payer_rank: int | None
    disposition: Disposition
    entries: tuple[PlannedEntry, ...]
    denials: tuple[DenialToOpen, ...]
    follow_ups: tuple[FollowUp, ...]
    problems: tuple[PostingProblem, ...]
    matches: tuple[LineMatch, ...]
    totals: PlanTotals
    parked: int
    crossover: bool
    claim_denied: bool
    is_reversal: bool
    line_ids_used: frozenset[int]
    repeated_denials: tuple[tuple[Hashable, int], ...] = ()

    @property
    def blocking_problems(self) -> tuple[PostingProblem, ...]:
        return tuple(p for p in self.problems if p.blocks)

    @property
    def needs_exception(self) -> bool:
        """True when the service must record an exception for a human."""
        return any(p.severity is not Severity.WARNING for p in self.problems)


new_plan = quick(ClaimPlan)
new_totals = quick(PlanTotals)

"""How each amount of a claim payment is planned: its payments and adjustments turned into
ledger entries, asked denials and follow-ups, with the sums by treatment (the plan while it
is built; posting/plan.py decides whether it posts and finishes it).

On the paying coverage (rank r, found from the payer id):

- a service line's paid (SVC03) is a payment on its claim line; CLP04 − Σ SVC03, when
  not zero, is a claim-level payment, so payments always total CLP04 (money in the
  ledger = money in the bank);
- each CAS amount by its effective treatment (table rule, then the sign rule of
  `effective_treatment`): contractual → written down on r; patient → a transfer from r
  to the next coverage on the claim, else the patient; denial → left open, a denial
  opened for at most what r still holds there; pending → left open, a follow-up;
  informational → nothing. A zero amount does nothing;
- line CAS post on the matched claim line; claim CAS and unmatched service lines post at
  claim level (line None).

A reversal's amounts arrive negated, so its entries are the original's negated; it opens
no denial or follow-up (the service supersedes the original's denials).

This runs once per claim payment (a hundred thousand per large file), so values are
built with the quick constructors of posting/values.py and the work state is plain slots.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ar_cli.domain.claims.records import PATIENT
from ar_cli.domain.codes.treatments import Treatment, TreatmentRule, effective_treatment
from ar_cli.domain.posting.checks import PENDING_FOLLOW_UP_DAYS, adjustment_remarks
from ar_cli.domain.posting.denial_caps import AskedDenial
from ar_cli.domain.posting.values import (
    EntryKind,
    FollowUp,
    FollowUpKind,
    LineMatch,
    PlannedEntry,
    new_entry,
    new_follow_up,
)
from ar_cli.domain.remittance.advice import Adjustment, ClaimPayment


class TreatmentLookup(Protocol):
    """TreatmentTable or CodeKnowledge: anything that answers `lookup`."""

    def lookup(self, group: str, carc: str, rarcs: Sequence[str] = ()) -> TreatmentRule: ...


_PAYMENT, _CONTRACTUAL, _TRANSFER = EntryKind.PAYMENT, EntryKind.CONTRACTUAL, EntryKind.TRANSFER
# Enum members read once: attribute access on an Enum class is slow in Python 3.11.
_T_CONTRACTUAL, _T_PATIENT, _T_DENIAL, _T_PENDING = (
    Treatment.CONTRACTUAL,
    Treatment.PATIENT,
    Treatment.DENIAL,
    Treatment.PENDING,
)
_F_PENDING = FollowUpKind.PENDING


class PlanWork:
    """The plan while it is built: entries, asked denials, follow-ups and the sums by
    treatment (mutable, and only posting/plan.py's: the plan it finishes is frozen)."""

    __slots__ = (
        "asked",
        "entries",
        "follow_ups",
        "payment",
        "pays",
        "rank",
        "receiver",
        "reversal",
        "sums",
        "table",
        "transfers",
    )

    def __init__(
        self,
        payment: ClaimPayment,
        rank: int,
        table: TreatmentLookup,
        receiver: int,
        *,
        reversal: bool,
        pays: bool = True,
    ) -> None:
        self.payment, self.rank, self.table, self.receiver = payment, rank, table, receiver
        self.reversal = reversal  # opens no denial or follow-up: the service supersedes the original's
        self.entries: list[PlannedEntry] = []
        self.asked: list[AskedDenial] = []
        self.follow_ups: list[FollowUp] = []
        self.sums = {
            "paid": 0,
            "contractual": 0,
            "to_next_payer": 0,
            "to_patient": 0,
            "denied": 0,
            "pending": 0,
            "informational": 0,
        }  # PlanTotals' fields, filled in
        self.transfers = 0
        self.pays = pays  # False: a notification-only remittance moves no money

    def pay(self, line_id: int | None, amount: int, segment: int) -> None:
        if amount and self.pays:
            self.entries.append(new_entry(line_id, self.rank, _PAYMENT, -amount, segment=segment))
            self.sums["paid"] += amount

    def service_line(self, match: LineMatch) -> None:
        line = match.service_line
        self.pay(match.claim_line_id, line.paid, line.segment)
        if line.adjustments:
            remarks = adjustment_remarks(self.payment.remark_codes, line.remark_codes)
            for adjustment in line.adjustments:
                self.adjustment(adjustment, match.claim_line_id, remarks)

    def adjustment(self, adj: Adjustment, line_id: int | None, remarks: tuple[str, ...]) -> None:
        amount = adj.amount
        if not amount:
            return
        group = str(adj.group)
        rule = self.table.lookup(group, adj.reason_code, remarks)
        treatment = effective_treatment(rule, amount)
        reason = rule.carc or adj.reason_code
        if treatment is _T_CONTRACTUAL:
            self.entries.append(
                new_entry(line_id, self.rank, _CONTRACTUAL, -amount, group, reason, remarks, None, adj.segment)
            )
            self.sums["contractual"] += amount
        elif treatment is _T_PATIENT:
            self.transfers += 1
            self.entries.append(
                new_entry(line_id, self.rank, _TRANSFER, -amount, group, reason, remarks, self.transfers, adj.segment)
            )
            self.entries.append(
                new_entry(
                    line_id, self.receiver, _TRANSFER, amount, group, reason, remarks, self.transfers, adj.segment
                )
            )
            self.sums["to_patient" if self.receiver == PATIENT else "to_next_payer"] += amount
        elif treatment is _T_DENIAL:
            self.sums["denied"] += amount
            if not self.reversal:
                self.asked.append(AskedDenial(line_id, adj, rule, remarks))
        elif treatment is _T_PENDING:
            self.sums["pending"] += amount
            if not self.reversal:
                self.follow_ups.append(
                    new_follow_up(
                        _F_PENDING,
                        line_id,
                        self.rank,
                        PENDING_FOLLOW_UP_DAYS,
                        group,
                        reason,
                        remarks,
                        amount,
                        adj.segment,
                    )
                )
        else:
            self.sums["informational"] += amount

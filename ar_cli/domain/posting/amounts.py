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
from ar_cli.domain.posting.result import PlanTotals, new_totals
from ar_cli.domain.posting.values import (
    EntryKind,
    FollowUp,
    FollowUpKind,
    LineMatch,
    PlannedEntry,
    new_entry,
    new_follow_up,
)
from ar_cli.domain.remittance.advice import Adjustment, AdjustmentGroup, ClaimPayment


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
        "contractual",
        "denied",
        "entries",
        "follow_ups",
        "informational",
        "lines_paid",
        "paid",
        "payment",
        "pays",
        "pending",
        "rank",
        "receiver",
        "reversal",
        "rules",
        "table",
        "to_next_payer",
        "to_patient",
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
        self.payment, self.rank, self.receiver = payment, rank, receiver
        self.table, self.rules = table, _rules_of(table)
        self.reversal = reversal  # opens no denial or follow-up: the service supersedes the original's
        self.entries: list[PlannedEntry] = []
        self.asked: list[AskedDenial] = []
        self.follow_ups: list[FollowUp] = []
        # PlanTotals' fields, filled in (totals() makes them one)
        self.paid = self.contractual = self.to_next_payer = self.to_patient = 0
        self.denied = self.pending = self.informational = 0
        self.lines_paid = 0  # Σ SVC03 of the lines seen: CLP04 less it is paid at claim level
        self.transfers = 0
        self.pays = pays  # False: a notification-only remittance moves no money

    @property
    def lowered(self) -> int:
        """How much the paying coverage's balance goes down (PlanTotals.lowered)."""
        return self.paid + self.contractual + self.to_next_payer + self.to_patient

    def totals(self, charge: int, denied_open: int) -> PlanTotals:
        return new_totals(
            charge, self.paid, self.contractual, self.to_next_payer, self.to_patient, self.denied, denied_open,
            self.pending, self.informational, 0,
        )  # fmt: skip

    def pay(self, line_id: int | None, amount: int, segment: int) -> None:
        if amount and self.pays:
            self.entries.append(new_entry(line_id, self.rank, _PAYMENT, -amount, "", "", (), None, segment))
            self.paid += amount

    def service_line(self, match: LineMatch) -> None:
        line = match.service_line
        line_id, paid = match.claim_line_id, line.paid
        self.lines_paid += paid
        if paid and self.pays:
            self.entries.append(new_entry(line_id, self.rank, _PAYMENT, -paid, "", "", (), None, line.segment))
            self.paid += paid
        if line.adjustments:
            claim_remarks = self.payment.remark_codes
            remarks = adjustment_remarks(claim_remarks, line.remark_codes) if claim_remarks else line.remark_codes
            for adjustment in line.adjustments:
                self.adjustment(adjustment, line_id, remarks)

    def adjustment(self, adj: Adjustment, line_id: int | None, remarks: tuple[str, ...]) -> None:
        amount = adj.amount
        if not amount:
            return
        key = (adj.group, adj.reason_code, remarks)
        known = self.rules.get(key)
        if known is None:
            if len(self.rules) > 4096:  # a file full of junk codes must not grow it without end
                self.rules.clear()
            known = self.rules[key] = _rule(self.table, adj, remarks)
        group, reason, rule, treatment, undone = known
        if amount < 0:
            treatment = undone
        if treatment is _T_CONTRACTUAL:
            self.entries.append(
                new_entry(line_id, self.rank, _CONTRACTUAL, -amount, group, reason, remarks, None, adj.segment)
            )
            self.contractual += amount
        elif treatment is _T_PATIENT:
            self.transfers += 1
            transfers = self.transfers
            self.entries.append(
                new_entry(line_id, self.rank, _TRANSFER, -amount, group, reason, remarks, transfers, adj.segment)
            )
            self.entries.append(
                new_entry(line_id, self.receiver, _TRANSFER, amount, group, reason, remarks, transfers, adj.segment)
            )
            if self.receiver == PATIENT:
                self.to_patient += amount
            else:
                self.to_next_payer += amount
        elif treatment is _T_DENIAL:
            self.denied += amount
            if not self.reversal:
                self.asked.append(AskedDenial(line_id, adj, rule, remarks))
        elif treatment is _T_PENDING:
            self.pending += amount
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
            self.informational += amount


# What one (group, CARC, RARCs) asks of posting: the group's text, the reason code the
# entries carry, the rule, and its treatment of a positive and of a negative amount.
_Known = tuple[str, str, TreatmentRule, Treatment, Treatment]
# The rules already looked up, per table (the table itself kept with them, so that an id
# reused by a later table can never find an earlier table's rules). A run uses one table.
_TABLES: dict[int, tuple[TreatmentLookup, dict[tuple[AdjustmentGroup, str, tuple[str, ...]], _Known]]] = {}


def _rules_of(table: TreatmentLookup) -> dict[tuple[AdjustmentGroup, str, tuple[str, ...]], _Known]:
    held = _TABLES.get(id(table))
    if held is None or held[0] is not table:
        if len(_TABLES) >= 8:  # tables made one after another (tests) must not pile up
            _TABLES.clear()
        held = _TABLES[id(table)] = (table, {})
    return held[1]


def _rule(table: TreatmentLookup, adj: Adjustment, remarks: tuple[str, ...]) -> _Known:
    group = str(adj.group)
    rule = table.lookup(group, adj.reason_code, remarks)
    return group, rule.carc or adj.reason_code, rule, effective_treatment(rule, 1), effective_treatment(rule, -1)

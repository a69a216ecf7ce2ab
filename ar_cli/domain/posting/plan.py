"""The posting plan for one claim payment: every entry, denial and follow-up it makes,
or the reason it parks (DESIGN.md, "The money model").

How each amount is planned, on the paying coverage (rank r, found from the payer id):

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

A claim payment with a blocking problem plans nothing and parks CLP04. Statuses 23 and
25 without money post nothing. A reversal (22) is planned like any payment: its amounts
arrive negated, so its entries are the original's negated; it opens no denial or
follow-up (negative denial and pending amounts are informational, and the service
supersedes the original's denials).

This runs once per claim payment (a hundred thousand per large file), so values are
built with the quick constructors of posting_values and the work state is plain slots.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import Protocol

from ar_cli.domain.claims.records import PATIENT, Claim
from ar_cli.domain.codes.treatments import Treatment, TreatmentRule, effective_treatment
from ar_cli.domain.money import cents_to_text
from ar_cli.domain.posting.checks import (
    CROSSOVER_FOLLOW_UP_DAYS,
    CROSSOVER_STATUSES,
    DENIED,
    NO_POST_STATUSES,
    NOT_OURS,
    PENDING_FOLLOW_UP_DAYS,
    REVERSAL,
    adjustment_remarks,
    check_claim,
    check_patient,
    check_payer,
    coverage_rank,
    next_responsibility,
    normalize_status,
)
from ar_cli.domain.posting.denial_caps import AskedDenial, EarlierDenial, LineBalances, cap_denials
from ar_cli.domain.posting.match import match_lines
from ar_cli.domain.posting.result import ClaimPlan, Disposition, PlanTotals, new_plan, new_totals
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
    new_entry,
    new_follow_up,
)
from ar_cli.domain.remittance.advice import Adjustment, ClaimPayment


class TreatmentLookup(Protocol):
    """TreatmentTable or CodeKnowledge: anything that answers `lookup`."""

    def lookup(self, group: str, carc: str, rarcs: Sequence[str] = ()) -> TreatmentRule: ...


def plan_claim_payment(
    claim: Claim,
    payment: ClaimPayment,
    *,
    payer_id: int,
    balances: Mapping[int, int],
    table: TreatmentLookup,
    line_balances: LineBalances | None = None,
    used_line_ids: Collection[int] = frozenset(),
    patient_confirmed: bool = False,
    earlier_denials: Sequence[EarlierDenial] = (),
    repeat_of: int | None = None,
    pays: bool = True,
) -> ClaimPlan:
    """The plan for `payment` on `claim`, remitted by the ledger payer `payer_id`.

    balances: what each responsibility owes on the claim now (claim_balance rows),
        after anything earlier in the same remittance (a reversal before its correction).
    line_balances: the same per (claim line id or None, responsibility), when the caller
        has them: they cap a line's denial at what the coverage holds on that line plus
        its claim-level money. Without them, denials are capped at the claim balance.
    used_line_ids: claim lines earlier payments of this claim in the same remittance used.
    patient_confirmed: a person said this is the claim's patient (`exceptions apply`
        on a payment parked without its names): the patient check is skipped.
    earlier_denials: the claim's denials still worked: they hold their money before
        this payment's denials, and one said again is not opened again (cap_denials).
    repeat_of: the segment of an earlier payment of the same claim in this remittance,
        when that one was not a reversal (None otherwise). Such a payment posts only as
        a split claim (every service line on a claim line no earlier payment used);
        otherwise it is held as REPEATED_CLAIM_NUMBER, whatever else is wrong with it,
        so the claim is never posted twice because its number repeats.
    pays: False for a notification-only remittance (BPR01 H): no payment entries and
        nothing parked; the adjudication (adjustments, denials) posts.
    """
    status = normalize_status(payment.status_code)
    rank = coverage_rank(claim, payer_id, status)
    matches = tuple(match_lines(claim, payment, used_line_ids))
    problems = check_payer(claim, payment, rank, status)
    if not patient_confirmed:
        problems += check_patient(claim, payment, rank)
    problems += check_claim(claim, payment, status)
    if any(m.claim_line_id is None for m in matches):
        problems += _unmatched(claim, matches)
    plan = _Plan(claim, payment, status, rank, matches, pays)
    repeated = repeat_of is not None and status != REVERSAL
    if repeated and (not payment.lines or any(m.claim_line_id is None for m in matches)
                     or any(p.blocks for p in problems)):
        return plan.not_posted([_repeated(claim, payment, repeat_of, problems)], park=True)
    if rank is None or (problems and any(p.blocks for p in problems)):
        return plan.not_posted(problems, park=True)
    if status in NO_POST_STATUSES:
        kind = ProblemKind.FORWARDED_NOT_OURS if status == NOT_OURS else ProblemKind.PREDETERMINATION
        problems.append(PostingProblem(kind=kind, segment=payment.segment, message=(
            f"claim {claim.claim_number}: segment {payment.segment}: status {status} posts nothing")))
        return plan.not_posted(problems, park=False)

    work = _Work(payment, rank, table, next_responsibility(claim, rank), reversal=status == REVERSAL, pays=pays)
    for match in matches:
        work.service_line(match)
    for adjustment in payment.adjustments:
        work.adjustment(adjustment, None, payment.remark_codes)
    work.pay(None, payment.paid - sum(line.paid for line in payment.lines), payment.segment)
    sums = work.sums
    lowered = sums["paid"] + sums["contractual"] + sums["to_next_payer"] + sums["to_patient"]
    held = balances.get(rank, 0)
    if lowered > held:
        if repeated:
            return plan.not_posted([_repeated(claim, payment, repeat_of, problems)], park=True)
        problems.append(PostingProblem(
            kind=ProblemKind.OVER_ADJUSTED, segment=payment.segment, amount=lowered - held,
            message=f"claim {claim.claim_number}: segment {payment.segment}: paid, written down and "
                    f"moved {cents_to_text(lowered)}, but coverage {rank} holds {cents_to_text(held)}"))
        return plan.not_posted(problems, park=True)

    repeats: list[tuple[Hashable, int]] = []
    denials = cap_denials(claim.claim_number, rank, work.asked, open_total=held - lowered,
                          entries=work.entries, line_balances=line_balances, problems=problems,
                          earlier=earlier_denials, repeats=repeats) if work.asked else []
    if status in CROSSOVER_STATUSES:
        if work.receiver == PATIENT:
            problems.append(PostingProblem(
                kind=ProblemKind.CROSSOVER_WITHOUT_NEXT_COVERAGE, segment=payment.segment,
                message=f"claim {claim.claim_number}: segment {payment.segment}: status {status} says "
                        "the claim was forwarded, but it has no next coverage"))
        work.follow_ups.append(new_follow_up(FollowUpKind.CROSSOVER, None, work.receiver,
                                             CROSSOVER_FOLLOW_UP_DAYS, amount=sums["to_next_payer"],
                                             segment=payment.segment))
    denied_open = sum([d.amount for d in denials]) if denials else 0
    return plan.posted(work, tuple(denials), problems, new_totals(
        payment.charge, denied_open=denied_open, **sums), tuple(repeats))


def _repeated(claim: Claim, payment: ClaimPayment, first: int | None,
              problems: Sequence[PostingProblem]) -> PostingProblem:
    """The one problem of a claim payment held because its claim number repeats: what
    else was found is named after it (a mismatch is a symptom here, not the cause)."""
    also = sorted({p.kind.value for p in problems if p.severity is not Severity.WARNING})
    return PostingProblem(
        kind=ProblemKind.REPEATED_CLAIM_NUMBER, segment=payment.segment, amount=payment.paid,
        message=f"claim {claim.claim_number}: segment {payment.segment}: the claim number repeats within the "
                f"remittance (first at segment {first}) and this payment is not a split of the claim's lines "
                f"or a correction after a reversal; held, not posted twice"
                + (f" (also: {', '.join(also)})" if also else ""))


def _unmatched(claim: Claim, matches: Sequence[LineMatch]) -> list[PostingProblem]:
    return [PostingProblem(
        kind=ProblemKind.UNMATCHED_LINE, segment=m.service_line.segment, amount=m.service_line.charge,
        message=f"claim {claim.claim_number}: segment {m.service_line.segment}: service line "
                f"{m.index + 1} matches no claim line; posted at claim level")
        for m in matches if m.method is MatchMethod.NONE]


class _Plan:
    """What every ClaimPlan of this payment shares, and the two ways to finish one."""

    __slots__ = ("claim", "matches", "payment", "pays", "rank", "status")

    def __init__(self, claim: Claim, payment: ClaimPayment, status: str, rank: int | None,
                 matches: tuple[LineMatch, ...], pays: bool = True) -> None:
        self.claim, self.payment, self.status, self.rank, self.matches = claim, payment, status, rank, matches
        self.pays = pays  # False: notification only (BPR01 H), nothing to park

    def _finish(self, disposition: Disposition, **rest: object) -> ClaimPlan:
        return new_plan(
            claim_id=self.claim.id, claim_number=self.claim.claim_number, payment_segment=self.payment.segment,
            status_code=self.status, payer_rank=self.rank, disposition=disposition, matches=self.matches,
            crossover=self.status in CROSSOVER_STATUSES, claim_denied=self.status == DENIED,
            is_reversal=self.status == REVERSAL, **rest)

    def not_posted(self, problems: list[PostingProblem], *, park: bool) -> ClaimPlan:
        parked = self.payment.paid if park and self.pays else 0
        return self._finish(
            Disposition.PARK if park else Disposition.RECORD_ONLY, entries=(), denials=(), follow_ups=(),
            problems=tuple(problems), totals=new_totals(self.payment.charge, parked=parked), parked=parked,
            line_ids_used=frozenset())

    def posted(self, work: _Work, denials: tuple[DenialToOpen, ...], problems: list[PostingProblem],
               totals: PlanTotals, repeated_denials: tuple[tuple[Hashable, int], ...] = ()) -> ClaimPlan:
        # A reversal uses no line: its correction must match the same lines again.
        used = frozenset() if self.status == REVERSAL else frozenset(
            [m.claim_line_id for m in self.matches if m.claim_line_id is not None])
        return self._finish(
            Disposition.POST, entries=tuple(work.entries), denials=denials, follow_ups=tuple(work.follow_ups),
            problems=tuple(problems), totals=totals, parked=0, line_ids_used=used,
            repeated_denials=repeated_denials)


_PAYMENT, _CONTRACTUAL, _TRANSFER = EntryKind.PAYMENT, EntryKind.CONTRACTUAL, EntryKind.TRANSFER
# Enum members read once: attribute access on an Enum class is slow in Python 3.11.
_T_CONTRACTUAL, _T_PATIENT, _T_DENIAL, _T_PENDING = (
    Treatment.CONTRACTUAL, Treatment.PATIENT, Treatment.DENIAL, Treatment.PENDING)
_F_PENDING = FollowUpKind.PENDING


class _Work:
    """The plan while it is built: entries, asked denials, follow-ups and the sums by
    treatment (private and mutable; the result is frozen)."""

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

    def __init__(self, payment: ClaimPayment, rank: int, table: TreatmentLookup, receiver: int, *,
                 reversal: bool, pays: bool = True) -> None:
        self.payment, self.rank, self.table, self.receiver = payment, rank, table, receiver
        self.reversal = reversal  # opens no denial or follow-up: the service supersedes the original's
        self.entries: list[PlannedEntry] = []
        self.asked: list[AskedDenial] = []
        self.follow_ups: list[FollowUp] = []
        self.sums = {"paid": 0, "contractual": 0, "to_next_payer": 0, "to_patient": 0, "denied": 0,
                     "pending": 0, "informational": 0}  # PlanTotals' fields, filled in
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
            self.entries.append(new_entry(line_id, self.rank, _CONTRACTUAL, -amount, group, reason, remarks,
                                          None, adj.segment))
            self.sums["contractual"] += amount
        elif treatment is _T_PATIENT:
            self.transfers += 1
            self.entries.append(new_entry(line_id, self.rank, _TRANSFER, -amount, group, reason, remarks,
                                          self.transfers, adj.segment))
            self.entries.append(new_entry(line_id, self.receiver, _TRANSFER, amount, group, reason, remarks,
                                          self.transfers, adj.segment))
            self.sums["to_patient" if self.receiver == PATIENT else "to_next_payer"] += amount
        elif treatment is _T_DENIAL:
            self.sums["denied"] += amount
            if not self.reversal:
                self.asked.append(AskedDenial(line_id, adj, rule, remarks))
        elif treatment is _T_PENDING:
            self.sums["pending"] += amount
            if not self.reversal:
                self.follow_ups.append(new_follow_up(
                    _F_PENDING, line_id, self.rank, PENDING_FOLLOW_UP_DAYS, group, reason, remarks, amount,
                    adj.segment))
        else:
            self.sums["informational"] += amount

"""The posting plan for one claim payment: every entry, denial and follow-up it makes,
or the reason it parks (DESIGN.md, "The money model").

The claim payment is checked first (posting/checks.py) and its service lines matched to
the claim's (posting/match.py). A claim payment with a blocking problem plans nothing and
parks CLP04. Statuses 23 and 25 without money post nothing. Otherwise each amount is
planned on the paying coverage (posting/amounts.py), the plan parks when it would lower
the coverage by more than it holds, and the denials it asks for are capped
(posting/denial_caps.py). A reversal (22) is planned like any payment: its amounts
arrive negated, so its entries are the original's negated; it opens no denial or
follow-up (negative denial and pending amounts are informational, and the service
supersedes the original's denials).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence

from ar_cli.domain.claims.records import PATIENT, Claim
from ar_cli.domain.money import cents_to_text
from ar_cli.domain.posting import values
from ar_cli.domain.posting.amounts import PlanWork, TreatmentLookup
from ar_cli.domain.posting.checks import (
    CROSSOVER_FOLLOW_UP_DAYS,
    CROSSOVER_STATUSES,
    DENIED,
    NO_POST_STATUSES,
    NOT_OURS,
    REVERSAL,
    check_claim,
    check_patient,
    check_payer,
    coverage_rank,
    next_responsibility,
    normalize_status,
)
from ar_cli.domain.posting.denial_caps import EarlierDenial, LineBalances, cap_denials
from ar_cli.domain.posting.match import match_lines_once
from ar_cli.domain.posting.result import ClaimPlan, Disposition, PlanTotals, new_plan, new_totals
from ar_cli.domain.posting.values import (
    DenialToOpen,
    FollowUpKind,
    LineMatch,
    MatchMethod,
    PostingProblem,
    ProblemKind,
    Severity,
    new_follow_up,
)
from ar_cli.domain.remittance.advice import ClaimPayment


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
    matches, unmatched = match_lines_once(claim, payment, used_line_ids)
    problems = check_payer(claim, payment, rank, status)
    if not patient_confirmed:
        problems += check_patient(claim, payment, rank)
    problems += check_claim(claim, payment, status)
    if unmatched:
        problems += _unmatched(claim, matches)
    blocked = False
    for problem in problems:
        if problem.blocks:
            blocked = True
            break
    plan = _Plan(claim, payment, status, rank, matches, pays)
    repeated = repeat_of is not None and status != REVERSAL
    if repeated and (not payment.lines or unmatched or blocked):
        return plan.not_posted([_repeated(claim, payment, repeat_of, problems)], park=True)
    if rank is None or blocked:
        return plan.not_posted(problems, park=True)
    if status in NO_POST_STATUSES:
        kind = ProblemKind.FORWARDED_NOT_OURS if status == NOT_OURS else ProblemKind.PREDETERMINATION
        problems.append(
            PostingProblem(
                kind=kind,
                segment=payment.segment,
                message=(f"claim {claim.claim_number}: segment {payment.segment}: status {status} posts nothing"),
            )
        )
        return plan.not_posted(problems, park=False)

    work = PlanWork(payment, rank, table, next_responsibility(claim, rank), reversal=status == REVERSAL, pays=pays)
    for match in matches:
        work.service_line(match)
    if payment.adjustments:
        claim_remarks = payment.remark_codes
        for adjustment in payment.adjustments:
            work.adjustment(adjustment, None, claim_remarks)
    work.pay(None, payment.paid - work.lines_paid, payment.segment)
    lowered = work.lowered
    held = balances.get(rank, 0)
    if lowered > held:
        if repeated:
            return plan.not_posted([_repeated(claim, payment, repeat_of, problems)], park=True)
        problems.append(
            PostingProblem(
                kind=ProblemKind.OVER_ADJUSTED,
                segment=payment.segment,
                amount=lowered - held,
                message=f"claim {claim.claim_number}: segment {payment.segment}: paid, written down and "
                f"moved {cents_to_text(lowered)}, but coverage {rank} holds {cents_to_text(held)}",
            )
        )
        return plan.not_posted(problems, park=True)

    repeats: list[tuple[Hashable, int]] = []
    denials = (
        cap_denials(
            claim.claim_number,
            rank,
            work.asked,
            open_total=held - lowered,
            entries=work.entries,
            line_balances=line_balances,
            problems=problems,
            earlier=earlier_denials,
            repeats=repeats,
        )
        if work.asked
        else []
    )
    if status in CROSSOVER_STATUSES:
        if work.receiver == PATIENT:
            problems.append(
                PostingProblem(
                    kind=ProblemKind.CROSSOVER_WITHOUT_NEXT_COVERAGE,
                    segment=payment.segment,
                    message=f"claim {claim.claim_number}: segment {payment.segment}: status {status} says "
                    "the claim was forwarded, but it has no next coverage",
                )
            )
        work.follow_ups.append(
            new_follow_up(
                FollowUpKind.CROSSOVER,
                None,
                work.receiver,
                CROSSOVER_FOLLOW_UP_DAYS,
                amount=work.to_next_payer,
                segment=payment.segment,
            )
        )
    denied_open = 0
    for denial in denials:
        denied_open += denial.amount
    return plan.posted(work, tuple(denials), problems, work.totals(payment.charge, denied_open), tuple(repeats))


def _repeated(
    claim: Claim, payment: ClaimPayment, first: int | None, problems: Sequence[PostingProblem]
) -> PostingProblem:
    """The one problem of a claim payment held because its claim number repeats: what
    else was found is named after it (a mismatch is a symptom here, not the cause)."""
    also = sorted({p.kind.value for p in problems if p.severity is not Severity.WARNING})
    return PostingProblem(
        kind=ProblemKind.REPEATED_CLAIM_NUMBER,
        segment=payment.segment,
        amount=payment.paid,
        message=f"claim {claim.claim_number}: segment {payment.segment}: the claim number repeats within the "
        f"remittance (first at segment {first}) and this payment is not a split of the claim's lines "
        f"or a correction after a reversal; held, not posted twice" + (f" (also: {', '.join(also)})" if also else ""),
    )


def _unmatched(claim: Claim, matches: Sequence[LineMatch]) -> list[PostingProblem]:
    return [
        PostingProblem(
            kind=ProblemKind.UNMATCHED_LINE,
            segment=m.service_line.segment,
            amount=m.service_line.charge,
            message=f"claim {claim.claim_number}: segment {m.service_line.segment}: service line "
            f"{m.index + 1} matches no claim line; posted at claim level",
        )
        for m in matches
        if m.method is MatchMethod.NONE
    ]


class _Plan:
    """What every ClaimPlan of this payment shares, and the two ways to finish one."""

    __slots__ = ("claim", "matches", "payment", "pays", "rank", "status")

    def __init__(
        self,
        claim: Claim,
        payment: ClaimPayment,
        status: str,
        rank: int | None,
        matches: tuple[LineMatch, ...],
        pays: bool = True,
    ) -> None:
        self.claim, self.payment, self.status, self.rank, self.matches = claim, payment, status, rank, matches
        self.pays = pays  # False: notification only (BPR01 H), nothing to park

    def _finish(
        self,
        disposition: Disposition,
        entries: tuple[values.PlannedEntry, ...],
        denials: tuple[DenialToOpen, ...],
        follow_ups: tuple[values.FollowUp, ...],
        problems: tuple[PostingProblem, ...],
        totals: PlanTotals,
        parked: int,
        line_ids_used: frozenset[int],
        repeated_denials: tuple[tuple[Hashable, int], ...] = (),
    ) -> ClaimPlan:
        status = self.status
        # ClaimPlan's fields, in order (new_plan is positional: a hundred thousand a file)
        return new_plan(
            self.claim.id,
            self.claim.claim_number,
            self.payment.segment,
            status,
            self.rank,
            disposition,
            entries,
            denials,
            follow_ups,
            problems,
            self.matches,
            totals,
            parked,
            status in CROSSOVER_STATUSES,
            status == DENIED,
            status == REVERSAL,
            line_ids_used,
            repeated_denials,
        )

    def not_posted(self, problems: list[PostingProblem], *, park: bool) -> ClaimPlan:
        parked = self.payment.paid if park and self.pays else 0
        return self._finish(
            Disposition.PARK if park else Disposition.RECORD_ONLY,
            (),
            (),
            (),
            tuple(problems),
            new_totals(self.payment.charge, parked=parked),
            parked,
            _NO_LINES,
        )

    def posted(
        self,
        work: PlanWork,
        denials: tuple[DenialToOpen, ...],
        problems: list[PostingProblem],
        totals: PlanTotals,
        repeated_denials: tuple[tuple[Hashable, int], ...] = (),
    ) -> ClaimPlan:
        # A reversal uses no line: its correction must match the same lines again.
        if self.status == REVERSAL:
            used = _NO_LINES
        else:
            used = frozenset([m.claim_line_id for m in self.matches if m.claim_line_id is not None])
        return self._finish(
            _POST,
            tuple(work.entries),
            denials,
            tuple(work.follow_ups),
            tuple(problems),
            totals,
            0,
            used,
            repeated_denials,
        )


_POST = Disposition.POST
_NO_LINES: frozenset[int] = frozenset()

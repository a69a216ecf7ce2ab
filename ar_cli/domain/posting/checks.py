"""The checks a claim payment passes before it posts, and the small rules posting
shares with them: claim status codes (CLP02), the payer's place among the claim's
coverages, who receives a patient-responsibility amount, the patient check, claim and
line balancing, and a reversal against its original. Each check returns PostingProblem
values, with no PHI in them.

These run once per claim payment, a hundred thousand times per large file, so the
common case (nothing wrong) is kept to one pass and no message is built unless needed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ar_cli.domain.claims.records import PATIENT, Claim, Coverage
from ar_cli.domain.codes.book import normalize_carc
from ar_cli.domain.money import cents_to_text
from ar_cli.domain.posting.values import PostingProblem, ProblemKind
from ar_cli.domain.remittance.advice import AdjustmentGroup, ClaimPayment, Person, ServiceLine

#: CLP02 → the coverage rank it says the payer processed the claim as.
STATUS_RANK = {"1": 1, "2": 2, "3": 3, "19": 1, "20": 2, "21": 3}
CROSSOVER_STATUSES = frozenset({"19", "20", "21"})
DENIED = "4"
REVERSAL = "22"
NOT_OURS = "23"
PREDETERMINATION = "25"
#: Statuses that post nothing (DESIGN.md): 23 not ours, forwarded; 25 predetermination.
NO_POST_STATUSES = frozenset({NOT_OURS, PREDETERMINATION})
KNOWN_STATUSES = frozenset({*STATUS_RANK, DENIED, REVERSAL, *NO_POST_STATUSES})
#: Days to wait before following up a forwarded (crossover) claim or a pending amount.
CROSSOVER_FOLLOW_UP_DAYS = 30
PENDING_FOLLOW_UP_DAYS = 30
_PR = AdjustmentGroup.PATIENT_RESPONSIBILITY
_AMOUNT_NAMES = {"SVC02": "SVC02 (line charge)", "SVC03": "SVC03 (line paid)"}


def normalize_status(code: str) -> str:
    """'01' → '1', ' 22' → '22': the code book reads statuses the same way."""
    return code if code in KNOWN_STATUSES else normalize_carc(code)


def coverage_rank(claim: Claim, payer_id: int, status: str) -> int | None:
    """The remitting payer's rank among the claim's coverages, None when it is not one.

    When the same payer holds two ranks (Medicare and its own supplement under one id),
    the rank CLP02 names wins if it is one of them, else the lowest.
    """
    ranks = [c.rank for c in claim.coverages if c.payer_id == payer_id]
    if not ranks:
        return None
    said = STATUS_RANK.get(normalize_status(status))
    return said if said in ranks else min(ranks)


def next_responsibility(claim: Claim, rank: int) -> int:
    """Who a patient-responsibility amount moves to from coverage `rank`: the next
    coverage rank on the claim (a gap is skipped), else the patient."""
    later = [c.rank for c in claim.coverages if c.rank > rank]
    return min(later) if later else PATIENT


def adjustment_remarks(claim_remarks: Sequence[str], line_remarks: Sequence[str] = ()) -> tuple[str, ...]:
    """The RARCs a treatment lookup sees for one adjustment: the line's own first, then
    the claim's not already there (payers often send MA130 at claim level with CO-16 on
    the lines). The same order as services.codes.remarks_for_adjustment (era show)."""
    if not claim_remarks:
        return tuple(line_remarks)
    return (*line_remarks, *(r for r in claim_remarks if r not in line_remarks))


def check_payer(claim: Claim, payment: ClaimPayment, payer_rank: int | None, status: str) -> list[PostingProblem]:
    """payer_mismatch when the payer is not a coverage; a warning when CLP02's position
    (`status`, normalized) disagrees with the payer's rank: the payer's place decides."""
    if payer_rank is None:
        return [
            PostingProblem(
                kind=ProblemKind.PAYER_MISMATCH,
                segment=payment.segment,
                message=f"claim {claim.claim_number}: segment {payment.segment}: the remitting payer is not "
                "one of the claim's coverages",
            )
        ]
    said = STATUS_RANK.get(status)
    if said is not None and said != payer_rank:
        return [
            PostingProblem(
                kind=ProblemKind.STATUS_RANK_MISMATCH,
                segment=payment.segment,
                message=f"claim {claim.claim_number}: segment {payment.segment}: status {payment.status_code} "
                f"says coverage {said}, but the payer is coverage {payer_rank} on the claim; posted as "
                f"coverage {payer_rank}",
            )
        ]
    return []


def patient_matches(claim: Claim, coverage: Coverage, payment: ClaimPayment) -> bool:
    """The payment is for the claim's patient: a member id on the payment (patient or
    insured: a dependant's payment may carry only the subscriber's id) equals the
    coverage's, else the upper-cased last name and the first initial equal the claim's."""
    member_id = coverage.member_id.strip().upper()
    if member_id:
        for person in (payment.patient, payment.insured):
            if person is not None and person.identifier.strip().upper() == member_id:
                return True
    return payment.patient is not None and _same_name(claim, payment.patient)


def _same_name(claim: Claim, person: Person) -> bool:
    last, first = person.last_name.strip().upper(), person.first_name.strip().upper()
    mine_first = claim.patient_first.strip().upper()
    # A missing first name cannot confirm anything: a mismatch is never a guess.
    return (
        bool(last and first and mine_first) and last == claim.patient_last.strip().upper() and first[0] == mine_first[0]
    )


def check_patient(claim: Claim, payment: ClaimPayment, payer_rank: int | None) -> list[PostingProblem]:
    """patient_mismatch when patient_matches says no (skipped without a coverage: the
    payer check has already blocked)."""
    coverage = claim.coverage(payer_rank) if payer_rank is not None else None
    if coverage is None or patient_matches(claim, coverage, payment):
        return []
    return [
        PostingProblem(
            kind=ProblemKind.PATIENT_MISMATCH,
            segment=payment.segment,
            message=f"claim {claim.claim_number}: segment {payment.segment}: the patient on the "
            "remittance matches neither the coverage's member id nor the claim's patient name",
        )
    ]


def claim_difference(payment: ClaimPayment) -> int:
    """(CLP03 − CLP04) − (Σ claim CAS + Σ line CAS): 0 when the claim balances."""
    adjusted = sum(a.amount for a in payment.adjustments)
    adjusted += sum(a.amount for line in payment.lines for a in line.adjustments)
    return payment.charge - payment.paid - adjusted


def line_difference(line: ServiceLine) -> int:
    """(SVC02 − SVC03) − Σ line CAS: 0 when the line balances."""
    return line.charge - line.paid - sum(a.amount for a in line.adjustments)


def check_claim(claim: Claim, payment: ClaimPayment, status: str) -> list[PostingProblem]:
    """Status (`status`: CLP02 normalized), claim and line balancing, a reversal's sign,
    money on a status that posts nothing, and (a warning) Σ PR ≠ CLP05."""
    adjusted = patient_share = 0
    for a in payment.adjustments:
        adjusted += a.amount
        if a.group is _PR:
            patient_share += a.amount
    unbalanced_lines = []
    missing_lines = []
    for line in payment.lines:
        line_adjusted = 0
        for a in line.adjustments:
            line_adjusted += a.amount
            if a.group is _PR:
                patient_share += a.amount
        adjusted += line_adjusted
        if line.missing_amounts:
            missing_lines.append(line)  # an empty amount is not $0.00: no balancing on it
        elif line.charge - line.paid != line_adjusted:
            unbalanced_lines.append((line, line.charge - line.paid - line_adjusted))
    difference = payment.charge - payment.paid - adjusted
    paid_on_no_post = status in NO_POST_STATUSES and (payment.paid or any(line.paid for line in payment.lines))
    if (
        status in KNOWN_STATUSES
        and not difference
        and not unbalanced_lines
        and not missing_lines
        and not paid_on_no_post
        and patient_share == payment.patient_responsibility
        and not (status == REVERSAL and payment.charge > 0)
    ):
        return []
    where = f"claim {claim.claim_number}: segment {payment.segment}"
    found: list[PostingProblem] = []
    for line in missing_lines:  # first: the exception's kind is the first blocking problem
        named = " and ".join(_AMOUNT_NAMES[m] for m in line.missing_amounts)
        found.append(
            PostingProblem(
                kind=ProblemKind.MISSING_LINE_AMOUNT,
                segment=line.segment,
                amount=payment.paid,
                message=f"claim {claim.claim_number}: segment {line.segment}: {named} missing (required); "
                "not read as 0.00: the claim payment is held",
            )
        )
    if missing_lines:
        return found  # the claim's sums rest on the missing amounts: no more to say
    if status not in KNOWN_STATUSES:
        found.append(
            PostingProblem(
                kind=ProblemKind.UNKNOWN_STATUS,
                segment=payment.segment,
                message=f"{where}: claim status {payment.status_code or '(empty)'} is not a 5010 status",
            )
        )
    if difference:
        found.append(
            PostingProblem(
                kind=ProblemKind.UNBALANCED_CLAIM,
                segment=payment.segment,
                amount=difference,
                message=f"{where}: charge {cents_to_text(payment.charge)} − paid {cents_to_text(payment.paid)} "
                f"differs from its adjustments by {cents_to_text(difference)}",
            )
        )
    for line, off in unbalanced_lines:
        found.append(
            PostingProblem(
                kind=ProblemKind.UNBALANCED_LINE,
                segment=line.segment,
                amount=off,
                message=f"claim {claim.claim_number}: segment {line.segment}: line charge "
                f"{cents_to_text(line.charge)} − paid {cents_to_text(line.paid)} differs "
                f"from its adjustments by {cents_to_text(off)}",
            )
        )
    if status == REVERSAL and payment.charge > 0:
        found.append(
            PostingProblem(
                kind=ProblemKind.REVERSAL_SIGN,
                segment=payment.segment,
                amount=payment.charge,
                message=f"{where}: a reversal (status 22) must carry negated amounts, but its charge "
                f"is {cents_to_text(payment.charge)}",
            )
        )
    if paid_on_no_post:
        found.append(
            PostingProblem(
                kind=ProblemKind.NO_POST_STATUS_WITH_MONEY,
                segment=payment.segment,
                amount=payment.paid,
                message=f"{where}: status {status} posts nothing, but the payment carries "
                f"{cents_to_text(payment.paid)}",
            )
        )
    if patient_share != payment.patient_responsibility:
        found.append(
            PostingProblem(
                kind=ProblemKind.PATIENT_RESPONSIBILITY_DIFFERS,
                segment=payment.segment,
                amount=patient_share - payment.patient_responsibility,
                message=f"{where}: patient responsibility {cents_to_text(payment.patient_responsibility)} "
                f"differs from its PR adjustments {cents_to_text(patient_share)}",
            )
        )
    return found


def payment_signature(payment: ClaimPayment, sign: int = 1) -> str:
    """Every amount of a claim payment as one canonical text, multiplied by `sign`: the
    claim (charge, paid, patient share), each line (charge, paid) and each adjustment
    (group, reason, amount), ';'-separated in file order. Stored with each posted payment
    so a later reversal can be compared with it (`check_reversal`) without the file.
    Built once per claim payment on the bulk path: codes are normalized through a cache."""
    parts = [f"c,{payment.charge * sign},{payment.paid * sign},{payment.patient_responsibility * sign}"]
    add = parts.append
    for a in payment.adjustments:
        add(f"a,{_GROUP_TEXT[a.group]},{_carc(a.reason_code)},{a.amount * sign}")
    for line in payment.lines:
        add(f"l,{line.charge * sign},{line.paid * sign}")
        for a in line.adjustments:
            add(f"a,{_GROUP_TEXT[a.group]},{_carc(a.reason_code)},{a.amount * sign}")
    return ";".join(parts)


_GROUP_TEXT = {g: g.value for g in AdjustmentGroup}
_CARCS: dict[str, str] = {}


def _carc(code: str) -> str:
    found = _CARCS.get(code)
    if found is None:
        if len(_CARCS) > 4096:  # a file full of junk codes must not grow it without end
            _CARCS.clear()
        found = _CARCS[code] = normalize_carc(code)
    return found


def check_reversal(
    reversal: ClaimPayment, original: ClaimPayment | str, original_paid: int | None = None
) -> list[PostingProblem]:
    """reversal_differs when a reversal (22) is not the exact negation of the original
    the service paired it with: charge, paid, patient share, or any line's charge and
    paid, or any adjustment (group, reason, amount) in any order. `original` is the
    payment itself or its stored `payment_signature` (then `original_paid` is its CLP04).
    The reversal still posts its own amounts (DESIGN.md); the exception asks a person to
    look at the difference."""
    if isinstance(original, str):
        signature, paid = original, original_paid or 0
    else:
        signature, paid = payment_signature(original), original.paid
    if Counter(payment_signature(reversal, -1).split(";")) == Counter(signature.split(";")):
        return []
    return [
        PostingProblem(
            kind=ProblemKind.REVERSAL_DIFFERS,
            segment=reversal.segment,
            amount=reversal.paid + paid,
            message=f"claim {reversal.claim_number}: segment {reversal.segment}: the reversal is not the exact "
            f"negation of the original payment it reverses (paid {cents_to_text(-reversal.paid)} "
            f"reversed against {cents_to_text(paid)})",
        )
    ]

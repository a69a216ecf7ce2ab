"""A payment posted by hand (a paper EOB, a patient at the desk, a row of a deposit
batch): its adjustments read from text, and the ledger entries it makes, planned
through the same treatment table the ERA posting reads (DESIGN.md, "The money model").

Pure: no storage. The service looks the claim, payer and balances up and writes the
plan; `plan_manual_payment` refuses what must not post.

What each treatment does here, on the coverage that paid (rank `rank`):

- contractual: a contractual entry (−amount) on that coverage;
- patient: a transfer (−amount on that coverage, +amount on `next_responsibility`);
- denial: no entry (the amount stays open on that coverage), and a denial is opened,
  as ERA posting opens one: the plan lists it in `denied` with its table category, and
  `cap_hand_denials` says how much of it the denial records (never more than the
  coverage still holds there beyond the denials already open on it);
- pending, informational: no entry.

Refused: a negative payment or adjustment (a reversal is not a payment by hand), an
adjustment on a patient payment, nothing to post at all, and a payment plus the
adjustments that lower the balance (contractual, patient) larger than what that
responsibility owes — on the claim, and on a claim line (`--line`) what it holds on
that line plus its claim-level money, the money an ERA line's denial may take
(posting_denials.take_open): a $300 row on a $20 line would leave the line at −$280
while the claim's other lines still owe in full. A credit balance can still arise from a reversal or a recoupment,
and is shown; a hand-typed overpayment is far more often a typo or the wrong claim, so
it is refused and nothing changes (refund or apply it elsewhere instead).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ar_cli.domain.claims.records import PATIENT, Claim, responsibility_name
from ar_cli.domain.codes.book import normalize_carc, normalize_group
from ar_cli.domain.codes.treatments import DenialCategory, Treatment, effective_treatment
from ar_cli.domain.errors import InputError, MoneyError
from ar_cli.domain.money import cents_from_text, cents_to_text
from ar_cli.domain.posting.amounts import TreatmentLookup
from ar_cli.domain.posting.checks import next_responsibility
from ar_cli.domain.posting.denial_caps import take_open

METHODS = ("check", "eft", "card", "cash")
_ADJUSTMENT = re.compile(r"^(CO|OA|PI|PR|CR)-?([A-Z0-9]{1,5})=(.*)$")


@dataclass(frozen=True, kw_only=True, slots=True)
class Adjustment:
    """One adjustment typed by hand: CAS group, CARC, amount in cents (positive)."""

    group: str
    carc: str
    amount: int

    def __str__(self) -> str:
        return f"{self.group}-{self.carc}={cents_to_text(self.amount)}"


@dataclass(frozen=True, kw_only=True, slots=True)
class DeniedAdjustment:
    """An adjustment the treatment table treats as a denial: the denial it opens has the
    table's CARC (`reason_code`) and `category`, as an ERA's would."""

    adjustment: Adjustment
    reason_code: str
    category: DenialCategory

    def __str__(self) -> str:
        return str(self.adjustment)


def parse_adjustment(text: str) -> Adjustment:
    """'CO-45=12.50' → Adjustment(CO, 45, 1250). Raises InputError naming the text."""
    code, equals, amount_part = text.strip().partition("=")
    found = _ADJUSTMENT.match(code.strip().upper().replace(" ", "") + equals + amount_part.strip())
    if not found:
        raise InputError(f"{text.strip()!r} is not an adjustment like CO-45=12.50 (group CO, OA, PI or PR)")
    group, carc, amount_text = found.groups()
    try:
        amount = cents_from_text(amount_text, allow_negative=False)
    except MoneyError as exc:
        raise InputError(f"{text.strip()!r}: the amount {exc}") from None
    if amount == 0:
        raise InputError(f"{text.strip()!r}: the amount is zero")
    return Adjustment(group=normalize_group(group), carc=normalize_carc(carc), amount=amount)


def parse_adjustments(text: str) -> tuple[Adjustment, ...]:
    """A batch cell: 'CO-45=12.50;PR-2=5.00' (empty → none)."""
    return tuple(parse_adjustment(part) for part in text.split(";") if part.strip())


def parse_method(text: str) -> str:
    method = text.strip().lower()
    if method not in METHODS:
        raise InputError(f"{text.strip()!r} is not one of {', '.join(METHODS)}")
    return method


def parse_amount(text: str) -> int:
    """The payment amount: exact cents, not negative."""
    try:
        return cents_from_text(text, allow_negative=False)
    except MoneyError as exc:
        raise InputError(str(exc)) from None


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{text.strip()!r} is not a date (YYYY-MM-DD)") from None


@dataclass(frozen=True, kw_only=True, slots=True)
class LineHolding:
    """What the paying responsibility holds on the claim line a payment names: on the
    line itself (`on_line`) and at claim level, on no line (`claim_level`; below zero
    when money was paid or written down without a line)."""

    number: int
    on_line: int
    claim_level: int

    @property
    def limit(self) -> int:
        """The most a payment on this line may lower: the line's own open money, then
        claim-level money, which is unattributed and may belong to any line."""
        return max(self.on_line, 0) + max(self.claim_level, 0)


@dataclass(frozen=True, kw_only=True, slots=True)
class PlannedEntry:
    """One ledger entry to write. `transfer` names the transfer both legs belong to
    (0, 1, …, within one plan) or is None."""

    responsibility: int
    kind: str  # payment | contractual | transfer
    amount: int
    group: str = ""
    reason_code: str = ""
    transfer: int | None = None


@dataclass(frozen=True, kw_only=True)
class PaymentPlan:
    rank: int
    entries: tuple[PlannedEntry, ...]
    paid: int
    written_down: int
    transferred: int
    transferred_to: int | None
    denied: tuple[DeniedAdjustment, ...] = ()
    not_posted: tuple[Adjustment, ...] = field(default=())  # pending, informational

    def deltas(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for entry in self.entries:
            out[entry.responsibility] = out.get(entry.responsibility, 0) + entry.amount
        return out


def plan_manual_payment(
    claim: Claim,
    *,
    rank: int,
    amount: int,
    adjustments: Sequence[Adjustment],
    table: TreatmentLookup,
    balances: Mapping[int, int],
    line: LineHolding | None = None,
) -> PaymentPlan:
    """The entries of a payment of `amount` cents by responsibility `rank` (a coverage
    rank, or PATIENT) with its adjustments; raises InputError when it must not post.

    `table` answers lookup(group, carc, rarcs) → TreatmentRule; `balances` is what each
    responsibility owes now; `line` what `rank` holds on the claim line paid, if any.
    """
    plan = plan_entries(claim, rank=rank, amount=amount, adjustments=adjustments, table=table)
    owed = balances.get(rank, 0)
    lowered = plan.paid + plan.written_down + plan.transferred
    if lowered > owed:
        who = responsibility_name(rank)
        raise InputError(
            f"claim {claim.claim_number}: payment {cents_to_text(plan.paid)} + adjustments "
            f"{cents_to_text(plan.written_down + plan.transferred)} = {cents_to_text(lowered)} is more than "
            f"the {who} owes ({cents_to_text(owed)}); nothing posted"
        )
    if line is not None and lowered > line.limit:
        with_pool = " with its claim-level balance" if line.claim_level > 0 else ""
        raise InputError(
            f"claim {claim.claim_number} line {line.number}: payment {cents_to_text(plan.paid)} + adjustments "
            f"{cents_to_text(plan.written_down + plan.transferred)} = {cents_to_text(lowered)} is more than "
            f"the {responsibility_name(rank)} holds on that line ({cents_to_text(line.limit)}{with_pool}); "
            "nothing posted"
        )
    return plan


def plan_entries(
    claim: Claim, *, rank: int, amount: int, adjustments: Sequence[Adjustment], table: TreatmentLookup
) -> PaymentPlan:
    """`plan_manual_payment` before it compares the plan with what is owed: what the
    payment writes, to recognize one that is in the ledger already."""
    if amount < 0 or any(a.amount < 0 for a in adjustments):
        raise InputError("a payment by hand is not negative: reverse a payment by other means")
    if rank == PATIENT and adjustments:
        raise InputError("adjustments belong to a payer's payment, not to a patient payment")
    if amount == 0 and not adjustments:
        raise InputError("nothing to post: the amount is 0.00 and there are no adjustments")
    entries: list[PlannedEntry] = []
    if amount:
        entries.append(PlannedEntry(responsibility=rank, kind="payment", amount=-amount))
    written = moved = 0
    target = next_responsibility(claim, rank) if rank != PATIENT else None
    denied: list[DeniedAdjustment] = []
    not_posted: list[Adjustment] = []
    transfers = 0
    for adj in adjustments:
        rule = table.lookup(adj.group, adj.carc, ())
        treatment = effective_treatment(rule, adj.amount)
        if treatment is Treatment.CONTRACTUAL:
            written += adj.amount
            entries.append(
                PlannedEntry(
                    responsibility=rank, kind="contractual", amount=-adj.amount, group=adj.group, reason_code=adj.carc
                )
            )
        elif treatment is Treatment.PATIENT:
            assert target is not None  # only a payer's payment has adjustments (refused above)
            moved += adj.amount
            entries.append(
                PlannedEntry(
                    responsibility=rank,
                    kind="transfer",
                    amount=-adj.amount,
                    group=adj.group,
                    reason_code=adj.carc,
                    transfer=transfers,
                )
            )
            entries.append(
                PlannedEntry(
                    responsibility=target,
                    kind="transfer",
                    amount=adj.amount,
                    group=adj.group,
                    reason_code=adj.carc,
                    transfer=transfers,
                )
            )
            transfers += 1
        elif treatment is Treatment.DENIAL:
            denied.append(
                DeniedAdjustment(
                    adjustment=adj, reason_code=rule.carc or adj.carc, category=rule.category or DenialCategory.OTHER
                )
            )
        else:
            not_posted.append(adj)
    return PaymentPlan(
        rank=rank,
        entries=tuple(entries),
        paid=amount,
        written_down=written,
        transferred=moved,
        transferred_to=target if moved else None,
        denied=tuple(denied),
        not_posted=tuple(not_posted),
    )


def cap_hand_denials(
    asked: Sequence[int],
    *,
    line_id: int | None,
    open_total: int,
    line_balances: Mapping[int | None, int],
    earlier: Sequence[tuple[int | None, int]] = (),
) -> list[int]:
    """How many cents each denial of a payment by hand records, in order: `asked` on
    claim line `line_id` (None: the claim), by the rule ERA posting caps with
    (posting_denials.take_open), after the payment's own entries are in the ledger.

    open_total: what the coverage holds on the claim; line_balances: what it holds per
    claim line (None: claim level). earlier: the coverage's denials still worked on the
    claim, (line id or None, cents at stake), oldest first: they hold their money first,
    so a denial typed again (two rows of a deposit, an EOB posted twice under another
    reference) records only what is not denied already, and often nothing.
    """
    lines = dict(line_balances)
    held = take_open(earlier, open_total=open_total, lines=lines)
    return take_open([(line_id, amount) for amount in asked], open_total=open_total - sum(held), lines=lines)

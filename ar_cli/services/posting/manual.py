"""`post payment`: one payment by hand (a paper EOB or a patient payment), one
transaction, audited. The shared `ManualPoster` also posts each row of a deposit
batch (batch_posting.py).

Entries carry source_ref '<method> <reference>' ('check 12345'), the payment date as
their effective date and the user as created_by. A payment already posted (same claim,
payer, reference, date and amount; for an EOB of adjustments only, the same entries
from that reference on that line and day) is skipped, not posted twice.

Transfers: both legs share a transfer_group one above the largest in the ledger,
taken under the write lock (ERA posting numbers its groups from source_id × 10⁹, so
the two do not meet).

A payer's payment of more than zero overturns that payer's denials on the line it pays
(and its claim-level denials), exactly as an ERA payment does
(services/denials/overturns.py); a patient's payment never does. Without --line a
payment is at claim level, so it overturns claim-level denials only.

A payer's denial-treatment adjustment (CO-50 …) posts nothing and opens a denial, as
an ERA's does (services/denials/rows.py): on the line paid (--line), else at claim
level, for at most what that coverage still holds there beyond its denials already
open, dated and with its appeal clock from the payment date; no remittance, no claim
payment. It opens after the payment's overturns, so a payment never overturns the
denials it opens itself. A patient payment takes no adjustments, so it opens none.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ar_cli.domain.claims.records import PATIENT, Claim, responsibility_name
from ar_cli.domain.errors import InputError
from ar_cli.domain.posting.manual_payment import (
    METHODS,
    Adjustment,
    LineHolding,
    PaymentPlan,
    plan_entries,
    plan_manual_payment,
)
from ar_cli.domain.posting.patient_billing import ToPatient
from ar_cli.services.context import Actor
from ar_cli.services.denials.overturns import overturn_stored
from ar_cli.services.denials.rows import OpenedDenial, open_hand_denials
from ar_cli.services.posting.patient_billing import line_modifiers, refuse_unbillable
from ar_cli.store import claims_repo, remittances_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.payers_repo import find_payer
from ar_cli.store.periods_repo import ensure_period_open
from ar_cli.store.queries import entries
from ar_cli.store.tables import LedgerEntryRow, PayerRow


@dataclass(frozen=True, kw_only=True)
class ManualPayment:
    """A payment as typed: payer None means the patient paid."""

    claim_number: str
    amount: int
    payer: str | None
    method: str
    reference: str
    paid_on: date
    line: int | None = None
    adjustments: tuple[Adjustment, ...] = ()


@dataclass(kw_only=True)
class PostedPayment:
    claim_number: str
    payer: str  # payer code, or 'patient'
    responsibility: str
    reference: str
    paid: int = 0
    written_down: int = 0
    transferred: int = 0
    transferred_to: str = ""
    denied: list[str] = field(default_factory=list)
    opened: list[OpenedDenial] = field(default_factory=list)  # one per denied adjustment
    not_posted: list[str] = field(default_factory=list)
    overturned: list[int] = field(default_factory=list)  # denial ids this payment overturned
    recovered: int = 0  # cents of them it recovered
    skipped: bool = False

    @property
    def opened_ids(self) -> list[int]:
        """The ids of the denials the payment opened, in the order typed."""
        return [o.denial_id for o in self.opened if o.denial_id is not None]


@dataclass
class _Prepared:
    payment: ManualPayment
    claim: Claim
    payer: PayerRow | None
    payer_id: int | None
    payer_code: str
    line_id: int | None
    rank: int
    plan: PaymentPlan | None  # None: a repeat, skipped


_WAIVER_HINT = "a waiver recorded on the claim: denials resolve --to-patient --waiver REF"


class ManualPoster:
    """Checks and writes payments by hand inside one write transaction. `prepare` raises
    InputError (one line, no location) and keeps balances in memory, per claim and per
    (claim line, responsibility), so several payments on one claim or line in a batch
    are checked against what the earlier ones left."""

    def __init__(
        self,
        session,
        rec: ChangeRecorder,
        *,
        actor: Actor,
        posting_date: date,
        table,
        source_file_id: int | None = None,
    ) -> None:
        self.session, self.rec, self.actor = session, rec, actor
        self.posting_date, self.table, self.source_file_id = posting_date, table, source_file_id
        self._claims: dict[str, Claim] = {}
        self._balances: dict[int, dict[int, int]] = {}
        self._line_balances: dict[int, dict[tuple[int | None, int], int]] = {}
        self._seen: dict[tuple, str] = {}
        self._next_group: int | None = None

    def prepare(self, payment: ManualPayment, *, where: str = "") -> _Prepared:
        if payment.method not in METHODS:
            raise InputError(f"{payment.method!r} is not one of {', '.join(METHODS)}")
        reference = payment.reference.strip()
        if not reference:
            raise InputError("the reference (check number, EFT trace, receipt) is empty")
        if len(reference) > 100:
            raise InputError("the reference is longer than 100 characters")
        claim = self._claim(payment.claim_number)
        payer, payer_id, payer_code, rank = None, None, "patient", PATIENT
        if payment.payer is not None:
            payer = find_payer(self.session, payment.payer)
            ranks = [c.rank for c in claim.coverages if c.payer_id == payer.id]
            if not ranks:
                held = ", ".join(c.payer_code for c in claim.coverages) or "none: self-pay"
                raise InputError(
                    f"payer {payer.code} is not a coverage on claim {claim.claim_number} (its coverages: {held})"
                )
            payer_id, payer_code, rank = payer.id, payer.code, min(ranks)
        line_id = None
        if payment.line is not None:
            line = next((ln for ln in claim.lines if ln.line_number == payment.line), None)
            if line is None:
                numbers = ", ".join(str(ln.line_number) for ln in claim.lines)
                raise InputError(f"claim {claim.claim_number} has no line {payment.line} (its lines: {numbers})")
            line_id = line.id
        key = (claim.id, payer_id, reference, payment.paid_on, payment.amount)
        if not payment.amount:  # an adjustments-only EOB: its line and adjustments tell it apart
            key += (line_id, tuple(sorted(str(a) for a in payment.adjustments)))
        if key in self._seen:
            raise InputError(f"same claim, payer, reference, date and amount as {self._seen[key]}")
        self._seen[key] = where or "an earlier payment"
        if self._already_posted(claim, payer_id, rank, line_id, reference, payment):
            return _Prepared(payment, claim, payer, payer_id, payer_code, line_id, rank, None)
        balances, lines = self._balances[claim.id], self._line_balances[claim.id]
        holding = (
            None
            if line_id is None
            else LineHolding(
                number=payment.line, on_line=lines.get((line_id, rank), 0), claim_level=lines.get((None, rank), 0)
            )
        )
        plan = plan_manual_payment(
            claim,
            rank=rank,
            amount=payment.amount,
            adjustments=payment.adjustments,
            table=self.table,
            balances=balances,
            line=holding,
        )
        # What the table moves to the patient must be billable to the patient (a PR code
        # always is; a practice's override may make a CO code a patient treatment).
        refuse_unbillable(
            self.session,
            claim,
            [
                ToPatient(
                    what="adjustment",
                    group=e.group,
                    reason_code=e.reason_code,
                    amount=e.amount,
                    line_modifiers=line_modifiers(claim, line_id),
                )
                for e in plan.entries
                if e.responsibility == PATIENT and e.kind == "transfer" and e.amount > 0
            ],
            waiver_hint=_WAIVER_HINT,
        )
        for resp, delta in plan.deltas().items():
            balances[resp] = balances.get(resp, 0) + delta
            lines[(line_id, resp)] = lines.get((line_id, resp), 0) + delta  # write() puts every entry there
        return _Prepared(payment, claim, payer, payer_id, payer_code, line_id, rank, plan)

    def _claim(self, number: str) -> Claim:
        number = number.strip()
        if number not in self._claims:
            claim = claims_repo.get_claim(self.session, number)
            self._claims[number] = claim
            self._balances[claim.id] = claims_repo.balances_of(self.session, claim.id)
            self._line_balances[claim.id] = remittances_repo.line_balances(self.session, [claim.id]).get(claim.id, {})
        return self._claims[number]

    def _already_posted(
        self, claim: Claim, payer_id: int | None, rank: int, line_id: int | None, reference: str, payment: ManualPayment
    ) -> bool:
        """The same claim, payer, reference, date and amount posted before. An
        adjustments-only EOB (amount 0) leaves no payment entry: it was posted before
        when every entry it would write is there already from that reference, on that
        line and day (a second write-down of the same EOB would lower the balance twice)."""
        sources = [f"{m} {reference}" for m in METHODS]
        if payment.amount:
            return entries.payment_posted(
                self.session,
                claim_id=claim.id,
                payer_id=payer_id,
                rank=rank,
                effective=payment.paid_on,
                amount=payment.amount,
                sources=sources,
            )
        planned = Counter(
            (p.responsibility, p.kind, p.group, p.reason_code, p.amount)
            for p in plan_entries(claim, rank=rank, amount=0, adjustments=payment.adjustments, table=self.table).entries
        )
        if not planned:
            return False  # denial codes only: the denials' cap keeps a repeat from denying twice
        there = entries.entries_from(
            self.session,
            claim_id=claim.id,
            payer_id=payer_id,
            line_id=line_id,
            effective=payment.paid_on,
            sources=sources,
        )
        return not planned - there

    def write(self, prepared: _Prepared) -> PostedPayment:
        payment, claim, plan = prepared.payment, prepared.claim, prepared.plan
        result = PostedPayment(
            claim_number=claim.claim_number,
            payer=prepared.payer_code,
            responsibility=responsibility_name(prepared.rank),
            reference=f"{payment.method} {payment.reference.strip()}",
        )
        if plan is None:
            result.skipped = True
            return result
        groups: dict[int, int] = {}
        rows, deltas, since = [], {}, {}
        for entry in plan.entries:
            group = None
            if entry.transfer is not None:
                if entry.transfer not in groups:
                    groups[entry.transfer] = self._transfer_group()
                group = groups[entry.transfer]
            rows.append(
                {
                    "claim_id": claim.id,
                    "line_id": prepared.line_id,
                    "responsibility": entry.responsibility,
                    "kind": entry.kind,
                    "amount": entry.amount,
                    "posting_date": self.posting_date,
                    "effective_date": payment.paid_on,
                    "payer_id": prepared.payer_id,
                    "adjustment_group": entry.group,
                    "reason_code": entry.reason_code,
                    "remark_codes": "",
                    "source_file_id": self.source_file_id,
                    "source_ref": result.reference,
                    "transfer_group": group,
                    "created_by": self.actor.user,
                }
            )
            key = (claim.id, entry.responsibility)
            deltas[key] = deltas.get(key, 0) + entry.amount
            since[key] = payment.paid_on
        self.rec.insert(LedgerEntryRow, rows)
        claims_repo.apply_balance_deltas(self.session, deltas, since=since)
        if prepared.payer_id is not None and plan.paid > 0:
            overturned = overturn_stored(
                self.session,
                self.rec,
                claim_id=claim.id,
                payer_id=prepared.payer_id,
                paid_by_line={prepared.line_id: plan.paid},
                on=payment.paid_on,
            )
            result.overturned = [o.denial_id for o in overturned]
            result.recovered = sum(o.recovered for o in overturned)
        if prepared.payer is not None:
            result.opened = open_hand_denials(
                self.session,
                self.rec,
                claim_id=claim.id,
                line_id=prepared.line_id,
                rank=prepared.rank,
                payer=prepared.payer,
                denied=plan.denied,
                denied_on=payment.paid_on,
                now=self.actor.now,
            )
        # A patient's payment on a claim no payer has answered leaves it billed.
        remitted = prepared.payer_id is not None or claim.status != "billed"
        claims_repo.refresh_status(self.session, self.rec, claim.id, claim.status, remitted=remitted, paid_any=remitted)
        result.paid, result.written_down, result.transferred = plan.paid, plan.written_down, plan.transferred
        if plan.transferred_to is not None:
            result.transferred_to = responsibility_name(plan.transferred_to)
        result.denied = [str(a) for a in plan.denied]
        result.not_posted = [str(a) for a in plan.not_posted]
        return result

    def _transfer_group(self) -> int:
        if self._next_group is None:
            self._next_group = entries.next_transfer_group(self.session)
        group, self._next_group = self._next_group, self._next_group + 1
        return group


def post_payment(ledger: Ledger, payment: ManualPayment, *, actor: Actor, posting_date: date) -> PostedPayment:
    """Post one payment by hand in its own transaction (nothing changes on any error)."""
    from ar_cli.services.codes import load_code_knowledge

    with ledger.write() as session:
        ensure_period_open(session, posting_date)
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        poster = ManualPoster(session, rec, actor=actor, posting_date=posting_date, table=load_code_knowledge(session))
        result = poster.write(poster.prepare(payment))
        if rec.changed:
            details = {
                "payer": result.payer,
                "paid": result.paid,
                "written_down": result.written_down,
                "transferred": result.transferred,
                "date": payment.paid_on.isoformat(),
            }
            if result.overturned:
                details["overturned_denials"] = result.overturned
            if result.opened_ids:
                details["opened_denials"] = result.opened_ids
            rec.finish(
                action="post.payment",
                entity="claim",
                entity_key=result.claim_number,
                source=result.reference,
                details=details,
            )
    return result

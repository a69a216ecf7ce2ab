"""Posting one 835 transaction (ST/SE) inside its file's database transaction.

`RemittancePosting.start` fixes what the transaction's claim payments share (the
Remittance: payer, remittance row, dates, savepoint); `claim` takes its claim payments,
planned by the pure domain (domain/posting/era.py) a batch at a time, so that claims
and balances are read a batch at a time (batch.py); each plan is written as entries,
denials (denials.py), follow-ups, unapplied money and exceptions (held.py), a batch's
rows together. `end` ties it out (ending.py): when BPR02 does not tie to its claims and
PLBs the savepoint is rolled back and the remittance kept as rejected with the
difference (unless --force).

Every posted claim payment is kept (claim_payment, with all its amounts) so that:
- a reversal (CLP02 22) is paired with the payment it reverses (same payer and claim,
  payer claim number CLP07 else REF*F8), in an earlier file or earlier in this one;
  `check_reversal` compares them (a difference is an exception, the reversal still
  posts), its entries point at the original's (`reverses_id`), and the denials the
  original opened are superseded;
- a later payment of more than zero by the same payer on a denied line (never a
  reversal) overturns that line's denials for the amount paid.
"""

from __future__ import annotations

from collections import Counter

from ar_cli.domain.claims.records import Claim
from ar_cli.domain.claims.status import derive_status
from ar_cli.domain.errors import InputError
from ar_cli.domain.posting import era as posting
from ar_cli.domain.posting.result import ClaimPlan
from ar_cli.domain.posting.rows import earlier_denials, entry_rows, follow_up_rows, linked_to_originals, payment_row
from ar_cli.domain.remittance.advice import ClaimPayment, RemittanceEnded, RemittanceHeader
from ar_cli.services.era import denials, ending
from ar_cli.services.era.batch import LoadedBatch
from ar_cli.services.era.marks import ClaimMarks
from ar_cli.services.era.new_claims import create_claims_from_payments
from ar_cli.services.era.remittance import Held, PostingRun, Remittance, parked_remittance, start_remittance
from ar_cli.services.era.results import RemittanceResult
from ar_cli.store import claims_repo
from ar_cli.store.queries import era as queries
from ar_cli.store.tables import PayerRow, RemittanceRow

BATCH = 1000


class RemittancePosting:
    """One remittance transaction as its claim payments post."""

    def __init__(self, run: PostingRun, remittance: Remittance, result: RemittanceResult) -> None:
        self.run, self.remittance, self.result = run, remittance, result
        # The payer's id, read once: through the payer's ORM row it costs a microsecond a claim.
        self.payer_id = remittance.payer_id
        self.held = Held(run, remittance, result)
        self.claim_paid_total = 0
        self.pending: list[ClaimPayment] = []
        # Per claim: the claim lines earlier payments in this remittance used, as a bit
        # per line position (a set per claim cost ~250 bytes a claim: 250 MB in a
        # 1,000,000-claim file, against a 300 MB ceiling; a dict of ints ~45 bytes, in
        # ClaimMarks ~8 when the claim ids are dense: marks.py).
        self.used_lines = ClaimMarks()
        # Per claim paid in this remittance: the segment of its first payment, 0 after a
        # reversal (the next is its correction) or when none: a claim number that repeats
        # otherwise is held, never posted twice (posting_plan's repeat_of).
        self.seen_claims = ClaimMarks()

    @classmethod
    def start(cls, run: PostingRun, header: RemittanceHeader) -> RemittancePosting:
        """An 835 transaction starts (its remittance recorded, unless posted before)."""
        remittance, result = start_remittance(run, header)
        return cls(run, remittance, result)

    @classmethod
    def of_stored(cls, run: PostingRun, payer: PayerRow, row: RemittanceRow) -> RemittancePosting:
        """A stored remittance, to post a claim payment it parked (`post_parked`)."""
        result = RemittanceResult(control_number="", trace_number=row.trace_number, payer=payer.code, amount=row.amount)
        return cls(run, parked_remittance(run, payer, row), result)

    # -- claims -----------------------------------------------------------------------
    def claim(self, payment: ClaimPayment) -> None:
        self.result.claims += 1
        self.claim_paid_total += payment.paid
        if self.remittance.earlier is not None:
            return  # a repeat: nothing posts; the digest decides skip or conflict at the end
        self.pending.append(payment)
        if len(self.pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        run, payments, self.pending = self.run, self.pending, []
        claims = claims_repo.claims_by_number(run.session, [p.claim_number for p in payments])
        if run.create_claims:
            missing = [p for p in payments if p.claim_number not in claims and p.status_code.lstrip("0") != "22"]
            if missing:
                create_claims_from_payments(
                    run.session,
                    run.rec,
                    missing,
                    payer=self.remittance.payer,
                    effective=self.remittance.effective,
                    actor=run.actor,
                    posting_date=run.posting_date,
                    source_id=run.source_id,
                )
                claims = claims_repo.claims_by_number(run.session, [p.claim_number for p in payments])
        loaded = LoadedBatch(run, claims, self.payer_id)
        # Payments still to come in this batch per claim number: a claim's line balances
        # move on only for a later payment of it here (the next batch reads them again).
        to_come = Counter([p.claim_number for p in payments])
        for payment in payments:
            claim = claims.get(payment.claim_number)
            if claim is None:
                self.held.unmatched(payment)
                continue
            to_come[payment.claim_number] -= 1
            plan = self._plan(loaded, claim, payment, again=to_come[payment.claim_number] > 0)
            self._write_plan(loaded, claim, payment, plan)
        loaded.write(run)

    def _plan(
        self,
        loaded: LoadedBatch,
        claim: Claim,
        payment: ClaimPayment,
        *,
        patient_confirmed: bool = False,
        again: bool = True,
    ) -> ClaimPlan:
        """The payment's plan; the batch's balances move on by it, and its line balances
        when the claim has another payment in the batch (`again`); else they are dropped
        (None: read again, they would fail loudly rather than be stale)."""
        # A reversal undoes an earlier payment: it matches the lines that payment used,
        # and frees them for the correction that follows.
        reversal = payment.status_code.lstrip("0") == "22"
        used = 0 if reversal else self.used_lines.get(claim.id)
        candidates = loaded.overturnable.get(claim.id)
        seen = self.seen_claims.get(claim.id)
        balances, lines = loaded.balances, loaded.lines
        plan = posting.plan_claim_payment(
            claim,
            payment,
            payer_id=self.payer_id,
            balances=balances[claim.id],
            table=self.run.table,
            line_balances=lines[claim.id],
            used_line_ids=frozenset(line.id for n, line in enumerate(claim.lines) if used >> n & 1)
            if used
            else frozenset(),
            patient_confirmed=patient_confirmed,
            earlier_denials=earlier_denials(candidates) if candidates else (),
            repeat_of=seen or None,
            pays=not self.remittance.notification,
        )
        if reversal:
            self.seen_claims[claim.id] = 0
        elif not seen:
            self.seen_claims[claim.id] = payment.segment
        balances[claim.id] = posting.balances_after(balances[claim.id], plan)
        lines[claim.id] = posting.line_balances_after(lines[claim.id], plan) if again else None
        if reversal:
            self.used_lines.pop(claim.id)
        elif plan.line_ids_used:
            used_ids = plan.line_ids_used
            mask = self.used_lines.get(claim.id)
            for n, line in enumerate(claim.lines):
                if line.id in used_ids:
                    mask |= 1 << n
            if mask:
                self.used_lines[claim.id] = mask
        return plan

    def _write_plan(self, loaded: LoadedBatch, claim: Claim, payment: ClaimPayment, plan: ClaimPlan) -> None:
        run, remittance, result, held = self.run, self.remittance, self.result, self.held
        balances_now = loaded.balances[claim.id]
        if plan.disposition is not posting.Disposition.POST:
            blocking = [p for p in plan.problems if p.blocks]
            if plan.disposition is posting.Disposition.PARK:
                kind = blocking[0].kind.value if blocking else "not_posted"
                held.park(payment, kind, "; ".join(p.message for p in blocking) or "not posted", claim_id=claim.id)
            elif payment.paid or any(p.severity is not posting.Severity.WARNING for p in plan.problems):
                held.park(payment, plan.problems[0].kind.value, plan.problems[0].message, claim_id=claim.id)
            result.warnings.extend(p.message for p in plan.problems if not p.blocks)
            return
        if plan.repeated_denials:
            result.denials_repeated += denials.repeat_denials(loaded, remittance, claim, plan)
        original = (
            denials.pair_reversal(loaded, run, remittance, held, claim, payment, plan) if plan.is_reversal else None
        )
        rows, run.transfers.value = entry_rows(claim.id, plan.entries, remittance.stamp, run.transfers.value)
        if original is not None:
            if rows:
                rows = linked_to_originals(rows, queries.entries_of_payment(run.session, original))
        else:
            denials.overturn(loaded, remittance, claim, plan)
        batch = loaded.rows
        batch.add_entries(claim.id, rows, remittance.effective)
        denials.open_denials(loaded, run, remittance, claim, plan)
        if plan.follow_ups:
            batch.follow_ups.extend(
                follow_up_rows(
                    claim.id, plan.follow_ups, effective=remittance.effective, now=run.actor.now, user=run.actor.user
                )
            )
        batch.payments.append(
            payment_row(
                claim.id,
                payment,
                plan,
                event_id=run.rec.event_id,
                payer_id=self.payer_id,
                remittance_id=remittance.id,
                reverses_id=original.id if original is not None else None,
            )
        )
        batch.numbers.add(claim.claim_number)
        totals = plan.totals
        result.money_paid += totals.paid
        result.money_written_down += totals.contractual
        result.money_to_patient += totals.to_patient
        result.money_to_next_payer += totals.to_next_payer
        result.money_denied += totals.denied_open
        result.reversed += plan.is_reversal
        result.crossed_over += plan.crossover
        if plan.claim_denied or (totals.paid == 0 and plan.denials):
            result.denied += 1
        elif not plan.is_reversal:
            owed = balances_now.get(plan.payer_rank, 0)
            result.paid_in_full += owed == 0
            result.partially_paid += owed != 0
        if plan.problems:
            for problem in plan.problems:
                if problem.severity is posting.Severity.EXCEPTION:
                    held.exception(claim.claim_number, problem)
            result.warnings.extend(p.message for p in plan.problems if p.severity is posting.Severity.WARNING)
        open_denials, appealed = loaded.denial_counts.get(claim.id, (0, 0))
        if plan.denials:
            open_denials += sum(1 for d in plan.denials if d.amount > 0)
            loaded.denial_counts[claim.id] = (open_denials, appealed)
        status = derive_status(
            balances=balances_now, open_denials=open_denials, appealed=appealed, remitted=True, paid_any=True
        )
        if status != batch.statuses.get(claim.id, claim.status):
            batch.statuses[claim.id] = status

    # -- a parked claim payment, posted later -------------------------------------------
    def post_parked(self, payment: ClaimPayment, claim: Claim) -> ClaimPlan:
        """Post a claim payment an exception parked (its money is in the payer's unapplied
        account) onto `claim`, now that a person has named it: planned and written as its
        remittance would have, the patient taken as confirmed. Returns the plan; raises
        InputError, writing nothing, when it would still not post."""
        loaded = LoadedBatch(self.run, {claim.claim_number: claim}, self.payer_id)
        plan = self._plan(loaded, claim, payment, patient_confirmed=True)
        if plan.disposition is not posting.Disposition.POST:
            reasons = "; ".join(p.message for p in plan.problems if p.blocks) or "it posts nothing"
            raise InputError(f"claim {claim.claim_number}: the parked payment would not post: {reasons}")
        self._write_plan(loaded, claim, payment, plan)
        loaded.write(self.run)
        return plan

    # -- end --------------------------------------------------------------------------
    def end(self, ended: RemittanceEnded) -> RemittanceResult:
        self.result.warnings.extend(str(w) for w in ended.warnings)
        if self.remittance.earlier is not None:
            return ending.end_repeat(self.run, self.remittance, self.result, ended)
        if self.pending:
            self._flush()
        return ending.end_posted(self.run, self.remittance, self.result, self.held, ended, self.claim_paid_total)

"""What a remittance holds for a person: exceptions, claim payments parked (their money
in the payer's unapplied account) and unapplied money, each counted in its result."""

from __future__ import annotations

from ar_cli.domain.money import cents_to_text
from ar_cli.domain.posting.rows import parked_payload
from ar_cli.domain.posting.values import PostingProblem
from ar_cli.domain.remittance.advice import ClaimPayment
from ar_cli.services.era.remittance import PostingRun, Remittance
from ar_cli.services.era.results import RemittanceResult
from ar_cli.store.tables import ExceptionRow, UnappliedEntryRow


class Held:
    """Exceptions and unapplied money of one remittance."""

    def __init__(self, run: PostingRun, remittance: Remittance, result: RemittanceResult) -> None:
        self.run, self.remittance, self.result = run, remittance, result

    def exception(self, claim_number: str, problem: PostingProblem) -> None:
        run = self.run
        self.result.exception_ids.append(run.rec.insert_one(ExceptionRow, {
            "kind": problem.kind.value, "status": "open", "claim_number": claim_number,
            "payer_id": self.remittance.payer_id, "amount": problem.amount, "summary": problem.message[:400],
            "payload": "{}", "source_file_id": run.source_id, "source_ref": f"segment {problem.segment}",
            "created_at": run.actor.now}))

    def unmatched(self, payment: ClaimPayment) -> None:
        self.result.unmatched += 1
        self.park(payment, "unmatched_claim",
                  f"claim {payment.claim_number}: not in the ledger (segment {payment.segment}); "
                  f"{cents_to_text(payment.paid)} held in unapplied")

    def park(self, payment: ClaimPayment, kind: str, summary: str, claim_id: int | None = None) -> None:
        run, remittance = self.run, self.remittance
        exception_id = run.rec.insert_one(ExceptionRow, {
            "kind": kind, "status": "open", "claim_number": payment.claim_number, "payer_id": remittance.payer_id,
            "amount": payment.paid, "summary": summary[:400], "payload": parked_payload(payment, remittance.id),
            "source_file_id": run.source_id, "source_ref": f"segment {payment.segment}",
            "created_at": run.actor.now})
        self.result.exception_ids.append(exception_id)
        self.result.parked += 1
        if payment.paid and not remittance.notification:  # a notification's CLP04 is no money received
            self.unapplied(payment.paid, kind, payment.claim_number, exception_id=exception_id,
                           claim_id=claim_id, ref=f"segment {payment.segment}")

    def unapplied(self, amount: int, reason: str, reference: str, *, exception_id: int | None = None,
                  claim_id: int | None = None, ref: str = "", ledger_entry_id: int | None = None) -> int:
        run, remittance = self.run, self.remittance
        self.result.money_unapplied += amount
        return run.rec.insert_one(UnappliedEntryRow, {
            "payer_id": remittance.payer_id, "amount": amount, "reason": reason, "reference": reference[:120],
            "remittance_id": remittance.id, "exception_id": exception_id, "claim_id": claim_id,
            "ledger_entry_id": ledger_entry_id, "posting_date": run.posting_date,
            "effective_date": remittance.effective, "source_file_id": run.source_id, "source_ref": ref,
            "created_by": run.actor.user})

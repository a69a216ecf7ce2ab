"""The end of one remittance transaction (SE), its claim payments all posted.

A repeat of a remittance posted before is skipped (same digest) or held as a conflict.
Otherwise BPR02 must tie to the claim payments and PLB amounts: when it does not (and
not --force) the savepoint is rolled back and the remittance kept as rejected, with
the difference. The PLB amounts go to the payer's unapplied account (interest as
income, closed at once; a recoupment naming a claim applied to it). A notification
(BPR01 H) moves no money: nothing to tie, nothing unapplied.
"""

from __future__ import annotations

import json

from ar_cli.domain.money import cents_to_text
from ar_cli.domain.posting import era as posting
from ar_cli.domain.posting.provider import UnappliedPlan
from ar_cli.domain.remittance.advice import RemittanceEnded
from ar_cli.services.era.remittance import Held, PostingRun, Remittance
from ar_cli.services.era.results import RemittanceResult
from ar_cli.store import claims_repo, remittances_repo
from ar_cli.store.queries import era as queries
from ar_cli.store.tables import ExceptionRow, LedgerEntryRow, UnappliedEntryRow


def end_repeat(
    run: PostingRun, remittance: Remittance, result: RemittanceResult, ended: RemittanceEnded
) -> RemittanceResult:
    """A remittance posted before: skipped when its content is the same, else a conflict."""
    earlier, header = remittance.earlier, remittance.header
    same = earlier.digest == ended.digest
    result.status = "skipped" if same else "conflict"
    if not same:
        # The same conflict (this remittance, this other content) is one exception,
        # however often the file is posted again.
        payload = json.dumps({"digest": ended.digest, "remittance_id": earlier.id}, sort_keys=True)
        if remittances_repo.open_conflict(run.session, remittance.payer_id, payload) is None:
            result.exception_ids.append(
                run.rec.insert_one(
                    ExceptionRow,
                    {
                        "kind": "remittance_conflict",
                        "status": "open",
                        "payer_id": remittance.payer_id,
                        "amount": header.payment_amount,
                        "summary": f"trace {header.trace_number}: posted before with other content; not posted again",
                        "payload": payload,
                        "source_file_id": run.source_id,
                        "source_ref": f"segment {header.segment}",
                        "created_at": run.actor.now,
                    },
                )
            )
    return result


def end_posted(
    run: PostingRun,
    remittance: Remittance,
    result: RemittanceResult,
    held: Held,
    ended: RemittanceEnded,
    claim_paid_total: int,
) -> RemittanceResult:
    """Tie the remittance out and post its PLB amounts, or reject it whole."""
    header = remittance.header
    if remittance.notification:
        return _end_notification(run, remittance, result, ended)
    plb_total = posting.provider_adjustment_total(ended.provider_adjustments)
    difference = posting.check_remittance_balance(header.payment_amount, claim_paid_total, plb_total)
    if difference and not run.force:
        remittance.savepoint.rollback()
        run.rec.digest.restore(remittance.digest_mark)
        result = RemittanceResult(
            control_number=result.control_number,
            trace_number=result.trace_number,
            payer=result.payer,
            amount=result.amount,
            claims=result.claims,
            status="rejected",
            difference=difference,
            warnings=result.warnings,
        )
        _set_remittance(run, remittance, ended, "rejected", difference)
        result.exception_ids.append(
            run.rec.insert_one(
                ExceptionRow,
                {
                    "kind": "unbalanced_remittance",
                    "status": "open",
                    "payer_id": remittance.payer_id,
                    "amount": difference,
                    "summary": (
                        f"trace {header.trace_number}: BPR02 {cents_to_text(header.payment_amount)} ≠ "
                        f"claim payments {cents_to_text(claim_paid_total)} − PLB {cents_to_text(plb_total)} "
                        f"(difference {cents_to_text(difference)}); nothing posted"
                    ),
                    "source_file_id": run.source_id,
                    "source_ref": f"segment {header.segment}",
                    "created_at": run.actor.now,
                },
            )
        )
        return result
    _provider_adjustments(run, remittance, result, held, ended)
    if difference:
        # Forced: the ledger still holds what the bank got. What the claims and PLBs do
        # not explain waits in the payer's unapplied account, under its own reason.
        held.unapplied(
            difference, "forced_difference", f"trace {header.trace_number}"[:120], ref=f"segment {header.segment}"
        )
    remittance.savepoint.commit()
    _set_remittance(run, remittance, ended, "forced" if difference else "posted", difference)
    result.status, result.difference = ("forced" if difference else "posted"), difference
    return result


def _end_notification(
    run: PostingRun, remittance: Remittance, result: RemittanceResult, ended: RemittanceEnded
) -> RemittanceResult:
    """BPR01 H: the claims' adjudication is posted; no payment, PLB or difference is
    money, so nothing goes to unapplied and there is nothing to tie."""
    if any(plb.amount for plb in ended.provider_adjustments):
        result.warnings.append(
            f"trace {remittance.header.trace_number}: notification only (BPR01 H): its PLB amounts are not posted"
        )
    remittance.savepoint.commit()
    _set_remittance(run, remittance, ended, "notification", 0)
    result.status = "notification"
    return result


def _provider_adjustments(
    run: PostingRun, remittance: Remittance, result: RemittanceResult, held: Held, ended: RemittanceEnded
) -> None:
    for plan in posting.plan_provider_adjustments(ended.provider_adjustments):
        if not plan.amount:
            continue
        ref = f"segment {plan.segment}"
        if plan.income:
            # Interest is income, closed at once: it is nobody's work.
            opened = held.unapplied(plan.amount, "plb_interest", plan.reference, ref=ref)
            run.rec.insert(
                UnappliedEntryRow,
                [
                    {
                        "payer_id": remittance.payer_id,
                        "amount": -plan.amount,
                        "reason": "interest_income",
                        "reference": plan.reference[:120],
                        "remittance_id": remittance.id,
                        "applies_id": opened,
                        "posting_date": run.posting_date,
                        "effective_date": remittance.effective,
                        "source_file_id": run.source_id,
                        "source_ref": ref,
                        "created_by": run.actor.user,
                    }
                ],
            )
            result.money_unapplied -= plan.amount
            result.money_interest += plan.amount
            continue
        opened = held.unapplied(plan.amount, f"plb_{plan.kind.value}", plan.reference, ref=ref)
        if plan.claim_reference:
            _apply_to_named_claim(run, remittance, result, plan, opened, ref)


def _apply_to_named_claim(
    run: PostingRun, remittance: Remittance, result: RemittanceResult, plan: UnappliedPlan, opened: int, ref: str
) -> None:
    """A recoupment or forward balance whose reference is exactly a claim number:
    the claim's payment from this payer is reduced by it (the payer is owed again),
    and the same amount comes back out of unapplied, linked to that entry."""
    session, rec, payer_id = run.session, run.rec, remittance.payer_id
    claim = claims_repo.claims_by_number(session, [plan.claim_reference]).get(plan.claim_reference)
    rank = next((c.rank for c in claim.coverages if c.payer_id == payer_id), None) if claim else None
    if rank is None:
        return  # stays in unapplied for a person: `unapplied apply`
    entry_id = rec.insert_one(
        LedgerEntryRow,
        {
            "claim_id": claim.id,
            "line_id": None,
            "responsibility": rank,
            "kind": "payment",
            "amount": -plan.amount,
            "posting_date": run.posting_date,
            "effective_date": remittance.effective,
            "payer_id": payer_id,
            "adjustment_group": "",
            "reason_code": plan.reason_code,
            "source_file_id": run.source_id,
            "source_ref": f"trace {remittance.header.trace_number} {ref}",
            "remittance_id": remittance.id,
            "created_by": run.actor.user,
        },
    )
    claims_repo.apply_balance_deltas(
        session, {(claim.id, rank): -plan.amount}, since={(claim.id, rank): remittance.effective}
    )
    rec.insert(
        UnappliedEntryRow,
        [
            {
                "payer_id": payer_id,
                "amount": -plan.amount,
                "reason": "applied",
                "reference": claim.claim_number,
                "remittance_id": remittance.id,
                "applies_id": opened,
                "ledger_entry_id": entry_id,
                "claim_id": claim.id,
                "posting_date": run.posting_date,
                "effective_date": remittance.effective,
                "source_file_id": run.source_id,
                "source_ref": ref,
                "created_by": run.actor.user,
            }
        ],
    )
    result.money_unapplied -= plan.amount
    result.money_paid += plan.amount
    claims_repo.refresh_status(session, rec, claim.id, claim.status)


def _set_remittance(
    run: PostingRun, remittance: Remittance, ended: RemittanceEnded, status: str, difference: int
) -> None:
    queries.set_remittance_outcome(
        run.session, remittance.id, digest=ended.digest, status=status, difference=difference
    )
    run.rec.note_update("remittance", remittance.id, {"status": status, "digest": ended.digest})

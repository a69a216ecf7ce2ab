"""Denials as a batch of claim payments posts: opened by a plan, said again (repeated),
overturned by the payer's later payment, superseded when the payment that opened them
is reversed; and the reversal paired with the payment it reverses.

Each works on the batch's candidates (LoadedBatch.overturnable: the payer's denials on
the batch's claims, stored ones and the batch's own as they open) and keeps each
claim's open and appealed counts (for its status) up to date.
"""

from __future__ import annotations

from ar_cli.domain.claims.records import Claim
from ar_cli.domain.denials.resolutions import DenialStatus
from ar_cli.domain.posting import era as posting
from ar_cli.domain.posting.result import ClaimPlan
from ar_cli.domain.remittance.advice import ClaimPayment
from ar_cli.services.denials.overturns import overturn_rows, stored_values
from ar_cli.services.denials.rows import denial_row
from ar_cli.services.era.batch import LoadedBatch
from ar_cli.services.era.remittance import Held, PostingRun, Remittance
from ar_cli.store import claim_payments_repo, denials_repo


def open_denials(loaded: LoadedBatch, run: PostingRun, remittance: Remittance, claim: Claim, plan: ClaimPlan) -> None:
    """The plan's denials as rows of the batch; their claim payment's id is set at write."""
    if not plan.denials:
        return
    rows = [
        denial_row(
            claim_id=claim.id,
            line_id=d.claim_line_id,
            responsibility=d.responsibility,
            payer_id=remittance.payer_id,
            group=d.group,
            reason_code=d.reason_code,
            remark_codes=d.remark_codes,
            category=d.category.value,
            amount=d.amount,
            denied_on=remittance.effective,
            appeal_deadline=remittance.appeal_deadline,
            created_at=run.actor.now,
            remittance_id=remittance.id,
        )  # claim_payment_id: at write
        for d in plan.denials
        if d.amount > 0
    ]
    batch = loaded.rows
    batch.denials.extend(rows)
    batch.denial_payment.extend([len(batch.payments)] * len(rows))
    # A later payment of this claim in the same batch may overturn them.
    loaded.overturnable.setdefault(claim.id, []).extend(rows)


def repeat_denials(loaded: LoadedBatch, remittance: Remittance, claim: Claim, plan: ClaimPlan) -> int:
    """The payer denied again what a denial still worked already says: that denial
    counts the repeat and takes this remittance's date (and, still at level 0, the
    later appeal deadline); nothing opens. Returns how many."""
    rows = loaded.overturnable[claim.id]
    deadline = remittance.appeal_deadline
    for key, _segment in plan.repeated_denials:
        row = rows[key]
        row["times_denied"] = (row.get("times_denied") or 1) + 1
        row["last_denied_on"] = remittance.effective
        if (
            not row.get("level")
            and deadline is not None
            and (row.get("appeal_deadline") is None or deadline > row["appeal_deadline"])
        ):
            row["appeal_deadline"] = deadline
        if row.get("id") is not None:  # rows of this batch are written with their new values
            loaded.rows.denial_repeats[row["id"]] = {
                k: row[k] for k in ("times_denied", "last_denied_on", "appeal_deadline")
            }
    return len(plan.repeated_denials)


def pair_reversal(
    loaded: LoadedBatch,
    run: PostingRun,
    remittance: Remittance,
    held: Held,
    claim: Claim,
    payment: ClaimPayment,
    plan: ClaimPlan,
):
    """The posted payment this reversal (planned: `plan`) reverses, its denials
    superseded; None (and an exception) when the ledger has none."""
    payer_id = remittance.payer_id
    if claim.claim_number in loaded.rows.numbers:
        # The original may be among the rows not written yet: write them first (the
        # claim's balances already count this plan, whose rows are not among them).
        loaded.write_and_go_on(run, payer_id, claim_id=claim.id, unwritten=plan.entries)
    key = payment.payer_claim_number or payment.original_reference
    original = claim_payments_repo.original_for_reversal(
        run.session, payer_id=payer_id, claim_id=claim.id, payer_claim_number=key
    )
    if original is None:
        held.exception(
            claim.claim_number,
            posting.PostingProblem(
                kind=posting.ProblemKind.REVERSAL_UNPAIRED,
                segment=payment.segment,
                amount=payment.paid,
                message=f"claim {claim.claim_number}: segment {payment.segment}: a reversal of payer claim "
                f"{key or '(none)'}, but no payment it reverses is in the ledger; posted as sent",
            ),
        )
        return None
    for problem in posting.check_reversal(payment, original.amounts, original.paid):
        held.exception(claim.claim_number, problem)
    superseded = denials_repo.supersede(run.session, original.id, on=remittance.effective)
    open_denials, appealed = loaded.denial_counts.get(claim.id, (0, 0))
    for denial_id, before in superseded:
        run.rec.note_update(
            "denial",
            denial_id,
            {"status": [before, DenialStatus.SUPERSEDED.value], "reversed_by_segment": payment.segment},
        )
        open_denials -= before == DenialStatus.OPEN
        appealed -= before == DenialStatus.APPEALED
    loaded.denial_counts[claim.id] = (open_denials, appealed)
    if claim.id in loaded.overturnable:
        loaded.overturnable[claim.id] = [
            r for r in loaded.overturnable[claim.id] if r.get("claim_payment_id") != original.id
        ]
    return original


def overturn(loaded: LoadedBatch, remittance: Remittance, claim: Claim, plan: ClaimPlan) -> None:
    """Denials of this payer on the lines this payment paid are overturned, each
    recording what it recovered; they leave the candidates."""
    candidates = loaded.overturnable.get(claim.id)
    if not candidates:
        return
    paid: dict[int | None, int] = {}
    for e in plan.entries:
        if e.kind is posting.EntryKind.PAYMENT and e.amount < 0:
            paid[e.claim_line_id] = paid.get(e.claim_line_id, 0) - e.amount
    if not paid:
        return
    open_denials, appealed = loaded.denial_counts.get(claim.id, (0, 0))
    for overturned in overturn_rows(candidates, paid, on=remittance.effective):
        open_denials -= overturned.status_before == DenialStatus.OPEN
        appealed -= overturned.status_before == DenialStatus.APPEALED
        if overturned.denial_id is not None:  # rows of this batch are written with their new values
            loaded.rows.denial_updates[overturned.denial_id] = stored_values(overturned.row)
    loaded.overturnable[claim.id] = [r for r in candidates if r["status"] != DenialStatus.OVERTURNED.value]
    loaded.denial_counts[claim.id] = (open_denials, appealed)

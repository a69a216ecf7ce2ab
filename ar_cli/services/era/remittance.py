"""What posting shares: the file's run (PostingRun); per 835 transaction, the
remittance (Remittance), an immutable value fixed when the transaction starts, and
what it holds for a person (Held: exceptions, parked claim payments, unapplied money).

`start_remittance` finds (or creates) the payer, records the remittance row and opens
its savepoint; a remittance posted before (same payer trace, trace number, date and
amount) records nothing and keeps the earlier one (PostedBefore), for its end to
compare digests.
`parked_remittance` is the same value for a stored remittance whose parked claim
payment a person has named a claim for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from ar_cli.domain.denials.appeals import remittance_start
from ar_cli.domain.money import cents_to_text
from ar_cli.domain.payers import FirstSight
from ar_cli.domain.posting.rows import EntryStamp, parked_payload
from ar_cli.domain.posting.values import PostingProblem
from ar_cli.domain.remittance.advice import ClaimPayment, RemittanceHeader
from ar_cli.services.context import Actor
from ar_cli.services.denials.rows import first_appeal_deadline
from ar_cli.services.era.results import RemittanceResult
from ar_cli.store import payers_repo, remittances_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.queries import era as queries
from ar_cli.store.tables import ExceptionRow, PayerRow, RemittanceRow, UnappliedEntryRow

if TYPE_CHECKING:
    from ar_cli.store import Session


class TransferCount:
    """The file's count of transfers so far: each transfer's group number comes from it."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


@dataclass(frozen=True, kw_only=True)
class PostingRun:
    """One file's posting: its transaction (session, recorder), who posts, when, from
    which source file, with which treatment table and options."""

    session: Session
    rec: ChangeRecorder
    actor: Actor
    posting_date: date
    source_id: int
    table: Any  # domain.posting.amounts.TreatmentLookup
    force: bool = False
    create_claims: bool = False
    transfers: TransferCount = field(default_factory=TransferCount)


@dataclass(frozen=True, kw_only=True)
class PostedBefore:
    """The same remittance (payer trace, trace number, date, amount) posted before."""

    id: int
    digest: str


@dataclass(frozen=True, kw_only=True)
class Remittance:
    """What every claim payment of one remittance transaction shares.

    header: the transaction's BPR/TRN/N1 facts (None for a parked payment's remittance).
    earlier: the same remittance posted before: nothing posts this time.
    id: the remittance row (None when `earlier`).
    notification: BPR01 H: its claims' adjudication posts; no money moves.
    effective: the entries' effective date (BPR16, else DTM*405, else today).
    appeal_deadline: the level 1 appeal deadline of the denials it opens.
    stamp: the values every entry carries, as stored.
    savepoint: rolled back when the remittance does not tie (None when `earlier`).
    digest_mark: the recorder's digest at the savepoint, restored with it.
    """

    header: RemittanceHeader | None
    payer: PayerRow
    earlier: PostedBefore | None
    id: int | None
    notification: bool
    effective: date
    appeal_deadline: date | None
    stamp: EntryStamp | None
    savepoint: Any = None
    digest_mark: Any = None

    @property
    def payer_id(self) -> int:
        return self.payer.id


def start_remittance(run: PostingRun, header: RemittanceHeader) -> tuple[Remittance, RemittanceResult]:
    """Start posting one transaction: its remittance and its (so far empty) result."""
    # BPR01 H: notification only. Its claims' adjudication posts; no money moves.
    notification = header.handling_code.strip().upper() == "H"
    payer = _payer(run, header)
    effective = header.payment_date or header.production_date or run.actor.today
    appeal_deadline = first_appeal_deadline(
        run.session, payer, remittance_start(header.payment_date, header.production_date) or effective
    )
    result = RemittanceResult(
        control_number=header.control_number,
        trace_number=header.trace_number,
        payer=payer.code,
        amount=header.payment_amount,
    )
    if notification and header.payment_amount:
        result.warnings.append(
            f"trace {header.trace_number}: segment {header.segment}: BPR01 H (notification only) with BPR02 "
            f"{cents_to_text(header.payment_amount)}: no money moves; only the adjudication posts"
        )
    earlier = remittances_repo.remittance_by_key(
        run.session,
        payer_trace_id=header.payer_identifier,
        trace_number=header.trace_number,
        payment_date_text=header.payment_date_text,
        amount=header.payment_amount,
    )
    shared = dict(
        header=header, payer=payer, notification=notification, effective=effective, appeal_deadline=appeal_deadline
    )
    if earlier is not None:
        return Remittance(
            **shared, earlier=PostedBefore(id=earlier.id, digest=earlier.digest), id=None, stamp=None
        ), result
    remittance_id = run.rec.insert_one(
        RemittanceRow,
        {
            "payer_id": payer.id,
            "payer_trace_id": header.payer_identifier,
            "trace_number": header.trace_number,
            "payment_date_text": header.payment_date_text,
            "amount": header.payment_amount,
            "method": header.payment_method,
            "payment_date": header.payment_date,
            "production_date": header.production_date,
            "effective_date": effective,
            "posting_date": run.posting_date,
            "digest": "",
            "status": "posting",
            "source_file_id": run.source_id,
            "segment": header.segment,
            "created_at": run.actor.now,
        },
    )
    # The remittance's posting is written before its savepoint: it stays with the
    # remittance row when the savepoint rolls back (with no entries then).
    stamp = _stamp(run, payer, remittance_id, effective, header.trace_number)
    savepoint = queries.savepoint(run.session)
    return Remittance(
        **shared,
        earlier=None,
        id=remittance_id,
        stamp=stamp,
        savepoint=savepoint,
        digest_mark=run.rec.digest.checkpoint(),
    ), result


def parked_remittance(run: PostingRun, payer: PayerRow, row: RemittanceRow) -> Remittance:
    """The stored remittance a parked claim payment came in, to post that payment now."""
    appeal_deadline = first_appeal_deadline(
        run.session, payer, remittance_start(row.payment_date, row.production_date) or row.effective_date
    )
    return Remittance(
        header=None,
        payer=payer,
        earlier=None,
        id=row.id,
        notification=row.status == "notification",  # its payments were never money
        effective=row.effective_date,
        appeal_deadline=appeal_deadline,
        stamp=_stamp(run, payer, row.id, row.effective_date, row.trace_number),
    )


def _stamp(run: PostingRun, payer: PayerRow, remittance_id: int, effective: date, trace_number: str) -> EntryStamp:
    """What the remittance's entries carry, and their posting (written now): its entries'
    source_ref is its 'trace T segment ' followed by their own segment number."""
    ref = f"trace {trace_number} segment "
    run.rec.posting(
        posting_date=run.posting_date,
        effective_date=effective,
        payer_id=payer.id,
        source_file_id=run.source_id,
        remittance_id=remittance_id,
        source_ref=ref,
    )
    return EntryStamp(
        event_id=run.rec.event_id,
        user=run.actor.user,
        payer_id=payer.id,
        posting_date=run.rec.stored(run.posting_date),
        effective_date=run.rec.stored(effective),
        remittance_id=remittance_id,
        source_id=run.source_id,
        ref=ref,
    )


def _payer(run: PostingRun, header: RemittanceHeader) -> PayerRow:
    payer = remittances_repo.payer_by_remittance_ids(run.session, header.payer_ids)
    if payer is not None:
        return payer
    code = (header.payer_id or header.payer_identifier or header.payer_name or "UNKNOWN").upper()[:80]
    # A payer that sends no id (no TRN03, N1*PR04 or REF*2U) was created under its
    # name as its code: the same code is that payer again.
    payer = payers_repo.payers_by_code(run.session, [code]).get(code)
    if payer is not None:
        return payer
    return payers_repo.create_payer(
        run.rec,
        FirstSight.from_remittance(
            code, name=header.payer_name, payer_ids=header.payer_ids, filing_indicator=header.first_filing_indicator
        ),
        run.actor.now,
    )


class Held:
    """What a remittance holds for a person: exceptions, claim payments parked (their
    money in the payer's unapplied account) and unapplied money, each counted in its
    result."""

    def __init__(self, run: PostingRun, remittance: Remittance, result: RemittanceResult) -> None:
        self.run, self.remittance, self.result = run, remittance, result

    def exception(self, claim_number: str, problem: PostingProblem) -> None:
        run = self.run
        self.result.exception_ids.append(
            run.rec.insert_one(
                ExceptionRow,
                {
                    "kind": problem.kind.value,
                    "status": "open",
                    "claim_number": claim_number,
                    "payer_id": self.remittance.payer_id,
                    "amount": problem.amount,
                    "summary": problem.message[:400],
                    "payload": "{}",
                    "source_file_id": run.source_id,
                    "source_ref": f"segment {problem.segment}",
                    "created_at": run.actor.now,
                },
            )
        )

    def unmatched(self, payment: ClaimPayment) -> None:
        self.result.unmatched += 1
        self.park(
            payment,
            "unmatched_claim",
            f"claim {payment.claim_number}: not in the ledger (segment {payment.segment}); "
            f"{cents_to_text(payment.paid)} held in unapplied",
        )

    def park(self, payment: ClaimPayment, kind: str, summary: str, claim_id: int | None = None) -> None:
        run, remittance = self.run, self.remittance
        exception_id = run.rec.insert_one(
            ExceptionRow,
            {
                "kind": kind,
                "status": "open",
                "claim_number": payment.claim_number,
                "payer_id": remittance.payer_id,
                "amount": payment.paid,
                "summary": summary[:400],
                "payload": parked_payload(payment, remittance.id),
                "source_file_id": run.source_id,
                "source_ref": f"segment {payment.segment}",
                "created_at": run.actor.now,
            },
        )
        self.result.exception_ids.append(exception_id)
        self.result.parked += 1
        if payment.paid and not remittance.notification:  # a notification's CLP04 is no money received
            self.unapplied(
                payment.paid,
                kind,
                payment.claim_number,
                exception_id=exception_id,
                claim_id=claim_id,
                ref=f"segment {payment.segment}",
            )

    def unapplied(
        self,
        amount: int,
        reason: str,
        reference: str,
        *,
        exception_id: int | None = None,
        claim_id: int | None = None,
        ref: str = "",
        ledger_entry_id: int | None = None,
    ) -> int:
        run, remittance = self.run, self.remittance
        self.result.money_unapplied += amount
        return run.rec.insert_one(
            UnappliedEntryRow,
            {
                "payer_id": remittance.payer_id,
                "amount": amount,
                "reason": reason,
                "reference": reference[:120],
                "remittance_id": remittance.id,
                "exception_id": exception_id,
                "claim_id": claim_id,
                "ledger_entry_id": ledger_entry_id,
                "posting_date": run.posting_date,
                "effective_date": remittance.effective,
                "source_file_id": run.source_id,
                "source_ref": ref,
                "created_by": run.actor.user,
            },
        )

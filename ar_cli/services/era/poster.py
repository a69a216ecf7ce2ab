"""Posting one 835 transaction (ST/SE) inside its file's database transaction.

Claim payments are planned by the pure domain (domain/posting/era.py) in batches, so
claims and balances are read a batch at a time; the plan is written as entries,
denials, follow-ups, unapplied money and exceptions. The transaction runs in a
savepoint: when BPR02 does not tie to its claims and PLBs it is rolled back and kept
as a rejected remittance with the difference (unless --force).

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

import json
from datetime import date, timedelta

from ar_cli.domain.claims.records import Claim
from ar_cli.domain.claims.status import derive_status
from ar_cli.domain.denials.appeals import remittance_start
from ar_cli.domain.denials.resolutions import WORKABLE, DenialStatus
from ar_cli.domain.errors import InputError
from ar_cli.domain.money import cents_to_text
from ar_cli.domain.posting import era as posting
from ar_cli.domain.remittance.advice import ClaimPayment, RemittanceEnded, RemittanceHeader
from ar_cli.domain.remittance.payload import to_payload
from ar_cli.services.context import Actor
from ar_cli.services.denials.overturns import overturn_rows, stored_values
from ar_cli.services.denials.rows import denial_row, first_appeal_deadline
from ar_cli.services.era.new_claims import create_claims_from_payments
from ar_cli.services.era.results import RemittanceResult
from ar_cli.store import claim_payments_repo, claims_repo, denials_repo, driver_sql, remittances_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.balance_summary import owner_key
from ar_cli.store.tables import (
    ClaimPaymentRow,
    DenialRow,
    ExceptionRow,
    FollowUpRow,
    LedgerEntryRow,
    PayerAliasRow,
    PayerRow,
    RemittanceRow,
    UnappliedEntryRow,
)

BATCH = 1000


class _Batch:
    """Rows a batch of claim payments writes, flushed together."""

    def __init__(self) -> None:
        self.entries: list[tuple] = []  # ledger entries, in ENTRY_KEYS order
        self.deltas: dict[tuple[int, int], int] = {}
        self.since: dict = {}
        self.denials: list[dict] = []
        self.follow_ups: list[dict] = []
        self.statuses: dict[int, str] = {}
        self.payments: list[tuple] = []  # claim_payment rows, in PAYMENT_KEYS order
        self.denial_payment: list[int] = []  # per denial row: its payment's index in `payments`
        self.denial_updates: dict[int, dict] = {}  # stored denials overturned: id → new values
        self.denial_repeats: dict[int, dict] = {}  # stored denials said again: id → refreshed values
        self.numbers: set[str] = set()  # claim numbers with a payment in this batch
_TRANSFER_GROUP_BASE = 1_000_000_000
# Ledger entries are built as lists in this (sorted) column order: a dict per entry,
# converted at insert, cost more than the insert itself (store/audit_chain.insert_tuples).
ENTRY_KEYS = ("adjustment_group", "amount", "audit_event_id", "claim_id", "created_by", "effective_date",
              "kind", "line_id", "payer_id", "posting_date", "reason_code", "remark_codes", "remittance_id",
              "responsibility", "reverses_id", "source_file_id", "source_ref", "transfer_group")
PAYMENT_KEYS = ("amounts", "audit_event_id", "charge", "claim_id", "claim_number", "paid", "patient_responsibility",
                "payer_claim_number", "payer_id", "remittance_id", "responsibility", "reverses_id", "segment",
                "status_code")
_GROUP, _AMOUNT, _KIND, _LINE, _REASON, _RESPONSIBILITY, _REVERSES = (
    ENTRY_KEYS.index(k) for k in ("adjustment_group", "amount", "kind", "line_id", "reason_code",
                                  "responsibility", "reverses_id"))


class RemittancePoster:
    def __init__(self, session, rec: ChangeRecorder, *, actor: Actor, posting_date: date,
                 source_id: int, table, force: bool, create_claims: bool) -> None:
        self.session, self.rec, self.actor = session, rec, actor
        self.posting_date, self.source_id, self.table = posting_date, source_id, table
        self.force, self.create_claims = force, create_claims
        self._transfer_counter = 0
        self.notification = False  # BPR01 H: set per remittance

    # -- start ----------------------------------------------------------------------
    def start(self, header: RemittanceHeader) -> RemittanceResult:
        self.header = header
        # BPR01 H: notification only. Its claims' adjudication posts; no money moves.
        self.notification = header.handling_code.strip().upper() == "H"
        self._begin(self._payer(header), effective=header.payment_date or header.production_date or self.actor.today,
                    appeal_from=remittance_start(header.payment_date, header.production_date),
                    trace_number=header.trace_number)
        self.result = RemittanceResult(control_number=header.control_number, trace_number=header.trace_number,
                                       payer=self.payer.code, amount=header.payment_amount)
        if self.notification and header.payment_amount:
            self.result.warnings.append(
                f"trace {header.trace_number}: segment {header.segment}: BPR01 H (notification only) with BPR02 "
                f"{cents_to_text(header.payment_amount)}: no money moves; only the adjudication posts")
        existing = remittances_repo.remittance_by_key(
            self.session, payer_trace_id=header.payer_identifier, trace_number=header.trace_number,
            payment_date_text=header.payment_date_text, amount=header.payment_amount)
        self.seen_before = existing
        if existing is None:
            self.remittance_id = self.rec.insert_one(RemittanceRow, {
                "payer_id": self.payer.id, "payer_trace_id": header.payer_identifier,
                "trace_number": header.trace_number, "payment_date_text": header.payment_date_text,
                "amount": header.payment_amount, "method": header.payment_method,
                "payment_date": header.payment_date, "production_date": header.production_date,
                "effective_date": self.effective, "posting_date": self.posting_date, "digest": "",
                "status": "posting", "source_file_id": self.source_id, "segment": header.segment,
                "created_at": self.actor.now})
            self.savepoint = self.session.begin_nested()
            self.digest_mark = self.rec.digest.checkpoint()
        return self.result

    def _begin(self, payer: PayerRow, *, effective: date, appeal_from: date | None, trace_number: str) -> None:
        """What every claim payment of one remittance shares."""
        self.payer, self.effective = payer, effective
        self.appeal_deadline = first_appeal_deadline(self.session, payer, appeal_from or effective)
        self.claim_paid_total = 0
        self._stored_posting_date = self.rec.stored(self.posting_date)
        self._stored_effective = self.rec.stored(effective)
        self._segment_ref = f"trace {trace_number} segment "
        self.pending: list[ClaimPayment] = []
        # Per claim: the claim lines earlier payments in this remittance used, as a bit
        # per line position (a set per claim cost ~250 bytes a claim: 250 MB in a
        # 1,000,000-claim file, against a 300 MB ceiling).
        self.used_lines: dict[int, int] = {}
        # Per claim paid in this remittance: the segment of its first payment, 0 after a
        # reversal (the next is its correction): a claim number that repeats otherwise
        # is held, never posted twice (posting_plan's repeat_of).
        self.seen_claims: dict[int, int] = {}

    def _payer(self, header: RemittanceHeader) -> PayerRow:
        payer = remittances_repo.payer_by_remittance_ids(self.session, header.payer_ids)
        if payer is not None:
            return payer
        code = (header.payer_id or header.payer_identifier or header.payer_name or "UNKNOWN").upper()[:80]
        # A payer that sends no id (no TRN03, N1*PR04 or REF*2U) was created under its
        # name as its code: the same code is that payer again.
        payer = remittances_repo.payer_by_code(self.session, code)
        if payer is not None:
            return payer
        payer_id = self.rec.insert_one(PayerRow, {"code": code, "name": header.payer_name or code,
                                                  "financial_class": "other", "created_at": self.actor.now})
        ids = sorted({i.strip().upper() for i in (*header.payer_ids, code) if i and i.strip()})
        self.rec.insert(PayerAliasRow, [{"payer_id": payer_id, "alias": i, "kind": "remittance"} for i in ids])
        return self.session.get(PayerRow, payer_id)

    # -- claims -----------------------------------------------------------------------
    def claim(self, payment: ClaimPayment) -> None:
        self.result.claims += 1
        self.claim_paid_total += payment.paid
        if self.seen_before is not None:
            return  # a repeat: nothing posts; the digest decides skip or conflict at the end
        self.pending.append(payment)
        if len(self.pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        payments, self.pending = self.pending, []
        claims = claims_repo.claims_by_number(self.session, [p.claim_number for p in payments])
        if self.create_claims:
            missing = [p for p in payments if p.claim_number not in claims and p.status_code.lstrip("0") != "22"]
            if missing:
                create_claims_from_payments(self.session, self.rec, missing, payer=self.payer,
                                            effective=self.effective, actor=self.actor,
                                            posting_date=self.posting_date, source_id=self.source_id)
                claims = claims_repo.claims_by_number(self.session, [p.claim_number for p in payments])
        balances, lines = self._load_batch(claims)
        for payment in payments:
            claim = claims.get(payment.claim_number)
            if claim is None:
                self._unmatched(payment)
                continue
            plan = self._plan(claim, payment, balances, lines)
            self._write_plan(claim, payment, plan, balances[claim.id])
        self._write_batch()

    def _load_batch(self, claims: dict[str, Claim]) -> tuple[dict, dict]:
        """Read what the batch's plans need (balances, line balances, denials) and start
        its rows; returns the balances and line balances, which the plans then keep."""
        ids = [c.id for c in claims.values()]
        balances = remittances_repo.balances_by_claim(self.session, ids)
        lines = remittances_repo.line_balances(self.session, ids)
        self._denial_counts = denials_repo.denial_counts(self.session, ids)
        self._batch_ids = ids
        self._claims_by_id = {c.id: c for c in claims.values()}
        self._balances = balances
        self._overturnable = denials_repo.overturnable(self.session, ids, self.payer.id)
        self._batch = _Batch()
        return balances, lines

    def _plan(self, claim: Claim, payment: ClaimPayment, balances: dict, lines: dict, *,
              patient_confirmed: bool = False):
        """The payment's plan; the batch's balances move on by it."""
        # A reversal undoes an earlier payment: it matches the lines that payment used,
        # and frees them for the correction that follows.
        reversal = payment.status_code.lstrip("0") == "22"
        used = 0 if reversal else self.used_lines.get(claim.id, 0)
        candidates = self._overturnable.get(claim.id)
        seen = self.seen_claims.get(claim.id)
        plan = posting.plan_claim_payment(
            claim, payment, payer_id=self.payer.id, balances=balances[claim.id], table=self.table,
            line_balances=lines[claim.id],
            used_line_ids=frozenset(line.id for n, line in enumerate(claim.lines) if used >> n & 1) if used
            else frozenset(),
            patient_confirmed=patient_confirmed,
            earlier_denials=_earlier_denials(candidates) if candidates else (),
            repeat_of=seen or None, pays=not self.notification)
        if reversal:
            self.seen_claims[claim.id] = 0
        elif not seen:
            self.seen_claims[claim.id] = payment.segment
        balances[claim.id] = posting.balances_after(balances[claim.id], plan)
        lines[claim.id] = posting.line_balances_after(lines[claim.id], plan)
        if reversal:
            self.used_lines.pop(claim.id, None)
        else:
            mask = self.used_lines.get(claim.id, 0)
            for n, line in enumerate(claim.lines):
                if line.id in plan.line_ids_used:
                    mask |= 1 << n
            if mask:
                self.used_lines[claim.id] = mask
        return plan

    # -- a parked claim payment, posted later -------------------------------------------
    def post_parked(self, payment: ClaimPayment, claim: Claim, *, payer: PayerRow, remittance: RemittanceRow):
        """Post a claim payment an exception parked (its money is in the payer's
        unapplied account) onto `claim`, now that a person has named it: planned and
        written as its remittance would have, the patient taken as confirmed. Returns
        the plan; raises InputError, writing nothing, when it would still not post."""
        self._begin(payer, effective=remittance.effective_date,
                    appeal_from=remittance_start(remittance.payment_date, remittance.production_date),
                    trace_number=remittance.trace_number)
        self.remittance_id = remittance.id
        self.notification = remittance.status == "notification"  # its payments were never money
        self.result = RemittanceResult(control_number="", trace_number=remittance.trace_number,
                                       payer=payer.code, amount=remittance.amount)
        balances, lines = self._load_batch({claim.claim_number: claim})
        plan = self._plan(claim, payment, balances, lines, patient_confirmed=True)
        if plan.disposition is not posting.Disposition.POST:
            reasons = "; ".join(p.message for p in plan.problems if p.blocks) or "it posts nothing"
            raise InputError(f"claim {claim.claim_number}: the parked payment would not post: {reasons}")
        self._write_plan(claim, payment, plan, balances[claim.id])
        self._write_batch()
        return plan

    def _write_batch(self) -> None:
        """One executemany per table for the whole batch (per-claim writes cost 50× more)."""
        batch = self._batch
        self.rec.insert_tuples(LedgerEntryRow, ENTRY_KEYS, batch.entries)
        claims_repo.apply_balance_deltas(self.session, batch.deltas, since=batch.since,
                                         summary=self._summary_changes(batch.deltas))
        payment_ids = self.rec.insert_tuples(ClaimPaymentRow, PAYMENT_KEYS, batch.payments, returning_ids=True)
        for row, index in zip(batch.denials, batch.denial_payment):
            row["claim_payment_id"] = payment_ids[index]
        self.rec.insert(DenialRow, batch.denials)
        denials_repo.write_overturns(self.session, batch.denial_updates)
        denials_repo.write_repeats(self.session, batch.denial_repeats)
        for denial_id, changes in sorted(batch.denial_repeats.items()):
            self.rec.note_update("denial", denial_id, changes)
        for denial_id, changes in sorted(batch.denial_updates.items()):
            self.rec.note_update("denial", denial_id, {k: changes[k] for k in ("overturned_amount", "status")})
        self.rec.insert(FollowUpRow, batch.follow_ups)
        if batch.statuses:
            statuses = sorted(batch.statuses.items())
            driver_sql.executemany(self.session, "UPDATE claim SET status = ? WHERE id = ?",
                                   [(status, claim_id) for claim_id, status in statuses])
            self.rec.note_updates("claim", [(claim_id, {"status": status}) for claim_id, status in statuses])

    def _summary_changes(self, deltas: dict[tuple[int, int], int]) -> list[tuple[int, str, str, int, int]]:
        """Each changed balance before and after, filed as the open-balance summary
        files it: the batch's balances are in memory already, after its plans."""
        changes = []
        for (claim_id, resp), delta in deltas.items():
            claim = self._claims_by_id[claim_id]
            payer_id = next((c.payer_id for c in claim.coverages if c.rank == resp), None)
            after = self._balances[claim_id].get(resp, 0)
            changes.append((owner_key(resp, payer_id), claim.first_service_date.isoformat(),
                            claim.billed_date.isoformat(), after - delta, after))
        return changes

    def _unmatched(self, payment: ClaimPayment) -> None:
        self.result.unmatched += 1
        self._park(payment, "unmatched_claim",
                   f"claim {payment.claim_number}: not in the ledger (segment {payment.segment}); "
                   f"{cents_to_text(payment.paid)} held in unapplied")

    def _park(self, payment: ClaimPayment, kind: str, summary: str, claim_id: int | None = None) -> None:
        exception_id = self.rec.insert_one(ExceptionRow, {
            "kind": kind, "status": "open", "claim_number": payment.claim_number, "payer_id": self.payer.id,
            "amount": payment.paid, "summary": summary[:400], "payload": _payload(payment, self.remittance_id),
            "source_file_id": self.source_id, "source_ref": f"segment {payment.segment}",
            "created_at": self.actor.now})
        self.result.exception_ids.append(exception_id)
        self.result.parked += 1
        if payment.paid and not self.notification:  # a notification's CLP04 is no money received
            self._unapplied(payment.paid, kind, payment.claim_number, exception_id=exception_id,
                            claim_id=claim_id, ref=f"segment {payment.segment}")

    def _unapplied(self, amount: int, reason: str, reference: str, *, exception_id: int | None = None,
                   claim_id: int | None = None, ref: str = "", ledger_entry_id: int | None = None) -> int:
        self.result.money_unapplied += amount
        return self.rec.insert_one(UnappliedEntryRow, {
            "payer_id": self.payer.id, "amount": amount, "reason": reason, "reference": reference[:120],
            "remittance_id": self.remittance_id, "exception_id": exception_id, "claim_id": claim_id,
            "ledger_entry_id": ledger_entry_id, "posting_date": self.posting_date,
            "effective_date": self.effective, "source_file_id": self.source_id, "source_ref": ref,
            "created_by": self.actor.user})

    def _write_plan(self, claim, payment: ClaimPayment, plan, balances_now: dict[int, int]) -> None:
        result = self.result
        if plan.disposition is not posting.Disposition.POST:
            blocking = [p for p in plan.problems if p.blocks]
            if plan.disposition is posting.Disposition.PARK:
                kind = blocking[0].kind.value if blocking else "not_posted"
                self._park(payment, kind, "; ".join(p.message for p in blocking) or "not posted",
                           claim_id=claim.id)
            elif payment.paid or any(p.severity is not posting.Severity.WARNING for p in plan.problems):
                self._park(payment, plan.problems[0].kind.value, plan.problems[0].message, claim_id=claim.id)
            result.warnings.extend(p.message for p in plan.problems if not p.blocks)
            return
        if plan.repeated_denials:
            self._repeated_denials(claim, plan)
        original = self._pair_reversal(claim, payment) if plan.is_reversal else None
        self._entries(claim, plan)
        if original is not None:
            self._link_reversed_entries(original, len(plan.entries))
        else:
            self._overturn(claim, plan)
        self._denials(claim, plan)
        self._follow_ups(claim, plan)
        self._payment_row(claim, payment, plan, original)
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
        exceptions = [p for p in plan.problems if p.severity is posting.Severity.EXCEPTION]
        for problem in exceptions:
            self._exception(claim, problem)
        result.warnings.extend(p.message for p in plan.problems if p.severity is posting.Severity.WARNING)
        open_denials, appealed = self._denial_counts.get(claim.id, (0, 0))
        open_denials += sum(1 for d in plan.denials if d.amount > 0)
        self._denial_counts[claim.id] = (open_denials, appealed)
        status = derive_status(balances=balances_now, open_denials=open_denials, appealed=appealed,
                               remitted=True, paid_any=True)
        if status != self._batch.statuses.get(claim.id, claim.status):
            self._batch.statuses[claim.id] = status

    def _entries(self, claim, plan) -> None:
        rows, deltas, groups = self._batch.entries, self._batch.deltas, {}
        since, effective = self._batch.since, self.effective
        # Values that are the same for every entry of this remittance, stored once.
        event, user, payer_id = self.rec.event_id, self.actor.user, self.payer.id
        posted, stored_effective = self._stored_posting_date, self._stored_effective
        remittance_id, source_id, ref = self.remittance_id, self.source_id, self._segment_ref
        for entry in plan.entries:
            group = None
            if entry.transfer_key is not None:
                group = groups.get(entry.transfer_key)
                if group is None:
                    self._transfer_counter += 1
                    group = groups[entry.transfer_key] = source_id * _TRANSFER_GROUP_BASE + self._transfer_counter
            # In ENTRY_KEYS order.
            rows.append((entry.group, entry.amount, event, claim.id, user, stored_effective, entry.kind.value,
                         entry.claim_line_id, payer_id, posted, entry.reason_code, ":".join(entry.remark_codes),
                         remittance_id, entry.responsibility, None, source_id, f"{ref}{entry.segment}", group))
            key = (claim.id, entry.responsibility)
            deltas[key] = deltas.get(key, 0) + entry.amount
            since[key] = effective

    def _denials(self, claim, plan) -> None:
        if not plan.denials:
            return
        rows = [denial_row(
            claim_id=claim.id, line_id=d.claim_line_id, responsibility=d.responsibility, payer_id=self.payer.id,
            group=d.group, reason_code=d.reason_code, remark_codes=d.remark_codes, category=d.category.value,
            amount=d.amount, denied_on=self.effective, appeal_deadline=self.appeal_deadline,
            created_at=self.actor.now, remittance_id=self.remittance_id)  # claim_payment_id: at write
            for d in plan.denials if d.amount > 0]
        batch = self._batch
        batch.denials.extend(rows)
        batch.denial_payment.extend([len(batch.payments)] * len(rows))
        # A later payment of this claim in the same batch may overturn them.
        self._overturnable.setdefault(claim.id, []).extend(rows)

    def _repeated_denials(self, claim, plan) -> None:
        """The payer denied again what a denial still worked already says: that denial
        counts the repeat and takes this remittance's date (and, still at level 0, the
        later appeal deadline); nothing opens."""
        rows = self._overturnable[claim.id]
        for key, _segment in plan.repeated_denials:
            row = rows[key]
            row["times_denied"] = (row.get("times_denied") or 1) + 1
            row["last_denied_on"] = self.effective
            if not row.get("level") and self.appeal_deadline is not None and (
                    row.get("appeal_deadline") is None or self.appeal_deadline > row["appeal_deadline"]):
                row["appeal_deadline"] = self.appeal_deadline
            if row.get("id") is not None:  # rows of this batch are written with their new values
                self._batch.denial_repeats[row["id"]] = {
                    k: row[k] for k in ("times_denied", "last_denied_on", "appeal_deadline")}
        self.result.denials_repeated += len(plan.repeated_denials)

    def _payment_row(self, claim, payment: ClaimPayment, plan, original) -> None:
        self._batch.payments.append((  # in PAYMENT_KEYS order
            posting.payment_signature(payment), self.rec.event_id, payment.charge, claim.id,
            payment.claim_number[:80], payment.paid, payment.patient_responsibility,
            (payment.payer_claim_number or payment.original_reference)[:80], self.payer.id, self.remittance_id,
            plan.payer_rank, original.id if original is not None else None, payment.segment,
            plan.status_code[:3]))
        self._batch.numbers.add(claim.claim_number)

    # -- reversals and overturns ------------------------------------------------------
    def _pair_reversal(self, claim, payment: ClaimPayment):
        """The posted payment this reversal reverses, its denials superseded; None (and
        an exception) when the ledger has none."""
        if claim.claim_number in self._batch.numbers:
            # The original may be among the rows not written yet: write them first.
            self._write_batch()
            self._batch = _Batch()
            self._overturnable = denials_repo.overturnable(self.session, self._batch_ids, self.payer.id)
        key = payment.payer_claim_number or payment.original_reference
        original = claim_payments_repo.original_for_reversal(
            self.session, payer_id=self.payer.id, claim_id=claim.id, payer_claim_number=key)
        if original is None:
            self._exception(claim, posting.PostingProblem(
                kind=posting.ProblemKind.REVERSAL_UNPAIRED, segment=payment.segment, amount=payment.paid,
                message=f"claim {claim.claim_number}: segment {payment.segment}: a reversal of payer claim "
                        f"{key or '(none)'}, but no payment it reverses is in the ledger; posted as sent"))
            return None
        for problem in posting.check_reversal(payment, original.amounts, original.paid):
            self._exception(claim, problem)
        superseded = denials_repo.supersede(self.session, original.id, on=self.effective)
        open_denials, appealed = self._denial_counts.get(claim.id, (0, 0))
        for denial_id, before in superseded:
            self.rec.note_update("denial", denial_id, {"status": [before, DenialStatus.SUPERSEDED.value],
                                                       "reversed_by_segment": payment.segment})
            open_denials -= before == DenialStatus.OPEN
            appealed -= before == DenialStatus.APPEALED
        self._denial_counts[claim.id] = (open_denials, appealed)
        if claim.id in self._overturnable:
            self._overturnable[claim.id] = [r for r in self._overturnable[claim.id]
                                            if r.get("claim_payment_id") != original.id]
        return original

    def _link_reversed_entries(self, original, count: int) -> None:
        """Point each entry the reversal posts at the original's entry it negates."""
        if not count:
            return
        waiting: dict[tuple, list[int]] = {}
        for e in claim_payments_repo.entries_of_payment(self.session, original):
            key = (e.line_id, e.responsibility, e.kind, e.adjustment_group, e.reason_code, e.amount)
            waiting.setdefault(key, []).append(e.id)
        entries = self._batch.entries
        for n in range(len(entries) - count, len(entries)):
            row = entries[n]
            key = (row[_LINE], row[_RESPONSIBILITY], row[_KIND], row[_GROUP], row[_REASON], -row[_AMOUNT])
            if waiting.get(key):
                entries[n] = (*row[:_REVERSES], waiting[key].pop(0), *row[_REVERSES + 1:])

    def _overturn(self, claim, plan) -> None:
        """Denials of this payer on the lines this payment paid are overturned, each
        recording what it recovered; they leave the candidates."""
        candidates = self._overturnable.get(claim.id)
        if not candidates:
            return
        paid: dict[int | None, int] = {}
        for e in plan.entries:
            if e.kind is posting.EntryKind.PAYMENT and e.amount < 0:
                paid[e.claim_line_id] = paid.get(e.claim_line_id, 0) - e.amount
        if not paid:
            return
        open_denials, appealed = self._denial_counts.get(claim.id, (0, 0))
        for overturned in overturn_rows(candidates, paid, on=self.effective):
            open_denials -= overturned.status_before == DenialStatus.OPEN
            appealed -= overturned.status_before == DenialStatus.APPEALED
            if overturned.denial_id is not None:  # rows of this batch are written with their new values
                self._batch.denial_updates[overturned.denial_id] = stored_values(overturned.row)
        self._overturnable[claim.id] = [r for r in candidates if r["status"] != DenialStatus.OVERTURNED.value]
        self._denial_counts[claim.id] = (open_denials, appealed)

    def _exception(self, claim, problem) -> None:
        self.result.exception_ids.append(self.rec.insert_one(ExceptionRow, {
            "kind": problem.kind.value, "status": "open", "claim_number": claim.claim_number,
            "payer_id": self.payer.id, "amount": problem.amount, "summary": problem.message[:400],
            "payload": "{}", "source_file_id": self.source_id, "source_ref": f"segment {problem.segment}",
            "created_at": self.actor.now}))

    def _follow_ups(self, claim, plan) -> None:
        if not plan.follow_ups:
            return
        self._batch.follow_ups.extend([{
            "claim_id": claim.id, "due_on": self.effective + timedelta(days=f.days),
            "action": ("crossover: confirm the next payer received the claim (do not rebill)"
                       if f.kind is posting.FollowUpKind.CROSSOVER
                       else f"pending {f.group}-{f.reason_code}: ask the payer about the held amount"),
            "status": "open", "created_at": self.actor.now, "created_by": self.actor.user}
            for f in plan.follow_ups])

    # -- end --------------------------------------------------------------------------
    def end(self, ended: RemittanceEnded) -> RemittanceResult:
        result = self.result
        result.warnings.extend(str(w) for w in ended.warnings)
        if self.seen_before is not None:
            same = self.seen_before.digest == ended.digest
            result.status = "skipped" if same else "conflict"
            if not same:
                # The same conflict (this remittance, this other content) is one exception,
                # however often the file is posted again.
                payload = json.dumps({"digest": ended.digest, "remittance_id": self.seen_before.id}, sort_keys=True)
                if remittances_repo.open_conflict(self.session, self.payer.id, payload) is None:
                    result.exception_ids.append(self.rec.insert_one(ExceptionRow, {
                        "kind": "remittance_conflict", "status": "open", "payer_id": self.payer.id,
                        "amount": self.header.payment_amount,
                        "summary": f"trace {self.header.trace_number}: posted before with other content; "
                                   "not posted again", "payload": payload, "source_file_id": self.source_id,
                        "source_ref": f"segment {self.header.segment}", "created_at": self.actor.now}))
            return result
        if self.pending:
            self._flush()
        if self.notification:
            return self._end_notification(ended)
        plb_total = posting.provider_adjustment_total(ended.provider_adjustments)
        difference = posting.check_remittance_balance(self.header.payment_amount, self.claim_paid_total, plb_total)
        if difference and not self.force:
            self.savepoint.rollback()
            self.rec.digest.restore(self.digest_mark)
            result = self.result = RemittanceResult(
                control_number=result.control_number, trace_number=result.trace_number, payer=result.payer,
                amount=result.amount, claims=result.claims, status="rejected", difference=difference,
                warnings=result.warnings)
            self._set_remittance(ended, "rejected", difference)
            result.exception_ids.append(self.rec.insert_one(ExceptionRow, {
                "kind": "unbalanced_remittance", "status": "open", "payer_id": self.payer.id,
                "amount": difference, "summary": (
                    f"trace {self.header.trace_number}: BPR02 {cents_to_text(self.header.payment_amount)} ≠ "
                    f"claim payments {cents_to_text(self.claim_paid_total)} − PLB {cents_to_text(plb_total)} "
                    f"(difference {cents_to_text(difference)}); nothing posted"),
                "source_file_id": self.source_id, "source_ref": f"segment {self.header.segment}",
                "created_at": self.actor.now}))
            return result
        self._provider_adjustments(ended)
        if difference:
            # Forced: the ledger still holds what the bank got. What the claims and PLBs do
            # not explain waits in the payer's unapplied account, under its own reason.
            self._unapplied(difference, "forced_difference", f"trace {self.header.trace_number}"[:120],
                            ref=f"segment {self.header.segment}")
        self.savepoint.commit()
        self._set_remittance(ended, "forced" if difference else "posted", difference)
        result.status, result.difference = ("forced" if difference else "posted"), difference
        return result

    def _end_notification(self, ended: RemittanceEnded) -> RemittanceResult:
        """BPR01 H: the claims' adjudication is posted; no payment, PLB or difference is
        money, so nothing goes to unapplied and there is nothing to tie."""
        if any(plb.amount for plb in ended.provider_adjustments):
            self.result.warnings.append(f"trace {self.header.trace_number}: notification only (BPR01 H): "
                                        "its PLB amounts are not posted")
        self.savepoint.commit()
        self._set_remittance(ended, "notification", 0)
        self.result.status = "notification"
        return self.result

    def _provider_adjustments(self, ended: RemittanceEnded) -> None:
        for plan in posting.plan_provider_adjustments(ended.provider_adjustments):
            if not plan.amount:
                continue
            ref = f"segment {plan.segment}"
            if plan.income:
                # Interest is income, closed at once: it is nobody's work.
                opened = self._unapplied(plan.amount, "plb_interest", plan.reference, ref=ref)
                self.rec.insert(UnappliedEntryRow, [{
                    "payer_id": self.payer.id, "amount": -plan.amount, "reason": "interest_income",
                    "reference": plan.reference[:120], "remittance_id": self.remittance_id,
                    "applies_id": opened, "posting_date": self.posting_date, "effective_date": self.effective,
                    "source_file_id": self.source_id, "source_ref": ref, "created_by": self.actor.user}])
                self.result.money_unapplied -= plan.amount
                self.result.money_interest += plan.amount
                continue
            opened = self._unapplied(plan.amount, f"plb_{plan.kind.value}", plan.reference, ref=ref)
            if plan.claim_reference:
                self._apply_to_named_claim(plan, opened, ref)

    def _apply_to_named_claim(self, plan, opened: int, ref: str) -> None:
        """A recoupment or forward balance whose reference is exactly a claim number:
        the claim's payment from this payer is reduced by it (the payer is owed again),
        and the same amount comes back out of unapplied, linked to that entry."""
        claim = claims_repo.claims_by_number(self.session, [plan.claim_reference]).get(plan.claim_reference)
        rank = next((c.rank for c in claim.coverages if c.payer_id == self.payer.id), None) if claim else None
        if rank is None:
            return  # stays in unapplied for a person: `unapplied apply`
        entry_id = self.rec.insert_one(LedgerEntryRow, {
            "claim_id": claim.id, "line_id": None, "responsibility": rank, "kind": "payment",
            "amount": -plan.amount, "posting_date": self.posting_date, "effective_date": self.effective,
            "payer_id": self.payer.id, "adjustment_group": "", "reason_code": plan.reason_code,
            "source_file_id": self.source_id, "source_ref": f"trace {self.header.trace_number} {ref}",
            "remittance_id": self.remittance_id, "created_by": self.actor.user})
        claims_repo.apply_balance_deltas(self.session, {(claim.id, rank): -plan.amount},
                                         since={(claim.id, rank): self.effective})
        self.rec.insert(UnappliedEntryRow, [{
            "payer_id": self.payer.id, "amount": -plan.amount, "reason": "applied", "reference": claim.claim_number,
            "remittance_id": self.remittance_id, "applies_id": opened, "ledger_entry_id": entry_id,
            "claim_id": claim.id, "posting_date": self.posting_date, "effective_date": self.effective,
            "source_file_id": self.source_id, "source_ref": ref, "created_by": self.actor.user}])
        self.result.money_unapplied -= plan.amount
        self.result.money_paid += plan.amount
        claims_repo.refresh_status(self.session, self.rec, claim.id, claim.status)

    def _set_remittance(self, ended: RemittanceEnded, status: str, difference: int) -> None:
        row = self.session.get(RemittanceRow, self.remittance_id)
        row.digest, row.status, row.difference = ended.digest, status, difference
        self.session.add(row)
        self.rec.note_update("remittance", self.remittance_id, {"status": status, "digest": ended.digest})


_WORKABLE = frozenset(s.value for s in WORKABLE)


def _earlier_denials(rows: list[dict]) -> list:
    """The claim's denials still worked among the payer's rows (stored or of this
    batch), keyed by their place in `rows` for `_repeated_denials`."""
    return [posting.EarlierDenial(n, r["line_id"], r["responsibility"], r["adjustment_group"], r["reason_code"],
                                  r["amount"] - r["overturned_amount"])
            for n, r in enumerate(rows) if r["status"] in _WORKABLE]


def _payload(payment: ClaimPayment, remittance_id: int) -> str:
    """The parked claim payment, whole but for names (PHI), and its remittance, for
    `exceptions apply`."""
    return json.dumps({"claim_number": payment.claim_number, "remittance_id": remittance_id,
                       "payment": to_payload(payment)}, sort_keys=True)

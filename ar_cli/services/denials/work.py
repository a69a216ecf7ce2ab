"""Working denials: appeal them and resolve them, on all the open denials of a claim's
current coverage (or one line). One use case = one audited transaction.

The current coverage is the lowest-ranked coverage with workable denials that still
holds money on the claim (else the lowest with workable denials). Resolutions that move
money post entries on the denying coverage, for what is still at stake on each denial
(amount − overturned), never more than the coverage holds:

- to-patient: a transfer to the patient (two linked entries), only of what may be billed
  to a patient (services/posting/patient_billing.py: PR amounts; a payer's CO, OA or PI amount
  only with the patient's written agreement — modifier GA on the line, or a waiver
  recorded on the claim, which `waiver` records — and never on a No Surprises Act
  claim);
- billed-other-payer: a transfer to the next coverage on the claim (refused when there
  is none);
- written-off: a `denial_writeoff` entry (never a contractual adjustment).

Overturned waits for the payment (posting records it); upheld opens the next level's
deadline, counted from the decision date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ar_cli.domain.claims.records import PATIENT, Claim
from ar_cli.domain.codes.treatments import DenialCategory
from ar_cli.domain.denials.appeals import level_deadline, next_level, remittance_start
from ar_cli.domain.denials.resolutions import (
    WORKABLE,
    DenialState,
    DenialStatus,
    Resolution,
    check_appeal,
    check_resolution,
    take_in_order,
)
from ar_cli.domain.errors import InputError
from ar_cli.domain.money import cents_to_text
from ar_cli.domain.posting.checks import next_responsibility
from ar_cli.domain.posting.patient_billing import ToPatient
from ar_cli.services.context import Actor
from ar_cli.services.posting.patient_billing import (
    check_waiver_reference,
    line_modifiers,
    record_waiver,
    refuse_unbillable,
)
from ar_cli.store import Session, claims_repo, denials_repo, payers_repo, remittances_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.periods_repo import ensure_period_open
from ar_cli.store.queries.entries import next_transfer_group
from ar_cli.store.rows import save
from ar_cli.store.tables import DenialRow, LedgerEntryRow, NoteRow


@dataclass(kw_only=True)
class Worked:
    """What an appeal or a resolution did, for the CLI to say."""

    claim_number: str
    coverage: int
    payer: str
    denial_ids: list[int]
    status: str
    level: int = 0
    deadline: date | None = None
    moved: int = 0  # cents posted (transferred or written off)
    receiver: int | None = None  # who received a transfer (0 patient, 2/3 a coverage)
    waiver: str = ""  # the written agreement this resolution recorded on the claim
    notes: list[str] = field(default_factory=list)


def appeal(ledger: Ledger, claim_number: str, *, note: str, line: int | None, filed_on: date, actor: Actor) -> Worked:
    """File an appeal at the next level for the open (or upheld) denials."""
    if not note.strip():
        raise InputError("--note: say what the appeal sends (it is kept on the claim)")
    with ledger.write() as session:
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        claim, rows = _selected(session, claim_number, line, statuses=(DenialStatus.OPEN, DenialStatus.UPHELD))
        payer = payers_repo.payer_by_id(session, rows[0].payer_id)
        windows = payers_repo.payer_appeal_windows(session, payer)
        levels = {row.id: check_appeal(_state(row)) for row in rows}
        done = Worked(
            claim_number=claim.claim_number,
            coverage=rows[0].responsibility,
            payer=payer.code,
            denial_ids=[r.id for r in rows],
            status=DenialStatus.APPEALED.value,
        )
        for row in rows:
            level = levels[row.id]
            if level == 1:
                row.appeal_deadline = level_deadline(windows, 1, _remittance_start(session, row))
            before = {"status": row.status, "level": row.level}
            row.status, row.level, row.last_action_on = DenialStatus.APPEALED.value, level, filed_on
            row.resolution, row.resolved_on = "", None
            save(session, row)
            rec.note_update(
                "denial",
                row.id,
                {"before": before, "status": row.status, "level": level, "deadline": str(row.appeal_deadline)},
            )
            done.level, done.deadline = level, row.appeal_deadline
            if row.appeal_deadline is not None and filed_on > row.appeal_deadline:
                done.notes.append(
                    f"denial {row.id}: filed {filed_on} after its level {level} deadline {row.appeal_deadline}"
                )
        name = windows[done.level].name
        rec.insert(
            NoteRow,
            [
                {
                    "claim_id": claim.id,
                    "created_at": actor.now,
                    "created_by": actor.user,
                    "text": f"Appeal ({name}, level {done.level}) of denial(s) "
                    f"{', '.join(str(i) for i in done.denial_ids)}: {note.strip()}",
                }
            ],
        )
        claims_repo.refresh_status(session, rec, claim.id, claim.status)
        rec.finish(
            action="denials.appeal",
            entity="claim",
            entity_key=claim.claim_number,
            details={"denials": done.denial_ids, "level": done.level, "filed_on": filed_on.isoformat()},
        )
        return done


def resolve(
    ledger: Ledger,
    claim_number: str,
    resolution: Resolution,
    *,
    line: int | None,
    decided_on: date,
    posting_date: date,
    note: str | None,
    actor: Actor,
    waiver: str | None = None,
) -> Worked:
    """Resolve the workable denials of the claim's current coverage (or one line).
    `waiver`: the reference of the patient's written agreement to pay (to-patient only),
    recorded on the claim when the transfer is made."""
    if waiver is not None:
        if resolution is not Resolution.TO_PATIENT:
            raise InputError("--waiver goes with --to-patient (the patient's written agreement to pay)")
        waiver = check_waiver_reference(waiver)
    with ledger.write() as session:
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        claim, rows = _selected(session, claim_number, line, statuses=tuple(WORKABLE), resolving=True)
        if resolution is Resolution.UPHELD:
            # Upheld answers an appeal: it concerns the appealed denials only (with none,
            # check_resolution below refuses the first one, as for any resolution).
            rows = [r for r in rows if r.status == DenialStatus.APPEALED] or rows
        for row in rows:
            check_resolution(_state(row), resolution)
        rank = rows[0].responsibility
        payer = payers_repo.payer_by_id(session, rows[0].payer_id)
        done = Worked(
            claim_number=claim.claim_number,
            coverage=rank,
            payer=payer.code,
            denial_ids=[r.id for r in rows],
            status=check_resolution(_state(rows[0]), resolution).value,
        )
        if resolution.moves_money:
            ensure_period_open(session, posting_date)
            _move_money(
                session,
                rec,
                claim,
                rows,
                resolution,
                posting_date=posting_date,
                decided_on=decided_on,
                actor=actor,
                done=done,
                waiver=waiver or "",
            )
        windows = payers_repo.payer_appeal_windows(session, payer)
        for row in rows:
            before = row.status
            row.status = done.status
            row.resolution, row.resolved_on, row.last_action_on = resolution.value, decided_on, decided_on
            if resolution is Resolution.UPHELD:
                following = next_level(row.level)
                row.appeal_deadline = level_deadline(windows, following, decided_on) if following else None
                done.level, done.deadline = row.level, row.appeal_deadline
            save(session, row)
            rec.note_update(
                "denial",
                row.id,
                {"status": [before, row.status], "resolution": resolution.value, "deadline": str(row.appeal_deadline)},
            )
        if note and note.strip():
            rec.insert(
                NoteRow,
                [
                    {
                        "claim_id": claim.id,
                        "created_at": actor.now,
                        "created_by": actor.user,
                        "text": f"Denial(s) {', '.join(str(i) for i in done.denial_ids)} "
                        f"{resolution.value.replace('_', ' ')}: {note.strip()}",
                    }
                ],
            )
        claims_repo.refresh_status(session, rec, claim.id, claim.status)
        details = {
            "denials": done.denial_ids,
            "resolution": resolution.value,
            "moved": done.moved,
            "decided_on": decided_on.isoformat(),
        }
        if done.waiver:
            details["waiver"] = done.waiver
        rec.finish(action="denials.resolve", entity="claim", entity_key=claim.claim_number, details=details)
        return done


def _selected(
    session: Session, claim_number: str, line: int | None, *, statuses, resolving: bool = False
) -> tuple[Claim, list[DenialRow]]:
    claim = claims_repo.get_claim(session, claim_number)
    line_id = None
    if line is not None:
        line_id = next((ln.id for ln in claim.lines if ln.line_number == line), None)
        if line_id is None:
            raise InputError(f"--line {line}: claim {claim.claim_number} has no line {line}")
    every = denials_repo.denials_of_claim(session, claim.id)
    if line_id is not None:
        every = [r for r in every if r.line_id == line_id]
    where = f"claim {claim.claim_number}" + (f" line {line}" if line is not None else "")
    workable = [r for r in every if r.status in WORKABLE]
    if not workable:
        if resolving and every:
            latest = every[-1]
            raise InputError(
                f"{where}: its denials are already resolved (denial {latest.id} is "
                f"{latest.status}{' ' + latest.resolution if latest.resolution else ''}); "
                "resolving again changes nothing"
            )
        raise InputError(f"{where} has no open denial")
    balances = claims_repo.balances_of(session, claim.id)
    ranks = sorted({r.responsibility for r in workable})
    rank = next((r for r in ranks if balances.get(r, 0) > 0), ranks[0])
    chosen = [r for r in workable if r.responsibility == rank]
    wanted = [r for r in chosen if r.status in statuses]
    if not wanted:
        row = chosen[0]
        raise InputError(f"{where}: denial {row.id} is {row.status}; only an open or upheld denial can be appealed")
    return claim, wanted


def _state(row: DenialRow) -> DenialState:
    try:
        category = DenialCategory(row.category)
    except ValueError:
        category = DenialCategory.OTHER
    return DenialState(
        id=row.id,
        status=DenialStatus(row.status),
        level=row.level,
        category=category,
        at_stake=row.amount - row.overturned_amount,
    )


def _remittance_start(session: Session, row: DenialRow) -> date:
    if row.remittance_id is not None:
        start = remittance_start(*remittances_repo.remittance_dates(session, row.remittance_id))
        if start is not None:
            return start
    return row.denied_on


def _move_money(
    session: Session,
    rec: ChangeRecorder,
    claim: Claim,
    rows: list[DenialRow],
    resolution: Resolution,
    *,
    posting_date: date,
    decided_on: date,
    actor: Actor,
    done: Worked,
    waiver: str = "",
) -> None:
    rank = rows[0].responsibility
    receiver = None
    if resolution is Resolution.BILLED_OTHER_PAYER:
        receiver = next_responsibility(claim, rank)
        if receiver == PATIENT:
            raise InputError(
                f"claim {claim.claim_number} has no coverage after coverage {rank}; use --to-patient or --written-off"
            )
    elif resolution is Resolution.TO_PATIENT:
        receiver = PATIENT
    held = claims_repo.balances_of(session, claim.id).get(rank, 0)
    takes = take_in_order([r.amount - r.overturned_amount for r in rows], held)
    if sum(takes) < sum(r.amount - r.overturned_amount for r in rows):
        done.notes.append(f"coverage {rank} holds {cents_to_text(max(held, 0))}: only that moves")
    if receiver == PATIENT:
        refuse_unbillable(
            session,
            claim,
            [
                ToPatient(
                    what=f"denial {row.id}",
                    group=row.adjustment_group,
                    reason_code=row.reason_code,
                    amount=take,
                    line_modifiers=line_modifiers(claim, row.line_id),
                )
                for row, take in zip(rows, takes)
                if take > 0
            ],
            waiver=waiver,
        )
        if waiver:
            record_waiver(rec, claim, waiver, actor)
            done.waiver = waiver
    entries, deltas = [], {}
    group = None
    if receiver is not None:
        group = next_transfer_group(session)
    for row, take in zip(rows, takes):
        if take <= 0:
            continue
        base = {
            "claim_id": claim.id,
            "line_id": row.line_id,
            "posting_date": posting_date,
            "effective_date": decided_on,
            "payer_id": row.payer_id,
            "adjustment_group": row.adjustment_group,
            "reason_code": row.reason_code,
            "remark_codes": row.remark_codes,
            "source_ref": f"denial {row.id}",
            "created_by": actor.user,
        }
        if receiver is None:
            entries.append({**base, "responsibility": rank, "kind": "denial_writeoff", "amount": -take})
        else:
            entries.append(
                {**base, "responsibility": rank, "kind": "transfer", "amount": -take, "transfer_group": group}
            )
            entries.append(
                {**base, "responsibility": receiver, "kind": "transfer", "amount": take, "transfer_group": group}
            )
            deltas[(claim.id, receiver)] = deltas.get((claim.id, receiver), 0) + take
        deltas[(claim.id, rank)] = deltas.get((claim.id, rank), 0) - take
        done.moved += take
    rec.insert(LedgerEntryRow, entries)
    claims_repo.apply_balance_deltas(session, deltas, since={key: decided_on for key in deltas})
    done.receiver = receiver

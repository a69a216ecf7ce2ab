"""Accepting a held charge-file conflict: the new values become a correction.

Money changes only by new entries (a reversal of the old charge and the new charge);
descriptive fields (procedure code, dates, coverages) are updated in place, with the
old and new values written into the audit event.
"""

from __future__ import annotations

from datetime import date

from ar_cli.domain.claims.records import Claim, line_fields, line_key
from ar_cli.domain.errors import InputError
from ar_cli.domain.payers import FirstSight
from ar_cli.services.context import Actor
from ar_cli.store import claims_repo, payers_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.balance_summary import restating
from ar_cli.store.queries.entries import charge_entries_of_line
from ar_cli.store.rows import remove, save
from ar_cli.store.tables import ClaimLineRow, CoverageRow, LedgerEntryRow

_LINE_FIELDS = ("line_control_number", "procedure_code", "modifiers", "units", "service_from", "service_to")


def correct_line(
    session, rec: ChangeRecorder, claim: Claim, incoming: dict, *, actor: Actor, posting_date: date, source: str
) -> None:
    with restating(session, [claim.id]):
        _correct_line(session, rec, claim, incoming, actor=actor, posting_date=posting_date, source=source)
        _refresh_first_service_date(session, rec, claim.id)


def _correct_line(
    session, rec: ChangeRecorder, claim: Claim, incoming: dict, *, actor: Actor, posting_date: date, source: str
) -> None:
    key = incoming["line_key"]
    line = next((ln for ln in claim.lines if line_key(ln.line_control_number, ln.line_number) == key), None)
    if line is None:
        _add_line(session, rec, claim, incoming, actor=actor, posting_date=posting_date, source=source)
        return
    row = claims_repo.line_row(session, line.id)
    changes = {
        f: [str(getattr(row, f)), str(incoming[f])] for f in _LINE_FIELDS if str(getattr(row, f)) != str(incoming[f])
    }
    for field in _LINE_FIELDS:
        value = incoming[field]
        setattr(row, field, date.fromisoformat(value) if field.startswith("service_") else value)
    new_charge = int(incoming["charge"])
    if new_charge != line.charge:
        changes["charge"] = [line.charge, new_charge]
        _recharge(
            session,
            rec,
            claim,
            line.id,
            new_charge,
            actor=actor,
            posting_date=posting_date,
            effective=row.service_from,
            source=source,
        )
        row.charge = new_charge
    save(session, row)
    rec.note_update("claim_line", line.id, changes)


def _recharge(
    session,
    rec,
    claim: Claim,
    line_id: int,
    new_charge: int,
    *,
    actor: Actor,
    posting_date: date,
    effective: date,
    source: str,
) -> None:
    """Reverse the line's standing charge entries and post the new charge."""
    entries = charge_entries_of_line(session, line_id)
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
    standing = [e for e in entries if e.reverses_id is None and e.id not in reversed_ids]
    rows, deltas, since = [], {}, {}
    for entry in standing:
        rows.append(
            {
                **_entry_base(entry, actor, posting_date, source),
                "amount": -entry.amount,
                "reverses_id": entry.id,
                "effective_date": entry.effective_date,
            }
        )
        deltas[(claim.id, entry.responsibility)] = deltas.get((claim.id, entry.responsibility), 0) - entry.amount
        since[(claim.id, entry.responsibility)] = claim.billed_date
    resp = standing[0].responsibility if standing else claim.first_responsibility
    payer = standing[0].payer_id if standing else None
    rows.append(
        {
            "claim_id": claim.id,
            "line_id": line_id,
            "responsibility": resp,
            "kind": "charge",
            "amount": new_charge,
            "posting_date": posting_date,
            "effective_date": effective,
            "payer_id": payer,
            "source_ref": source,
            "created_by": actor.user,
        }
    )
    deltas[(claim.id, resp)] = deltas.get((claim.id, resp), 0) + new_charge
    since[(claim.id, resp)] = claim.billed_date
    rec.insert(LedgerEntryRow, rows)
    claims_repo.apply_balance_deltas(session, deltas, since=since)


def _entry_base(entry: LedgerEntryRow, actor: Actor, posting_date: date, source: str) -> dict:
    return {
        "claim_id": entry.claim_id,
        "line_id": entry.line_id,
        "responsibility": entry.responsibility,
        "kind": entry.kind,
        "posting_date": posting_date,
        "payer_id": entry.payer_id,
        "source_ref": source,
        "created_by": actor.user,
    }


def _add_line(session, rec, claim: Claim, incoming: dict, *, actor: Actor, posting_date: date, source: str) -> None:
    number = max((ln.line_number for ln in claim.lines), default=0) + 1
    line_id = rec.insert_one(
        ClaimLineRow,
        {
            "claim_id": claim.id,
            "line_number": number,
            "line_control_number": incoming["line_control_number"],
            "procedure_code": incoming["procedure_code"],
            "modifiers": incoming["modifiers"],
            "units": incoming["units"],
            "charge": int(incoming["charge"]),
            "service_from": date.fromisoformat(incoming["service_from"]),
            "service_to": date.fromisoformat(incoming["service_to"]),
        },
    )
    resp = claim.first_responsibility
    rec.insert(
        LedgerEntryRow,
        [
            {
                "claim_id": claim.id,
                "line_id": line_id,
                "responsibility": resp,
                "kind": "charge",
                "amount": int(incoming["charge"]),
                "posting_date": posting_date,
                "effective_date": date.fromisoformat(incoming["service_from"]),
                "payer_id": claim.coverages[0].payer_id if claim.coverages else None,
                "source_ref": source,
                "created_by": actor.user,
            }
        ],
    )
    claims_repo.apply_balance_deltas(
        session, {(claim.id, resp): int(incoming["charge"])}, since={(claim.id, resp): claim.billed_date}
    )


def correct_claim(
    session, rec: ChangeRecorder, claim: Claim, incoming: dict, *, actor: Actor, posting_date: date, source: str
) -> None:
    # Dates and coverages file balances in the aging summary: restate it around the change.
    with restating(session, [claim.id]):
        _correct_claim(session, rec, claim, incoming, actor=actor, posting_date=posting_date, source=source)
        _refresh_first_service_date(session, rec, claim.id)


def _refresh_first_service_date(session, rec: ChangeRecorder, claim_id: int) -> None:
    """The claim's earliest line date (what aging by service counts from) after its lines changed."""
    earliest = claims_repo.earliest_service_date(session, claim_id)
    row = claims_repo.claim_row(session, claim_id)
    if earliest is not None and row.first_service_date != earliest:
        rec.note_update(
            "claim", claim_id, {"first_service_date": [row.first_service_date.isoformat(), earliest.isoformat()]}
        )
        row.first_service_date = earliest
        save(session, row)


def _correct_claim(
    session, rec: ChangeRecorder, claim: Claim, incoming: dict, *, actor: Actor, posting_date: date, source: str
) -> None:
    row = claims_repo.claim_row(session, claim.id)
    changes: dict[str, list] = {}
    for field in ("billing_npi", "rendering_npi", "place_of_service", "frequency_code", "original_claim_ref"):
        if getattr(row, field) != incoming[field]:
            changes[field] = [getattr(row, field), incoming[field]]
            setattr(row, field, incoming[field])
    if claim.billed_date.isoformat() != incoming["billed_date"]:
        changes["billed_date"] = [claim.billed_date.isoformat(), incoming["billed_date"]]
        row.billed_date = date.fromisoformat(incoming["billed_date"])
    if incoming["patient_account"] != claim.patient_account:
        raise InputError(
            f"claim {claim.claim_number}: the patient account changed; a claim cannot move "
            "to another patient — void it in the practice system and bill a new claim"
        )
    _correct_coverages(session, rec, claim, incoming, changes)
    save(session, row)
    rec.note_update("claim", claim.id, changes)
    refreshed = claims_repo.get_claim(session, claim.claim_number)
    stored = {line_key(ln.line_control_number, ln.line_number): line_fields(ln) for ln in refreshed.lines}
    for line in incoming["lines"]:
        held = stored.get(line["line_key"])
        if held is None or any(str(held[k]) != str(line[k]) for k in held):
            correct_line(session, rec, refreshed, line, actor=actor, posting_date=posting_date, source=source)
            refreshed = claims_repo.get_claim(session, claim.claim_number)


def _correct_coverages(session, rec, claim: Claim, incoming: dict, changes: dict) -> None:
    wanted = {rank: (code, name, member) for rank, code, name, member in incoming["coverages_full"]}
    balances = claims_repo.balances_of(session, claim.id)
    for cov in claim.coverages:
        if cov.rank not in wanted and balances.get(cov.rank, 0) != 0:
            raise InputError(
                f"claim {claim.claim_number}: the {cov.payer_code} coverage still holds a "
                "balance; move it (post a transfer) before removing the coverage"
            )
    new_payers = {code: name for code, name, _ in wanted.values()}
    known = {c: r.id for c, r in payers_repo.payers_by_code(session, new_payers).items()}
    missing = {c: n for c, n in new_payers.items() if c not in known}
    if missing:
        known.update(
            payers_repo.create_payers(rec, [FirstSight(code=c, name=missing[c]) for c in sorted(missing)], rec.now)
        )
    held = claims_repo.coverage_rows(session, claim.id)
    for rank, (code, _name, member) in sorted(wanted.items()):
        row = held.pop(rank, None)
        if row is None:
            rec.insert(
                CoverageRow, [{"claim_id": claim.id, "rank": rank, "payer_id": known[code], "member_id": member}]
            )
            changes[f"coverage_{rank}"] = [None, code]
        elif row.payer_id != known[code] or row.member_id != member:
            changes[f"coverage_{rank}"] = [row.payer_id, code]
            row.payer_id, row.member_id = known[code], member
            save(session, row)
    for row in held.values():
        changes[f"coverage_{row.rank}"] = [row.payer_id, None]
        remove(session, row)

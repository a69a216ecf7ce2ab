"""`post era --create-claims`: for practices that keep no charge file, a claim the ledger
lacks is created from the 835 itself — claim number, patient, lines and charges, with
the remitting payer as its coverage — and then posts like any other."""

from __future__ import annotations

from datetime import date

from ar_cli.domain.claims.records import ClaimIn, ClaimLineIn, CoverageIn
from ar_cli.domain.remittance.advice import ClaimPayment
from ar_cli.services.context import Actor
from ar_cli.store import claims_repo, payers_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.tables import ClaimLineRow, ClaimRow, CoverageRow, LedgerEntryRow, PatientRow


def claim_from_payment(payment: ClaimPayment, *, payer_code: str, payer_name: str, effective: date) -> ClaimIn:
    person = payment.patient or payment.insured
    member = (payment.insured or payment.patient).identifier if (payment.insured or payment.patient) else ""
    default_day = payment.statement_from or effective
    lines = []
    for number, line in enumerate(payment.lines, 1):
        start = line.service_date_from or default_day
        lines.append(
            ClaimLineIn(
                line_number=number,
                line_control_number=line.line_control_number,
                procedure_code=(line.original_procedure_code or line.procedure_code or "UNKNOWN")[:20],
                modifiers=tuple(line.original_modifiers or line.modifiers),
                units=line.original_units or line.units_paid or "1",
                charge=line.charge,
                service_from=start,
                service_to=line.service_date_to or start,
                source_line=line.segment,
            )
        )
    if not lines:  # a claim paid at claim level: one line carrying the whole charge
        lines.append(
            ClaimLineIn(
                line_number=1,
                line_control_number="",
                procedure_code="CLAIM",
                modifiers=(),
                units="1",
                charge=payment.charge,
                service_from=default_day,
                service_to=payment.statement_to or default_day,
                source_line=payment.segment,
            )
        )
    return ClaimIn(
        claim_number=payment.claim_number,
        patient_account=f"ERA-{member or payment.claim_number}"[:80],
        patient_last=(person.last_name if person else "").upper(),
        patient_first=(person.first_name if person else "").upper(),
        patient_birth_date=None,
        billed_date=payment.received_date or default_day,
        coverages=(CoverageIn(rank=1, payer_code=payer_code, payer_name=payer_name, member_id=member),),
        billing_npi="",
        rendering_npi="",
        place_of_service=payment.facility_code[:4],
        frequency_code=payment.frequency_code or "1",
        original_claim_ref="",
        lines=tuple(lines),
        source_line=payment.segment,
    )


def create_claims_from_payments(
    session,
    rec: ChangeRecorder,
    payments: list[ClaimPayment],
    *,
    payer,
    effective: date,
    actor: Actor,
    posting_date: date,
    source_id: int,
) -> None:
    seen: dict[str, ClaimIn] = {}
    for payment in payments:  # a split claim (one CLP01 twice) is created once, from its first part
        seen.setdefault(
            payment.claim_number,
            claim_from_payment(payment, payer_code=payer.code, payer_name=payer.name, effective=effective),
        )
    claims = list(seen.values())
    accounts = {c.patient_account: c for c in claims}
    known = {a: r.id for a, r in payers_repo.patients_by_account(session, accounts).items()}
    new = [c for a, c in accounts.items() if a not in known]
    ids = rec.insert(
        PatientRow,
        [
            {
                "account": c.patient_account,
                "last_name": c.patient_last or "UNKNOWN",
                "first_name": c.patient_first,
                "created_at": actor.now,
            }
            for c in new
        ],
        returning_ids=True,
    )
    known.update({c.patient_account: i for c, i in zip(new, ids)})
    claim_ids = rec.insert(
        ClaimRow,
        [
            {
                "claim_number": c.claim_number,
                "patient_id": known[c.patient_account],
                "place_of_service": c.place_of_service,
                "frequency_code": c.frequency_code,
                "billed_date": c.billed_date,
                "first_service_date": c.first_service_date,
                "status": "billed",
                "created_at": actor.now,
                "source_file_id": source_id,
            }
            for c in claims
        ],
        returning_ids=True,
    )
    rec.insert(
        CoverageRow,
        [
            {"claim_id": cid, "rank": 1, "payer_id": payer.id, "member_id": c.coverages[0].member_id}
            for cid, c in zip(claim_ids, claims)
        ],
    )
    line_rows = [
        {
            "claim_id": cid,
            "line_number": ln.line_number,
            "line_control_number": ln.line_control_number,
            "procedure_code": ln.procedure_code,
            "modifiers": ":".join(ln.modifiers),
            "units": ln.units,
            "charge": ln.charge,
            "service_from": ln.service_from,
            "service_to": ln.service_to,
        }
        for cid, c in zip(claim_ids, claims)
        for ln in c.lines
    ]
    line_ids = iter(rec.insert(ClaimLineRow, line_rows, returning_ids=True))
    entries, deltas, since = [], {}, {}
    for cid, c in zip(claim_ids, claims):
        for line in c.lines:
            entries.append(
                {
                    "claim_id": cid,
                    "line_id": next(line_ids),
                    "responsibility": 1,
                    "kind": "charge",
                    "amount": line.charge,
                    "posting_date": posting_date,
                    "effective_date": line.service_from,
                    "payer_id": payer.id,
                    "source_file_id": source_id,
                    "source_ref": f"created from segment {c.source_line}",
                    "created_by": actor.user,
                }
            )
        deltas[(cid, 1)] = c.total_charge
        since[(cid, 1)] = c.billed_date
    rec.insert(LedgerEntryRow, entries)
    claims_repo.apply_balance_deltas(session, deltas, since=since)

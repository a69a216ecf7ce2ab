"""What the rule on billing the patient reads of a claim (domain/posting/patient_billing.py):
the remark codes its remittances carried, and the written agreements recorded on it.
Never commits."""

from __future__ import annotations

from sqlalchemy import select, union
from sqlmodel import Session

from ar_cli.store.tables import ClaimWaiverRow, DenialRow, LedgerEntryRow


def remark_codes(session: Session, claim_id: int) -> set[str]:
    """Every RARC stored with the claim's entries and denials. Posting stores with each
    adjustment's entry or denial the RARCs it was read with — its line's, then the
    claim's (MOA, claim LQ) — so a claim-level remark such as N830 is found on any
    adjustment of that claim payment."""
    e, d = LedgerEntryRow, DenialRow
    stmt = union(
        select(e.remark_codes).where(e.claim_id == claim_id, e.remark_codes != ""),
        select(d.remark_codes).where(d.claim_id == claim_id, d.remark_codes != ""),
    )
    return {code for (joined,) in session.execute(stmt) for code in joined.split(":") if code}


def recorded_waiver(session: Session, claim_id: int) -> str:
    """The reference of the latest written agreement recorded on the claim, or ''."""
    found = session.execute(
        select(ClaimWaiverRow.reference)
        .where(ClaimWaiverRow.claim_id == claim_id)
        .order_by(ClaimWaiverRow.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return found or ""

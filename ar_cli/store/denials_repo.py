"""Denials: the ones a payment may overturn or a reversal supersede, the ones a person
works, and the facts the flags need. Never commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import bindparam, func, or_, select, update
from sqlmodel import Session

from ar_cli.domain.denials import SUPERSEDABLE, WORKABLE, DenialStatus, Resolution
from ar_cli.store.payers_repo import chunks
from ar_cli.store.tables import DenialRow, PayerAppealWindowRow

_SUPERSEDABLE = sorted(s.value for s in SUPERSEDABLE)
_WORKABLE = sorted(s.value for s in WORKABLE)


def configured_windows(session: Session, payer_id: int) -> dict[int, int]:
    """Appeal windows set for a payer (level → days); levels not set are absent."""
    return dict(session.execute(select(PayerAppealWindowRow.level, PayerAppealWindowRow.days)
                                .where(PayerAppealWindowRow.payer_id == payer_id)).all())


def overturnable(session: Session, claim_ids: Iterable[int], payer_id: int) -> dict[int, list[dict]]:
    """Per claim: denials of `payer_id` a later payment may overturn (workable, or
    overturned / corrected and waiting for the money), oldest first, as plain dicts."""
    d = DenialRow.__table__.c
    found: dict[int, list[dict]] = defaultdict(list)
    # Workable, or waiting for the payer's money: overturned by a person's word, or a
    # corrected claim sent.
    waiting = or_(d.status.in_(_WORKABLE),
                  (d.status == DenialStatus.OVERTURNED.value) & (d.resolution == Resolution.OVERTURNED.value),
                  (d.status == DenialStatus.RESOLVED.value)
                  & (d.resolution == Resolution.CORRECTED_CLAIM_SENT.value))
    for part in chunks(sorted(set(claim_ids))):
        for row in session.execute(
                select(d.id, d.claim_id, d.line_id, d.amount, d.overturned_amount, d.status,
                       d.claim_payment_id, d.resolution, d.resolved_on)
                .where(d.claim_id.in_(part), d.payer_id == payer_id, waiting).order_by(d.id)):
            found[row.claim_id].append({"id": row.id, "line_id": row.line_id, "amount": row.amount,
                                        "overturned_amount": row.overturned_amount, "status": row.status,
                                        "claim_payment_id": row.claim_payment_id,
                                        "resolution": row.resolution, "resolved_on": row.resolved_on})
    return found


def write_overturns(session: Session, updates: dict[int, dict]) -> None:
    """Apply {denial id: {overturned_amount, status, resolution, resolved_on}} in one executemany."""
    if not updates:
        return
    t = DenialRow.__table__
    session.execute(update(t).where(t.c.id == bindparam("denial_id")).values(
        overturned_amount=bindparam("new_overturned"), status=bindparam("new_status"),
        resolution=bindparam("new_resolution"), resolved_on=bindparam("new_resolved_on")),
        [{"denial_id": i, "new_overturned": u["overturned_amount"], "new_status": u["status"],
          "new_resolution": u["resolution"], "new_resolved_on": u["resolved_on"]}
         for i, u in sorted(updates.items())])


def supersede(session: Session, claim_payment_id: int, *, on: date) -> list[tuple[int, str]]:
    """Mark the denials the claim payment opened superseded; (id, status before) each."""
    rows = session.execute(select(DenialRow.id, DenialRow.status).where(
        DenialRow.claim_payment_id == claim_payment_id, DenialRow.status.in_(_SUPERSEDABLE))).all()
    if rows:
        session.execute(update(DenialRow.__table__).where(DenialRow.__table__.c.id.in_([r[0] for r in rows]))
                        .values(status=DenialStatus.SUPERSEDED.value, resolution=Resolution.REVERSED.value,
                                resolved_on=on))
    return [(int(i), str(s)) for i, s in rows]


# What a claim's status counts as an open denial: one still to work (an upheld denial
# waits for the next level or a write-off), apart from those under appeal.
_OPEN_FOR_STATUS = (DenialStatus.OPEN.value, DenialStatus.UPHELD.value)


def denial_counts(session: Session, claim_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Per claim: (open denials, appealed denials), as claim status derivation counts them."""
    found: dict[int, tuple[int, int]] = {}
    for part in chunks(sorted(set(claim_ids))):
        for claim_id, open_count, appealed in session.execute(
                select(DenialRow.claim_id, func.count().filter(DenialRow.status.in_(_OPEN_FOR_STATUS)),
                       func.count().filter(DenialRow.status == DenialStatus.APPEALED.value))
                .where(DenialRow.claim_id.in_(part)).group_by(DenialRow.claim_id)):
            found[claim_id] = (int(open_count), int(appealed))
    return found

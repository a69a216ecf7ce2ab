"""Denials: the ones a payment may overturn or a reversal supersede, the ones a person
works, and the facts the flags need. Never commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select, update
from sqlmodel import Session

from ar_cli.domain.denials.resolutions import SUPERSEDABLE, WORKABLE, DenialStatus, Resolution
from ar_cli.store.sql import Keys, day, sql_of
from ar_cli.store.tables import DenialRow, PayerAppealWindowRow

_SUPERSEDABLE = sorted(s.value for s in SUPERSEDABLE)
_WORKABLE = sorted(s.value for s in WORKABLE)


def configured_windows(session: Session, payer_id: int) -> dict[int, int]:
    """Appeal windows set for a payer (level → days); levels not set are absent."""
    return dict(
        session.execute(
            select(PayerAppealWindowRow.level, PayerAppealWindowRow.days).where(
                PayerAppealWindowRow.payer_id == payer_id
            )
        ).all()
    )


def overturnable(session: Session, claim_ids: Iterable[int], payer_id: int) -> dict[int, list[dict]]:
    """Per claim: denials of `payer_id` a later payment may overturn (workable, or
    overturned / corrected and waiting for the money), oldest first, as plain dicts."""
    found: dict[int, list[dict]] = defaultdict(list)
    workable = ", ".join(f"'{s}'" for s in _WORKABLE)  # our own enum values, not input
    # Workable, or waiting for the payer's money: overturned by a person's word, or a
    # corrected claim sent.
    sql = (
        "SELECT id, claim_id, line_id, amount, overturned_amount, status, claim_payment_id, resolution, "
        "resolved_on, responsibility, adjustment_group, reason_code, times_denied, level, appeal_deadline "
        "FROM denial WHERE claim_id IN :claims AND payer_id = :payer AND ("
        f"status IN ({workable}) OR (status = :overturned AND resolution = :overturned_by) "
        "OR (status = :resolved AND resolution = :corrected)) ORDER BY id"
    )
    for (
        denial_id,
        claim_id,
        line_id,
        amount,
        overturned,
        status,
        payment_id,
        resolution,
        resolved_on,
        responsibility,
        group,
        reason_code,
        times_denied,
        level,
        deadline,
    ) in sql_of(session).rows(
        sql,
        {
            "claims": Keys(sorted(set(claim_ids))),
            "payer": payer_id,
            "overturned": DenialStatus.OVERTURNED.value,
            "overturned_by": Resolution.OVERTURNED.value,
            "resolved": DenialStatus.RESOLVED.value,
            "corrected": Resolution.CORRECTED_CLAIM_SENT.value,
        },
    ):
        found[claim_id].append(
            {
                "id": denial_id,
                "line_id": line_id,
                "amount": amount,
                "overturned_amount": overturned,
                "status": status,
                "claim_payment_id": payment_id,
                "resolution": resolution,
                "resolved_on": day(resolved_on),
                # what tells a denial said again (ERA posting) and what it refreshes
                "responsibility": responsibility,
                "adjustment_group": group,
                "reason_code": reason_code,
                "times_denied": times_denied,
                "level": level,
                "appeal_deadline": day(deadline),
            }
        )
    return found


def write_repeats(session: Session, updates: dict[int, dict]) -> None:
    """A denial said again: {denial id: {times_denied, last_denied_on, appeal_deadline}},
    one executemany."""
    db = sql_of(session)
    db.executemany(
        "UPDATE denial SET times_denied = :times_denied, last_denied_on = :last_denied_on, "
        "appeal_deadline = :appeal_deadline WHERE id = :id",
        [
            (u["times_denied"], db.bindable(u["last_denied_on"]), db.bindable(u["appeal_deadline"]), i)
            for i, u in sorted(updates.items())
        ],
    )


def write_overturns(session: Session, updates: dict[int, dict]) -> None:
    """Apply {denial id: {overturned_amount, status, resolution, resolved_on}} in one executemany."""
    db = sql_of(session)
    db.executemany(
        "UPDATE denial SET overturned_amount = :overturned_amount, status = :status, resolution = :resolution, "
        "resolved_on = :resolved_on WHERE id = :id",
        [
            (u["overturned_amount"], u["status"], u["resolution"], db.bindable(u["resolved_on"]), i)
            for i, u in sorted(updates.items())
        ],
    )


def supersede(session: Session, claim_payment_id: int, *, on: date) -> list[tuple[int, str]]:
    """Mark the denials the claim payment opened superseded; (id, status before) each."""
    rows = session.execute(
        select(DenialRow.id, DenialRow.status).where(
            DenialRow.claim_payment_id == claim_payment_id, DenialRow.status.in_(_SUPERSEDABLE)
        )
    ).all()
    if rows:
        session.execute(
            update(DenialRow.__table__)
            .where(DenialRow.__table__.c.id.in_([r[0] for r in rows]))
            .values(status=DenialStatus.SUPERSEDED.value, resolution=Resolution.REVERSED.value, resolved_on=on)
        )
    return [(int(i), str(s)) for i, s in rows]


# What a claim's status counts as an open denial: one still to work (an upheld denial
# waits for the next level or a write-off), apart from those under appeal.
_OPEN_FOR_STATUS = (DenialStatus.OPEN.value, DenialStatus.UPHELD.value)


def denial_counts(session: Session, claim_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Per claim: (open denials, appealed denials), as claim status derivation counts them."""
    opened = ", ".join(f"'{s}'" for s in _OPEN_FOR_STATUS)  # our own enum values, not input
    sql = (
        f"SELECT claim_id, SUM(CASE WHEN status IN ({opened}) THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN status = '{DenialStatus.APPEALED.value}' THEN 1 ELSE 0 END) "
        "FROM denial WHERE claim_id IN :claims GROUP BY claim_id"
    )
    return {
        claim_id: (int(open_count), int(appealed))
        for claim_id, open_count, appealed in sql_of(session).rows(sql, {"claims": Keys(sorted(set(claim_ids)))})
    }


def at_stake_by_line(session: Session, claim_id: int, responsibility: int) -> list[tuple[int | None, int]]:
    """The claim's denials of coverage `responsibility` still worked (open, appealed,
    upheld), oldest first: (claim line id or None, cents at stake)."""
    d = DenialRow
    rows = session.execute(
        select(d.line_id, d.amount - d.overturned_amount)
        .where(d.claim_id == claim_id, d.responsibility == responsibility, d.status.in_(_WORKABLE))
        .order_by(d.id)
    ).all()
    return [(line_id, int(at_stake)) for line_id, at_stake in rows]


def open_denials_and_owed(
    session: Session,
) -> tuple[dict[tuple[int, int | None, int], int], dict[tuple[int, int | None, int], int]]:
    """For `audit verify`: (cents still denied by the workable denials, what the entries
    say is owed), both keyed by (claim id, claim line id or None, responsibility), the
    second only for claims with a workable denial. Summed in SQL."""
    workable = ", ".join(f"'{s}'" for s in _WORKABLE)  # our own enum values, not input
    denied = {
        (int(c), line, int(r)): int(s)
        for c, line, r, s in sql_of(session).rows(
            "SELECT claim_id, line_id, responsibility, SUM(amount - overturned_amount) FROM denial "
            f"WHERE status IN ({workable}) GROUP BY claim_id, line_id, responsibility"
        )
    }
    owed = {
        (int(c), line, int(r)): int(s)
        for c, line, r, s in sql_of(session).rows(
            "SELECT claim_id, line_id, responsibility, SUM(amount) FROM ledger_entry WHERE claim_id IN "
            f"(SELECT claim_id FROM denial WHERE status IN ({workable})) "
            "GROUP BY claim_id, line_id, responsibility"
        )
    }
    return denied, owed


def claim_and_line_numbers(session: Session, claim_ids: Iterable[int]) -> tuple[dict[int, str], dict[int, int]]:
    """Claim numbers and claim line numbers for messages: ({claim id: number}, {line id: line number})."""
    db, keys = sql_of(session), {"claims": Keys(sorted(set(claim_ids)))}
    claims = {int(i): str(n) for i, n in db.rows("SELECT id, claim_number FROM claim WHERE id IN :claims", keys)}
    lines = {
        int(i): int(n) for i, n in db.rows("SELECT id, line_number FROM claim_line WHERE claim_id IN :claims", keys)
    }
    return claims, lines


def denials_of_claim(session: Session, claim_id: int) -> list[DenialRow]:
    """The claim's denial rows, oldest first (ORM objects: the caller changes them in
    place and saves them, store/rows.py)."""
    return list(
        session.execute(select(DenialRow).where(DenialRow.claim_id == claim_id).order_by(DenialRow.id)).scalars()
    )

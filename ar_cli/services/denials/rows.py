"""Denial rows as a posting opens them, one shape for every way a payer's answer is
posted: an ERA claim payment (remittance_id and claim_payment_id set) or a paper EOB
typed by hand (`post payment --payer`, a row of `post batch`: both None, there is no
835). Status open, level 0, the first appeal deadline from the payer's windows counted
from the payment's date (domain/denials/appeals.py).

`open_hand_denials` opens a paper EOB's denials: capped by the rule ERA posting caps
with (domain/manual_payment.cap_hand_denials), written and digested through the
posting's ChangeRecorder, in the posting's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ar_cli.domain.codes.treatments import DenialCategory
from ar_cli.domain.denials.appeals import level_deadline
from ar_cli.domain.denials.resolutions import DenialStatus
from ar_cli.domain.posting.manual_payment import DeniedAdjustment, cap_hand_denials
from ar_cli.store import Session, claims_repo, denials_repo, payers_repo, remittances_repo
from ar_cli.store.tables import DenialRow, PayerRow


def first_appeal_deadline(session: Session, payer: PayerRow, start: date | None) -> date | None:
    """The last day to file a level 1 appeal against `payer`, its clock starting at
    `start` (the remittance's payment date; a paper EOB's --date)."""
    return level_deadline(payers_repo.payer_appeal_windows(session, payer), 1, start)


def denial_row(
    *,
    claim_id: int,
    line_id: int | None,
    responsibility: int,
    payer_id: int,
    group: str,
    reason_code: str,
    remark_codes: Sequence[str],
    category: DenialCategory | str,
    amount: int,
    denied_on: date,
    appeal_deadline: date | None,
    created_at: datetime,
    remittance_id: int | None = None,
    claim_payment_id: int | None = None,
) -> dict:
    """One new denial row, every column set (an executemany needs the same keys in each
    row, and overturn_rows reads `overturned_amount` from rows not written yet)."""
    return {
        "claim_id": claim_id,
        "line_id": line_id,
        "responsibility": responsibility,
        "payer_id": payer_id,
        "remittance_id": remittance_id,
        "claim_payment_id": claim_payment_id,
        "adjustment_group": group,
        "reason_code": reason_code,
        "remark_codes": ":".join(remark_codes),
        "category": str(category),
        "amount": amount,
        "status": DenialStatus.OPEN.value,
        "level": 0,
        "denied_on": denied_on,
        "appeal_deadline": appeal_deadline,
        "created_at": created_at,
        "overturned_amount": 0,
        "resolution": "",
        "resolved_on": None,
        "times_denied": 1,
        "last_denied_on": denied_on,
    }


@dataclass(frozen=True, kw_only=True)
class OpenedDenial:
    """What became of one denial-treatment adjustment typed by hand: the denial opened
    (id None when the coverage holds nothing there that is not denied already) and the
    cents it records of the cents asked."""

    code: str  # 'CO-50'
    asked: int
    amount: int
    denial_id: int | None


def open_hand_denials(
    session: Session,
    rec,
    *,
    claim_id: int,
    line_id: int | None,
    rank: int,
    payer: PayerRow,
    denied: Sequence[DeniedAdjustment],
    denied_on: date,
    now: datetime,
) -> list[OpenedDenial]:
    """Open the denials of a paper EOB whose entries are written already: one per
    adjustment in `denied`, on `line_id` (None: the claim), for coverage `rank`."""
    if not denied:
        return []
    lines = {
        line: amount
        for (line, who), amount in remittances_repo.line_balances(session, [claim_id]).get(claim_id, {}).items()
        if who == rank
    }
    takes = cap_hand_denials(
        [d.adjustment.amount for d in denied],
        line_id=line_id,
        open_total=claims_repo.balances_of(session, claim_id).get(rank, 0),
        line_balances=lines,
        earlier=denials_repo.at_stake_by_line(session, claim_id, rank),
    )
    deadline = first_appeal_deadline(session, payer, denied_on)
    rows = [
        denial_row(
            claim_id=claim_id,
            line_id=line_id,
            responsibility=rank,
            payer_id=payer.id,
            group=d.adjustment.group,
            reason_code=d.reason_code,
            remark_codes=(),
            category=d.category,
            amount=take,
            denied_on=denied_on,
            appeal_deadline=deadline,
            created_at=now,
        )
        for d, take in zip(denied, takes)
        if take > 0
    ]
    ids = iter(rec.insert(DenialRow, rows, returning_ids=True))
    return [
        OpenedDenial(
            code=f"{d.adjustment.group}-{d.adjustment.carc}",
            asked=d.adjustment.amount,
            amount=take,
            denial_id=next(ids) if take > 0 else None,
        )
        for d, take in zip(denied, takes)
    ]

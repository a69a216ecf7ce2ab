"""Denials overturned by their payer's payment: one rule for every way a payer's payment
posts — an ERA claim payment, a paper EOB typed by hand (`post payment --payer`), a
row of a deposit batch.

The rule is the pure `domain.denials.allocate_overturn` (which denials a payment
overturns and what each recovers); this module applies its answer to denial rows, as
the plain dicts `store.denials_repo.overturnable` returns. ERA posting applies it to
rows it holds in memory for a batch (some not written yet); a payment by hand applies
it to the stored rows and writes them at once (`overturn_stored`).

The caller passes only payments of more than zero by the payer that opened the
denials, never a reversal, and never a patient's payment (DECISIONS.md, "Superseded,
overturned").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from ar_cli.domain.denials.resolutions import DenialStatus, OverturnCandidate, Resolution, allocate_overturn
from ar_cli.store import Session, denials_repo


@dataclass(frozen=True, kw_only=True)
class Overturned:
    """One denial a payment overturned: the row (updated in place), its status before,
    and the cents this payment recovered on it (0 when earlier denials took it all)."""

    row: dict
    status_before: str
    recovered: int

    @property
    def denial_id(self) -> int | None:
        return self.row.get("id")


def overturn_rows(candidates: list[dict], paid_by_line: Mapping[int | None, int], *, on: date) -> list[Overturned]:
    """Overturn, in the candidate rows themselves, the denials a payment of `paid_by_line`
    (cents per claim line; None: at claim level) overturns, dated `on` (the payment's
    effective date). Candidates are one payer's, oldest first."""
    found = allocate_overturn(
        [
            OverturnCandidate(key=n, line_id=row["line_id"], at_stake=row["amount"] - row["overturned_amount"])
            for n, row in enumerate(candidates)
        ],
        paid_by_line,
    )
    done = []
    for n, add in found:
        row = candidates[n]
        before = row["status"]
        row["overturned_amount"] += add
        row["status"], row["resolution"], row["resolved_on"] = (
            DenialStatus.OVERTURNED.value,
            Resolution.PAID.value,
            on,
        )
        done.append(Overturned(row=row, status_before=before, recovered=add))
    return done


def stored_values(row: dict) -> dict:
    """What `denials_repo.write_overturns` writes for an overturned row."""
    return {
        "overturned_amount": row["overturned_amount"],
        "status": row["status"],
        "resolution": row.get("resolution") or "",
        "resolved_on": row.get("resolved_on"),
    }


def overturn_stored(
    session: Session, rec, *, claim_id: int, payer_id: int, paid_by_line: Mapping[int | None, int], on: date
) -> list[Overturned]:
    """A payment by hand: overturn the stored denials of `payer_id` on the claim that it
    pays, write them, and note each in the audit event through `rec` (a ChangeRecorder),
    as ERA posting does."""
    if not any(paid > 0 for paid in paid_by_line.values()):
        return []
    candidates = denials_repo.overturnable(session, [claim_id], payer_id).get(claim_id, [])
    if not candidates:
        return []
    done = overturn_rows(candidates, paid_by_line, on=on)
    updates = {o.row["id"]: stored_values(o.row) for o in done}
    denials_repo.write_overturns(session, updates)
    for denial_id, values in sorted(updates.items()):
        rec.note_update("denial", denial_id, {k: values[k] for k in ("overturned_amount", "status")})
    return done

"""When a payer has answered a claim: the one definition the denial flags (timely
filing) and the work queue ("no response in N days") share. Never commits.

A payer has answered a claim on a day when one of its claim payments posted:

- an ERA claim payment (a `claim_payment` row: a full denial pays nothing and may
  post no ledger entry, so the row is the answer, not the entries), dated by its
  remittance's effective date (BPR16, else DTM*405);
- a payment from that payer that posted without a claim payment row — typed from its
  paper EOB (`post payment --payer`, `post batch`) or applied from its unapplied money
  — a `payment` ledger entry of that payer lowering what is owed, dated by its
  effective date;
- a denial opened from a paper EOB (a `denial` with no remittance: `post payment
  --payer` or `post batch` with a denial code), dated by its denied-on day (the EOB's
  --date): a payer that denied on paper has answered, even with nothing paid.
  (A paper EOB of write-downs only posts no payment and no denial: not an answer.)

Plain SQL (no ORM tables, and no SQLAlchemy until `answer_days` runs): `ar-cli queue`
imports this and starts fast. Each question is answered through an index:
claim_payment (claim_id, payer_id) (revision 0005), ledger_entry (claim_id) and denial
(claim_id).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from ar_cli.store.sql import Keys, day, sql_of

if TYPE_CHECKING:
    from sqlmodel import Session

# Every answer as (claim_id, payer_id, day), of each kind, for the claims asked about.
_ERA_ANSWERS = (
    "SELECT cp.claim_id, cp.payer_id, r.effective_date FROM claim_payment cp "
    "JOIN remittance r ON r.id = cp.remittance_id WHERE cp.claim_id IN :claims"
)
_PAYMENT_ANSWERS = (
    "SELECT e.claim_id, e.payer_id, e.effective_date FROM ledger_entry e WHERE e.claim_id IN :claims "
    "AND e.kind = 'payment' AND e.amount < 0 AND e.payer_id IS NOT NULL"
)
_PAPER_DENIAL_ANSWERS = (
    "SELECT d.claim_id, d.payer_id, d.denied_on FROM denial d WHERE d.claim_id IN :claims AND d.remittance_id IS NULL"
)


def answered_since_sql(claim: str, payer: str, since: str) -> str:
    """A SQL condition: the payer `payer` answered the claim `claim` on or after the day
    `since` (three SQL expressions of the enclosing query)."""
    return (
        f"(EXISTS (SELECT 1 FROM claim_payment ans_cp JOIN remittance ans_r ON ans_r.id = ans_cp.remittance_id "
        f"WHERE ans_cp.claim_id = {claim} AND ans_cp.payer_id = {payer} AND ans_r.effective_date >= {since}) "
        f"OR EXISTS (SELECT 1 FROM ledger_entry ans_e WHERE ans_e.claim_id = {claim} "
        f"AND ans_e.payer_id = {payer} AND ans_e.kind = 'payment' AND ans_e.amount < 0 "
        f"AND ans_e.effective_date >= {since}) "
        f"OR EXISTS (SELECT 1 FROM denial ans_d WHERE ans_d.claim_id = {claim} AND ans_d.payer_id = {payer} "
        f"AND ans_d.remittance_id IS NULL AND ans_d.denied_on >= {since}))"
    )


def answer_days(session: Session, claim_ids: Iterable[int]) -> dict[tuple[int, int], list[date]]:
    """Per (claim, payer) of the claims given: the days its answers are dated, oldest first."""

    found: dict[tuple[int, int], set[date]] = {}
    db, keys = sql_of(session), {"claims": Keys(sorted(set(claim_ids)))}
    for sql in (_ERA_ANSWERS, _PAYMENT_ANSWERS, _PAPER_DENIAL_ANSWERS):
        for claim_id, payer_id, answered in db.rows(sql, keys):
            found.setdefault((int(claim_id), int(payer_id)), set()).add(day(answered))
    return {key: sorted(days) for key, days in found.items()}

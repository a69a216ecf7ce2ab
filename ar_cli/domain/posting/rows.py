"""The rows ERA posting writes for a claim payment's plan, built without a database:
ledger entries and the claim payment as tuples in column order, follow-ups, the
denials still worked that a plan may repeat or overturn, a reversal's entries linked
to the ones they negate, and a parked payment's payload.

Entries and payments are tuples, not dicts: a dict per entry, converted at insert,
cost more than the insert itself (store/audit/chain.py `insert_tuples`). The columns
are in sorted order (ENTRY_KEYS, PAYMENT_KEYS); the values the same for every entry
of one remittance come in once, as an EntryStamp, already as the database stores them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ar_cli.domain.denials.resolutions import WORKABLE
from ar_cli.domain.posting.checks import payment_signature
from ar_cli.domain.posting.denial_caps import EarlierDenial
from ar_cli.domain.posting.result import ClaimPlan
from ar_cli.domain.posting.values import FollowUp, FollowUpKind, PlannedEntry
from ar_cli.domain.remittance.advice import ClaimPayment
from ar_cli.domain.remittance.payload import to_payload

ENTRY_KEYS = (
    "adjustment_group",
    "amount",
    "audit_event_id",
    "claim_id",
    "created_by",
    "effective_date",
    "kind",
    "line_id",
    "payer_id",
    "posting_date",
    "reason_code",
    "remark_codes",
    "remittance_id",
    "responsibility",
    "reverses_id",
    "source_file_id",
    "source_ref",
    "transfer_group",
)
PAYMENT_KEYS = (
    "amounts",
    "audit_event_id",
    "charge",
    "claim_id",
    "claim_number",
    "paid",
    "patient_responsibility",
    "payer_claim_number",
    "payer_id",
    "remittance_id",
    "responsibility",
    "reverses_id",
    "segment",
    "status_code",
)
GROUP, AMOUNT, KIND, LINE, REASON, RESPONSIBILITY, REVERSES = (
    ENTRY_KEYS.index(k)
    for k in ("adjustment_group", "amount", "kind", "line_id", "reason_code", "responsibility", "reverses_id")
)
# A transfer's two entries share a group number: the file's source id times this, plus
# the file's count of transfers so far (unique across the files of one ledger).
TRANSFER_GROUP_BASE = 1_000_000_000

_WORKABLE = frozenset(s.value for s in WORKABLE)


@dataclass(frozen=True, kw_only=True, slots=True)
class EntryStamp:
    """What every entry of one remittance carries, as stored (dates already in the
    database's form: ISO text on SQLite)."""

    event_id: int
    user: str
    payer_id: int
    posting_date: Any
    effective_date: Any
    remittance_id: int
    source_id: int
    ref: str  # 'trace T segment ': each entry adds its own segment number


def entry_rows(
    claim_id: int, entries: Sequence[PlannedEntry], stamp: EntryStamp, transfers: int
) -> tuple[list[tuple[Any, ...]], int]:
    """The plan's entries as ledger_entry tuples (ENTRY_KEYS order), and the file's count
    of transfers after them (`transfers`: the count before)."""
    rows: list[tuple[Any, ...]] = []
    groups: dict[Any, int] = {}
    event, user, payer_id, posted = stamp.event_id, stamp.user, stamp.payer_id, stamp.posting_date
    effective, remittance_id, source_id, ref = (stamp.effective_date, stamp.remittance_id, stamp.source_id, stamp.ref)
    for entry in entries:
        group = None
        if entry.transfer_key is not None:
            group = groups.get(entry.transfer_key)
            if group is None:
                transfers += 1
                group = groups[entry.transfer_key] = source_id * TRANSFER_GROUP_BASE + transfers
        rows.append(
            (
                entry.group,
                entry.amount,
                event,
                claim_id,
                user,
                effective,
                entry.kind.value,
                entry.claim_line_id,
                payer_id,
                posted,
                entry.reason_code,
                ":".join(entry.remark_codes),
                remittance_id,
                entry.responsibility,
                None,
                source_id,
                f"{ref}{entry.segment}",
                group,
            )
        )
    return rows, transfers


def linked_to_originals(rows: list[tuple[Any, ...]], originals: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """A reversal's entry rows, each pointing (reverses_id) at the original's entry it
    negates. `originals`: the original's entries, oldest first, as (id, line id,
    responsibility, kind, adjustment group, reason code, amount)."""
    waiting: dict[tuple[Any, ...], list[int]] = {}
    for entry_id, *rest in originals:
        waiting.setdefault(tuple(rest), []).append(entry_id)
    linked: list[tuple[Any, ...]] = []
    for row in rows:
        key = (row[LINE], row[RESPONSIBILITY], row[KIND], row[GROUP], row[REASON], -row[AMOUNT])
        if waiting.get(key):
            row = (*row[:REVERSES], waiting[key].pop(0), *row[REVERSES + 1 :])
        linked.append(row)
    return linked


def payment_row(
    claim_id: int,
    payment: ClaimPayment,
    plan: ClaimPlan,
    *,
    event_id: int,
    payer_id: int,
    remittance_id: int,
    reverses_id: int | None,
) -> tuple[Any, ...]:
    """The claim_payment row (PAYMENT_KEYS order): the payment kept with all its amounts."""
    return (
        payment_signature(payment),
        event_id,
        payment.charge,
        claim_id,
        payment.claim_number[:80],
        payment.paid,
        payment.patient_responsibility,
        (payment.payer_claim_number or payment.original_reference)[:80],
        payer_id,
        remittance_id,
        plan.payer_rank,
        reverses_id,
        payment.segment,
        plan.status_code[:3],
    )


def follow_up_rows(
    claim_id: int, follow_ups: Sequence[FollowUp], *, effective: date, now: datetime, user: str
) -> list[dict[str, Any]]:
    """The follow-ups a plan schedules, due counted from the remittance's date."""
    return [
        {
            "claim_id": claim_id,
            "due_on": effective + timedelta(days=f.days),
            "action": (
                "crossover: confirm the next payer received the claim (do not rebill)"
                if f.kind is FollowUpKind.CROSSOVER
                else f"pending {f.group}-{f.reason_code}: ask the payer about the held amount"
            ),
            "status": "open",
            "created_at": now,
            "created_by": user,
        }
        for f in follow_ups
    ]


def earlier_denials(rows: list[dict[str, Any]]) -> list[EarlierDenial]:
    """The claim's denials still worked among the payer's rows (stored or of this
    batch), keyed by their place in `rows` (the key a plan's repeated_denials gives)."""
    return [
        EarlierDenial(
            n,
            r["line_id"],
            r["responsibility"],
            r["adjustment_group"],
            r["reason_code"],
            r["amount"] - r["overturned_amount"],
        )
        for n, r in enumerate(rows)
        if r["status"] in _WORKABLE
    ]


def parked_payload(payment: ClaimPayment, remittance_id: int) -> str:
    """The parked claim payment, whole but for names (PHI), and its remittance, for
    `exceptions apply`."""
    return json.dumps(
        {"claim_number": payment.claim_number, "remittance_id": remittance_id, "payment": to_payload(payment)},
        sort_keys=True,
    )

"""Working a denial: its statuses, the resolutions and what each does to the money,
which steps are allowed from which status, and how a later payment by the same payer
overturns it. Pure: no database, no clock.

A denial's money at stake is its amount less what the same payer paid on its line
afterwards (`overturned_amount`). Statuses:

- open: denied, nobody has acted yet;
- appealed: an appeal was filed at `level` (1 first appeal, 2 second, …);
- upheld: the payer kept the denial at `level`; the next level's deadline runs;
- overturned: the payer reversed its decision (by a person's word, waiting for the
  money, or by paying it: then `overturned_amount` = amount);
- resolved: worked to an end (corrected claim sent, billed elsewhere, moved to the
  patient, written off);
- superseded: the payment that opened it was reversed by the payer (CLP02 22).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ar_cli.domain.codes.treatments import DenialCategory
from ar_cli.domain.denials.appeals import next_level
from ar_cli.domain.errors import InputError


class DenialStatus(StrEnum):
    OPEN = "open"
    APPEALED = "appealed"
    UPHELD = "upheld"
    OVERTURNED = "overturned"
    RESOLVED = "resolved"
    SUPERSEDED = "superseded"


#: Someone must act: money is at stake and nothing has ended the denial.
WORKABLE = frozenset({DenialStatus.OPEN, DenialStatus.APPEALED, DenialStatus.UPHELD})
#: A reversal of the payment that opened the denial supersedes it in these.
SUPERSEDABLE = WORKABLE | {DenialStatus.OVERTURNED}


class Resolution(StrEnum):
    """How a denial ended (or, for upheld, how its appeal ended)."""

    OVERTURNED = "overturned"  # the payer agreed: the payment will come
    UPHELD = "upheld"  # the appeal failed: the next level's deadline opens
    CORRECTED_CLAIM_SENT = "corrected_claim_sent"  # resubmitted; the payer's answer will come
    BILLED_OTHER_PAYER = "billed_other_payer"  # moved to the next coverage
    TO_PATIENT = "to_patient"  # transferred to the patient
    WRITTEN_OFF = "written_off"  # a denial write-off, never a contractual adjustment
    PAID = "paid"  # the same payer paid the line later (automatic)
    REVERSED = "reversed"  # the payment that opened it was reversed (automatic)

    @property
    def moves_money(self) -> bool:
        return self in (Resolution.BILLED_OTHER_PAYER, Resolution.TO_PATIENT, Resolution.WRITTEN_OFF)


#: Denials the practice absorbs: billing the patient for them is never right.
NEVER_THE_PATIENT = frozenset({DenialCategory.TIMELY_FILING, DenialCategory.BUNDLING})

#: What `denials resolve` accepts (the automatic ones happen on posting).
MANUAL_RESOLUTIONS = (
    Resolution.OVERTURNED,
    Resolution.UPHELD,
    Resolution.CORRECTED_CLAIM_SENT,
    Resolution.BILLED_OTHER_PAYER,
    Resolution.TO_PATIENT,
    Resolution.WRITTEN_OFF,
)


@dataclass(frozen=True, kw_only=True, slots=True)
class DenialState:
    """What the rules need to know about one stored denial.

    id: the denial's id (for messages). status / level: as stored.
    category: its denial category. at_stake: amount − overturned_amount, cents.
    """

    id: int
    status: DenialStatus
    level: int
    category: DenialCategory
    at_stake: int


def check_appeal(denial: DenialState) -> int:
    """The level an appeal of `denial` is filed at; InputError when it cannot be appealed."""
    if denial.status not in (DenialStatus.OPEN, DenialStatus.UPHELD):
        raise InputError(f"denial {denial.id} is {denial.status.value}; only an open or upheld denial can be appealed")
    if not denial.category.appealable:
        raise InputError(f"denial {denial.id} ({denial.category.label}) is not appealed: {denial.category.next_action}")
    level = next_level(denial.level)
    if level is None:
        raise InputError(f"denial {denial.id} was upheld at the last appeal level ({denial.level})")
    return level


def check_resolution(denial: DenialState, resolution: Resolution) -> DenialStatus:
    """The status `resolution` puts `denial` in; InputError when it is not allowed."""
    if denial.status not in WORKABLE:
        raise InputError(f"denial {denial.id} is already {denial.status.value}; resolving it again changes nothing")
    if resolution is Resolution.UPHELD:
        if denial.status is not DenialStatus.APPEALED:
            raise InputError(f"denial {denial.id} is {denial.status.value}, not appealed: only an appeal can be upheld")
        return DenialStatus.UPHELD
    if resolution is Resolution.OVERTURNED:
        return DenialStatus.OVERTURNED
    if resolution is Resolution.TO_PATIENT and denial.category in NEVER_THE_PATIENT:
        raise InputError(
            f"denial {denial.id} ({denial.category.label}) cannot be moved to the patient: "
            f"{denial.category.next_action}"
        )
    if resolution in (Resolution.PAID, Resolution.REVERSED):
        raise InputError(f"{resolution.value} is set by posting, not by hand")
    return DenialStatus.RESOLVED


def take_in_order(amounts: Sequence[int], available: int) -> list[int]:
    """How much of `available` each amount takes, in order (never more than it asks)."""
    taken = []
    for asked in amounts:
        take = max(0, min(asked, available))
        taken.append(take)
        available -= take
    return taken


@dataclass(frozen=True, kw_only=True, slots=True)
class OverturnCandidate:
    """A denial a payment may overturn: opened by the same payer, on `line_id` (None
    for a claim-level denial), with `at_stake` cents still denied. `key` is the
    caller's handle (a row id or a pending row)."""

    key: Hashable
    line_id: int | None
    at_stake: int


def allocate_overturn(
    candidates: Sequence[OverturnCandidate], paid_by_line: Mapping[int | None, int]
) -> list[tuple[Hashable, int]]:
    """(key, cents recovered) for each candidate a payment overturns.

    paid_by_line: what the payment paid per claim line (None: at claim level); only
    amounts more than zero count. Every line denial whose line was paid is overturned,
    and every claim-level denial when anything was paid. The money paid is shared out
    in order: a line's payment to that line's denials (oldest first), then what is left
    of the whole payment to the claim-level denials; a denial may be overturned with 0
    recovered when earlier ones took it all. The caller passes only denials of the same
    payer from earlier payments, and never for a reversal (DESIGN.md, issue 5 §2).
    """
    left = {line: paid for line, paid in paid_by_line.items() if paid > 0}
    if not left:
        return []
    found: list[tuple[Hashable, int]] = []
    for c in candidates:
        if c.line_id is not None and c.line_id in left:
            take = max(0, min(c.at_stake, left[c.line_id]))
            left[c.line_id] -= take
            found.append((c.key, take))
    pool = sum(left.values())
    for c in candidates:
        if c.line_id is None:
            take = max(0, min(c.at_stake, pool))
            pool -= take
            found.append((c.key, take))
    return found

"""Capping the denials a claim payment opens at what the denying coverage still holds.

A payer states a denial against its own view of the line (a secondary often denies the
whole charge), but the money at stake for that coverage is only what it holds. So each
denial records at most the coverage's open balance there once the plan's entries are
written, and a warning says what was cut.

The coverage's denials still worked (open, appealed, upheld) hold their money first, as
a payment by hand's do (manual_payment.cap_hand_denials): the open denials of a line
and coverage never hold more than the coverage owes there. And a denial with the same
line, coverage, group and CARC as one still worked is that denial said again (a
remittance re-sent under another trace number, a claim number repeated): nothing
opens, the caller notes the repeat on the earlier one.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import NamedTuple

from ar_cli.domain.codes.treatments import DenialCategory, TreatmentRule
from ar_cli.domain.money import cents_to_text
from ar_cli.domain.posting.values import DenialToOpen, PlannedEntry, PostingProblem, ProblemKind, new_denial
from ar_cli.domain.remittance.advice import Adjustment

#: Balances keyed by (claim line id or None for claim level, responsibility).
LineBalances = Mapping[tuple[int | None, int], int]


class AskedDenial(NamedTuple):
    """A denial-treatment adjustment before it is capped (private to posting)."""

    line_id: int | None
    adjustment: Adjustment
    rule: TreatmentRule
    remarks: tuple[str, ...]


class EarlierDenial(NamedTuple):
    """A denial of the claim still worked (open, appealed, upheld), as posting sees it.

    key: the caller's handle (a row id, a pending row's index), given back for a repeat.
    line_id: the claim line, None at claim level. responsibility: the coverage rank.
    group / reason_code: its CAS group and CARC as stored. at_stake: cents still denied.
    """

    key: Hashable
    line_id: int | None
    responsibility: int
    group: str
    reason_code: str
    at_stake: int


def cap_denials(
    claim_number: str,
    rank: int,
    asked: Sequence[AskedDenial],
    *,
    open_total: int,
    entries: Sequence[PlannedEntry],
    line_balances: LineBalances | None,
    problems: list[PostingProblem],
    earlier: Sequence[EarlierDenial] = (),
    repeats: list[tuple[Hashable, int]] | None = None,
) -> list[DenialToOpen]:
    """The denials to open, in order; a DENIAL_CAPPED warning is appended to `problems`
    for each one cut.

    open_total: what coverage `rank` holds on the claim once `entries` are written.
    A line denial takes the line's own open money (from `line_balances` and `entries`),
    then the coverage's claim-level money; a claim-level denial, or any denial without
    line balances, takes from the claim total (`take_open`). The claim's `earlier`
    denials of coverage `rank`, oldest first, take theirs first; then each new denial
    takes what the ones before it left. An asked denial with an earlier one's line,
    group and CARC opens nothing: (that denial's key, its CAS segment) is appended to
    `repeats`.
    """
    mine = [e for e in earlier if e.responsibility == rank]
    if mine:
        known: dict[tuple[int | None, str, str], Hashable] = {}
        for e in mine:
            known.setdefault((e.line_id, e.group, e.reason_code), e.key)
        fresh = []
        for denial in asked:
            adj = denial.adjustment
            key = known.get((denial.line_id, adj.group.value, denial.rule.carc or adj.reason_code))
            if key is None:
                fresh.append(denial)
            elif repeats is not None:
                repeats.append((key, adj.segment))
        asked = fresh
    lines = _open_by_line(rank, entries, line_balances) if line_balances is not None else None
    if mine:
        take_open([(e.line_id, e.at_stake) for e in mine], open_total=open_total, lines=lines)
        # All they say is at stake counts against the total, even what their lines could
        # not hold (a break `audit verify` reports): never add to it.
        open_total -= sum(e.at_stake for e in mine)
    takes = take_open([(line_id, adj.amount) for line_id, adj, _, _ in asked], open_total=open_total, lines=lines)
    denials: list[DenialToOpen] = []
    for (line_id, adj, rule, remarks), take in zip(asked, takes):
        wanted = adj.amount
        if take < wanted:
            problems.append(
                PostingProblem(
                    kind=ProblemKind.DENIAL_CAPPED,
                    segment=adj.segment,
                    amount=wanted - take,
                    message=f"claim {claim_number}: segment {adj.segment}: {adj.group.value}-{adj.reason_code} "
                    f"denies {cents_to_text(wanted)}, but coverage {rank} holds {cents_to_text(take)} there"
                    + (" beyond the denials already open" if mine else ""),
                )
            )
        if take > 0:
            denials.append(
                new_denial(
                    line_id,
                    rank,
                    adj.group.value,
                    rule.carc or adj.reason_code,
                    remarks,
                    rule.category or DenialCategory.OTHER,
                    take,
                    wanted,
                    adj.segment,
                )
            )
    return denials


def take_open(
    asked: Sequence[tuple[int | None, int]], *, open_total: int, lines: dict[int | None, int] | None
) -> list[int]:
    """What each denial asked, (claim line id or None, cents) in order, may record of
    a coverage's open money: its `open_total` on the claim and, when known, `lines`
    (what it holds per claim line, None: claim level; updated in place).

    A line denial takes the line's own money, then the claim-level money (unattributed,
    so it may belong to any line); a claim-level denial, or any denial without `lines`,
    takes from the claim total. Never more than the total; each takes what the earlier
    ones left.
    """
    total = open_total
    takes: list[int] = []
    for line_id, wanted in asked:
        if lines is None or line_id is None:
            take = max(min(wanted, total), 0)
            if lines is not None:
                lines[None] = lines.get(None, 0) - take
        else:
            own, pool = max(lines.get(line_id, 0), 0), max(lines.get(None, 0), 0)
            take = max(min(wanted, own + pool, total), 0)
            lines[line_id] = lines.get(line_id, 0) - min(take, own)
            lines[None] = lines.get(None, 0) - max(take - own, 0)
        total -= take
        takes.append(take)
    return takes


def _open_by_line(rank: int, entries: Sequence[PlannedEntry], line_balances: LineBalances) -> dict[int | None, int]:
    """What coverage `rank` holds per claim line (None: claim level) after `entries`."""
    lines: dict[int | None, int] = {}
    for (line_id, who), amount in line_balances.items():
        if who == rank:
            lines[line_id] = lines.get(line_id, 0) + amount
    for e in entries:
        if e.responsibility == rank:
            lines[e.claim_line_id] = lines.get(e.claim_line_id, 0) + e.amount
    return lines

"""Capping the denials a claim payment opens at what the denying coverage still holds.

A payer states a denial against its own view of the line (a secondary often denies the
whole charge), but the money at stake for that coverage is only what it holds. So each
denial records at most the coverage's open balance there once the plan's entries are
written, and a warning says what was cut.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from ar_cli.domain.money import cents_to_text
from ar_cli.domain.posting_values import DenialToOpen, PlannedEntry, PostingProblem, ProblemKind, new_denial
from ar_cli.domain.remittance import Adjustment
from ar_cli.domain.treatments import DenialCategory, TreatmentRule

#: Balances keyed by (claim line id or None for claim level, responsibility).
LineBalances = Mapping[tuple[int | None, int], int]


class AskedDenial(NamedTuple):
    """A denial-treatment adjustment before it is capped (private to posting)."""

    line_id: int | None
    adjustment: Adjustment
    rule: TreatmentRule
    remarks: tuple[str, ...]


def cap_denials(
    claim_number: str,
    rank: int,
    asked: Sequence[AskedDenial],
    *,
    open_total: int,
    entries: Sequence[PlannedEntry],
    line_balances: LineBalances | None,
    problems: list[PostingProblem],
) -> list[DenialToOpen]:
    """The denials to open, in order; a DENIAL_CAPPED warning is appended to `problems`
    for each one cut.

    open_total: what coverage `rank` holds on the claim once `entries` are written.
    A line denial takes the line's own open money (from `line_balances` and `entries`),
    then the coverage's claim-level money; a claim-level denial, or any denial without
    line balances, takes from the claim total (`take_open`). Each denial takes what the
    earlier ones left.
    """
    lines = _open_by_line(rank, entries, line_balances) if line_balances is not None else None
    takes = take_open([(line_id, adj.amount) for line_id, adj, _, _ in asked], open_total=open_total, lines=lines)
    denials: list[DenialToOpen] = []
    for (line_id, adj, rule, remarks), take in zip(asked, takes):
        wanted = adj.amount
        if take < wanted:
            problems.append(PostingProblem(
                kind=ProblemKind.DENIAL_CAPPED, segment=adj.segment, amount=wanted - take,
                message=f"claim {claim_number}: segment {adj.segment}: {adj.group.value}-{adj.reason_code} "
                        f"denies {cents_to_text(wanted)}, but coverage {rank} holds {cents_to_text(take)} there"))
        if take > 0:
            denials.append(new_denial(
                line_id, rank, adj.group.value, rule.carc or adj.reason_code, remarks,
                rule.category or DenialCategory.OTHER, take, wanted, adj.segment))
    return denials


def take_open(asked: Sequence[tuple[int | None, int]], *, open_total: int,
              lines: dict[int | None, int] | None) -> list[int]:
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

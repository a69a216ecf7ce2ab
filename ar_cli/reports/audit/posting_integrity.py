"""What `audit verify` checks of ERA posting besides the chain and the balances
(issue 13): the open denials of a coverage never hold more than it still owes, and the
remittances posted with --force, listed for a person.

Open denials (open, appealed, upheld; at stake = amount − overturned) of a claim and
coverage are held to what posting caps them at when it opens them
(domain/posting_denials.take_open): together, at most what the coverage owes on the
claim; on one line, at most what it owes on that line plus its claim-level money (which
belongs to no line, so any line's denial may take it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ar_cli.domain.money import cents_to_text
from ar_cli.store import denials_repo, remittances_repo

if TYPE_CHECKING:
    from ar_cli.store import Session

_RANKS = {0: "patient", 1: "primary", 2: "secondary", 3: "tertiary"}


@dataclass(frozen=True, kw_only=True)
class ForcedRemittance:
    """A remittance posted with --force: its difference waits in the payer's unapplied
    account (reason forced_difference) until a person settles it."""

    remittance_id: int
    trace_number: str
    payer: str
    amount: int
    difference: int
    posting_date: date

    def __str__(self) -> str:
        return (
            f"remittance {self.remittance_id} (trace {self.trace_number}, payer {self.payer}, posted "
            f"{self.posting_date.isoformat()}): forced; BPR02 {cents_to_text(self.amount)}, its claims and "
            f"PLBs differ by {cents_to_text(self.difference)}, held in unapplied"
        )


def forced_remittances(session: Session) -> list[ForcedRemittance]:
    return [
        ForcedRemittance(
            remittance_id=int(i),
            trace_number=t,
            payer=p or "",
            amount=int(a),
            difference=int(d),
            posting_date=pd if isinstance(pd, date) else date.fromisoformat(str(pd)),
        )
        for i, t, p, a, d, pd in remittances_repo.forced_remittances(session)
    ]


def denials_over_owed(session: Session) -> tuple[int, list[tuple[str, str]]]:
    """(claim coverages with open denials checked, [(what, problem)] for each break)."""
    denied, owed = denials_repo.open_denials_and_owed(session)
    by_coverage: dict[tuple[int, int], dict] = defaultdict(dict)
    for (claim_id, line_id, rank), cents in denied.items():
        by_coverage[(claim_id, rank)][line_id] = cents
    owed_by_coverage: dict[tuple[int, int], dict] = defaultdict(dict)
    for (claim_id, line_id, rank), cents in owed.items():
        owed_by_coverage[(claim_id, rank)][line_id] = cents
    broken: list[tuple[int, int, int | None, int, int]] = []  # claim, rank, line (None: the claim), denied, owed
    for (claim_id, rank), lines in sorted(by_coverage.items()):
        holds = owed_by_coverage.get((claim_id, rank), {})
        total_owed = max(sum(holds.values()), 0)
        if sum(lines.values()) > total_owed:
            broken.append((claim_id, rank, None, sum(lines.values()), total_owed))
            continue
        pool = max(holds.get(None, 0), 0)
        for line_id, cents in sorted(lines.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
            if line_id is not None and cents > max(holds.get(line_id, 0), 0) + pool:
                broken.append((claim_id, rank, line_id, cents, max(holds.get(line_id, 0), 0) + pool))
    if not broken:
        return len(by_coverage), []
    numbers, line_numbers = denials_repo.claim_and_line_numbers(session, {b[0] for b in broken})
    found = []
    for claim_id, rank, line_id, cents, can in broken:
        where = f"claim {numbers.get(claim_id, f'id {claim_id}')} {_RANKS.get(rank, f'responsibility {rank}')}"
        if line_id is None:
            found.append(
                (
                    where,
                    f"open denials hold {cents_to_text(cents)}, but the coverage owes "
                    f"{cents_to_text(can)} on the claim",
                )
            )
        else:
            found.append(
                (
                    f"{where} line {line_numbers.get(line_id, f'id {line_id}')}",
                    f"open denials hold {cents_to_text(cents)}, but the coverage owes {cents_to_text(can)} "
                    "on the line and at claim level",
                )
            )
    return len(by_coverage), found

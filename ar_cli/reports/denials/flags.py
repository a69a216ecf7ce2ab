"""Risk flags: what will cost money soon unless someone acts (issue 5 §5). Read-only.

- appeal_due: a workable, appealable denial whose appeal deadline falls within N days;
- no_action: an open denial nobody has acted on (appeal, resolution, or a note on the
  claim) for more than N days;
- timely_filing: a claim line whose filing limit ends within N days (or has passed),
  per coverage still holding money: lines with no response yet from that payer, and
  denials that are fixed by resubmitting (missing information, coordination of
  benefits, eligibility). The clock runs from the line's date of service (its through
  date), or for a secondary or tertiary from the primary's remittance.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from ar_cli.domain.payers import TimelyFiling
from ar_cli.store.payer_answers import answer_days
from ar_cli.store.queries import denial_reports as denial_sql

if TYPE_CHECKING:
    from ar_cli.store import Session


def flag_rows(session: Session, *, as_of: date, due_within: int, idle_days: int, filing_within: int) -> list[dict]:
    rows = _appeals_due(session, as_of, due_within) + _no_action(session, as_of, idle_days)
    rows += _timely_filing(session, as_of, filing_within)
    rows.sort(key=lambda r: (r["due"] or date.max, r["claim"], r["flag"]))
    return rows


def _flag(
    flag: str, claim: str, line, payer: str, amount: int, due: date | None, reason: str, denial: int | None = None
) -> dict:
    return {
        "flag": flag,
        "claim": claim,
        "line": line,
        "payer": payer,
        "denial": str(denial) if denial else "",
        "amount": amount,
        "due": due,
        "reason": reason,
    }


def _appeals_due(session: Session, as_of: date, within: int) -> list[dict]:
    found = []
    for row, claim, payer, line in denial_sql.appealable_denials(session, as_of=as_of):
        left = (row.appeal_deadline - as_of).days
        if 0 <= left <= within:
            found.append(
                _flag(
                    "appeal_due",
                    claim,
                    line,
                    payer or "",
                    row.amount - row.overturned_amount,
                    row.appeal_deadline,
                    f"level {row.level + 1} appeal due in {left} days "
                    f"({row.adjustment_group}-{row.reason_code}, {row.category})",
                    row.id,
                )
            )
    return found


def appeals_passed(session: Session, *, since: date, as_of: date) -> list[str]:
    """Denials (claim:denial) still open to appeal whose deadline fell in [since, as_of):
    after a gap in the nightly runs these passed without ever being flagged as due."""
    return [
        f"{claim}:{row.id}"
        for row, claim, _payer, _line in denial_sql.appealable_denials(
            session, as_of=as_of, deadline_from=since, deadline_before=as_of
        )
    ]


def _no_action(session: Session, as_of: date, idle_days: int) -> list[dict]:
    notes = denial_sql.last_note_by_claim(session)
    found = []
    for row, claim, payer, line in denial_sql.open_denials(session, as_of=as_of):
        last = row.last_action_on or row.denied_on
        noted = notes.get(row.claim_id)
        if noted is not None and noted.date() > last and noted.date() <= as_of:
            last = noted.date()
        idle = (as_of - last).days
        if idle > idle_days:
            found.append(
                _flag(
                    "no_action",
                    claim,
                    line,
                    payer or "",
                    row.amount - row.overturned_amount,
                    None,
                    f"no action for {idle} days since {last} ({row.adjustment_group}-{row.reason_code}, "
                    f"{row.category})",
                    row.id,
                )
            )
    return found


def _timely_filing(session: Session, as_of: date, within: int) -> list[dict]:
    # Money each coverage still holds per claim, and when each payer first answered it.
    holding = denial_sql.insurance_holding(session)
    if not holding:
        return []
    # A payer answered when one of its claim payments posted: store/payer_answers.py, the
    # definition the work queue's "no response" reads too. Its first answer here.
    answered = {key: days[0] for key, days in answer_days(session, {c for c, _ in holding}).items()}
    resubmit = defaultdict(list)
    for row, _claim, _payer, _line in denial_sql.resubmittable_denials(session):
        resubmit[(row.claim_id, row.responsibility)].append(row)
    coverages = defaultdict(dict)
    for claim_id, rank, payer_id, code, count, unit in denial_sql.coverage_filing_limits(session):
        coverages[claim_id][rank] = (payer_id, code, TimelyFiling(count=count, unit=unit))
    lines = defaultdict(list)
    numbers = {}
    for claim_id, number, line_id, line_number, service_to in denial_sql.open_claim_lines(session):
        lines[claim_id].append((line_id, line_number, service_to))
        numbers[claim_id] = number
    found = []
    for (claim_id, rank), held in sorted(holding.items()):
        cover = coverages.get(claim_id, {}).get(rank)
        if cover is None or claim_id not in lines:
            continue
        payer_id, code, limit = cover
        denied = resubmit.get((claim_id, rank), [])
        if (claim_id, payer_id) in answered and not denied:
            continue  # the payer answered and nothing is to be resubmitted
        start = None
        if rank > 1:
            earlier = [answered.get((claim_id, coverages[claim_id][r][0])) for r in coverages[claim_id] if r < rank]
            start = min((d for d in earlier if d), default=None)
            if start is None:
                continue  # the secondary's clock starts at the primary's remittance
        why = (
            f"resubmit ({', '.join(sorted({d.category for d in denied}))})"
            if denied
            else "no response from the payer yet"
        )
        for line_id, line_number, service_to in lines[claim_id]:
            if denied and not any(d.line_id in (None, line_id) for d in denied):
                continue
            deadline = limit.deadline(start or service_to)
            left = (deadline - as_of).days
            if left <= within:
                when = f"in {left} days" if left >= 0 else f"passed {-left} days ago"
                found.append(
                    _flag(
                        "timely_filing",
                        numbers[claim_id],
                        line_number,
                        code,
                        held,
                        deadline,
                        f"coverage {rank} filing limit {limit} ends {deadline} ({when}); {why}",
                    )
                )
    return found

"""A payment typed by hand, said in one line for people (no PHI): what
`post payment` and `post batch` print for each payment."""

from __future__ import annotations

from ar_cli.domain.money import cents_to_text
from ar_cli.services.posting.manual import PostedPayment


def describe(result: PostedPayment) -> str:
    """One line for people (no PHI)."""
    if result.skipped:
        return f"claim {result.claim_number}: {result.reference} from {result.payer}: already posted; skipped"
    parts = [
        f"claim {result.claim_number}: {result.reference} from {result.payer}: "
        f"paid {cents_to_text(result.paid)} on the {result.responsibility}"
    ]
    if result.written_down:
        parts.append(f"written down {cents_to_text(result.written_down)}")
    if result.transferred:
        parts.append(f"moved {cents_to_text(result.transferred)} to the {result.transferred_to}")
    if result.denied:
        parts.append(f"left open as denied {' '.join(result.denied)}{_opened(result)}")
    if result.not_posted:
        parts.append(f"no entry for {' '.join(result.not_posted)}")
    if result.overturned:
        count = len(result.overturned)
        parts.append(
            f"overturned {count} denial{'s' if count != 1 else ''} of {result.payer} "
            f"(recovered {cents_to_text(result.recovered)})"
        )
    return "; ".join(parts)


def _opened(result: PostedPayment) -> str:
    """' (denial 7 opened)', and what a cap cut ('CO-50 40.00 of 60.00'); no PHI."""
    ids = result.opened_ids
    said = (
        f"denial{'s' if len(ids) != 1 else ''} {', '.join(str(i) for i in ids)} opened" if ids else "no denial opened"
    )
    capped = [
        f"{o.code} {cents_to_text(o.amount)} of {cents_to_text(o.asked)}" for o in result.opened if o.amount < o.asked
    ]
    if capped:
        said += f", capped at what the {result.responsibility} holds there beyond its open denials: {', '.join(capped)}"
    return f" ({said})"

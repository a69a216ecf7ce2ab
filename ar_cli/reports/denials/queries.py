"""Reading denials for people: the list (filtered, sorted by money at stake), one claim's
denials, and the facts trends and flags are computed from. Read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ar_cli.domain.codes.treatments import DenialCategory
from ar_cli.domain.denials.appeals import appeal_windows
from ar_cli.domain.denials.resolutions import WORKABLE, DenialStatus
from ar_cli.domain.errors import InputError
from ar_cli.store import claims_repo, denials_repo
from ar_cli.store.payers_repo import find_payer
from ar_cli.store.queries import denial_reports as denial_sql

if TYPE_CHECKING:
    from ar_cli.store import Session

#: `--status` words: one status, `workable` (open, appealed, upheld: the default) or `all`.
STATUS_CHOICES = ("workable", "all", *(s.value for s in DenialStatus))


@dataclass(frozen=True, kw_only=True)
class DenialFilter:
    category: str | None = None
    payer: str | None = None
    status: str = "workable"
    older_than: int | None = None  # days since denied, at least
    min_amount: int | None = None  # cents at stake, at least
    as_of: date


def parse_category(text: str | None) -> str | None:
    if text is None:
        return None
    wanted = text.strip().lower().replace("-", "_").replace(" ", "_")
    if wanted not in {c.value for c in DenialCategory}:
        raise InputError(
            f"--category: {text!r} is not a denial category (one of {', '.join(c.value for c in DenialCategory)})"
        )
    return wanted


def parse_status(text: str) -> str:
    wanted = text.strip().lower()
    if wanted not in STATUS_CHOICES:
        raise InputError(f"--status: {text!r} is not a denial status (one of {', '.join(STATUS_CHOICES)})")
    return wanted


def denial_rows(session: Session, flt: DenialFilter, *, claim_id: int | None = None) -> list[dict]:
    """One dict per denial, sorted by money at stake (largest first), then age."""
    payer_id = find_payer(session, flt.payer).id if flt.payer else None
    listed = denial_sql.listed_denials(
        session, as_of=flt.as_of, claim_id=claim_id, category=flt.category, payer_id=payer_id, status=flt.status
    )
    rows = []
    for row, number, payer, line_number, trace in listed:
        at_stake = 0 if row.status not in WORKABLE else row.amount - row.overturned_amount
        age = (flt.as_of - row.denied_on).days
        if flt.older_than is not None and age < flt.older_than:
            continue
        if flt.min_amount is not None and at_stake < flt.min_amount:
            continue
        category = _category(row.category)
        rows.append(
            {
                "id": str(row.id),
                "claim": number,
                "line": line_number,
                "payer": payer or "",
                "coverage": row.responsibility,
                "code": f"{row.adjustment_group}-{row.reason_code}",
                "remarks": row.remark_codes.replace(":", " "),
                "category": category.value,
                "amount": row.amount,
                "overturned": row.overturned_amount,
                "at_stake": at_stake,
                "status": row.status,
                "level": row.level,
                "resolution": row.resolution,
                "denied_on": row.denied_on,
                "age": age,
                "deadline": row.appeal_deadline,
                "resolved_on": row.resolved_on,
                "trace": trace or "",
                "next_action": _next_action(row, category),
            }
        )
    rows.sort(key=lambda r: (-r["at_stake"], -r["age"], r["claim"], int(r["id"])))
    return rows


def _category(value: str) -> DenialCategory:
    try:
        return DenialCategory(value)
    except ValueError:
        return DenialCategory.OTHER


def _next_action(row: Any, category: DenialCategory) -> str:
    if row.status == DenialStatus.APPEALED:
        return f"Wait for the level {row.level} appeal decision; follow up with the payer."
    if row.status == DenialStatus.UPHELD:
        return (
            f"Upheld at level {row.level}: appeal at the next level by {row.appeal_deadline}, "
            "or resolve it (patient, other payer, write-off)."
        )
    if row.status not in WORKABLE:
        return ""
    return category.next_action


def claim_denials(session: Session, claim_number: str, as_of: date) -> tuple[dict, list[dict]]:
    """The claim's facts (number, status, balances) and every denial on it."""
    claim = claims_repo.get_claim(session, claim_number)
    rows = denial_rows(session, DenialFilter(status="all", as_of=as_of), claim_id=claim.id)
    rows.sort(key=lambda r: int(r["id"]))
    payers = {c.rank: c for c in claim.coverages}
    for row in rows:
        coverage = payers.get(row["coverage"])
        if coverage is not None and row["status"] in (DenialStatus.OPEN, DenialStatus.UPHELD):
            windows = appeal_windows(
                denial_sql.payer_class(session, coverage.payer_id),
                denials_repo.configured_windows(session, coverage.payer_id),
            )
            following = windows.get(row["level"] + 1)
            row["next_level"] = f"{following.level} {following.name}" if following else ""
        else:
            row["next_level"] = ""
    facts = {
        "claim": claim.claim_number,
        "status": claim.status,
        "balances": claims_repo.balances_of(session, claim.id),
    }
    return facts, rows


def first_adjudications(session: Session, *, start: date | None, end: date | None) -> list[dict]:
    """Per (claim, payer): the first claim payment that was neither a reversal nor
    reversed later (reversals are left out on both sides), with its
    remittance date, payer and whether it opened denials (and of which categories).
    Patient-responsibility-only zero pays (paid 0, no denial, every adjustment PR) are
    left out: nothing was denied and nothing was owed by the payer.

    With `end`, the ledger as of that day: only claim payments (and reversals) posted
    on or before it count, so a past range reads the same whatever was posted since."""
    payments = denial_sql.first_adjudication_rows(session, end=end)
    categories = denial_sql.categories_by_payment(session)
    found = []
    for payment_id, claim_id, paid, amounts, on, payer in payments:
        if (start and on < start) or (end and on > end):
            continue
        denied = categories.get(payment_id, set())
        if not denied and paid == 0 and _patient_only(amounts):
            continue
        found.append({"payment_id": payment_id, "claim_id": claim_id, "on": on, "payer": payer, "categories": denied})
    return found


def trend_denials(session: Session, *, start: date | None, end: date | None) -> list[dict]:
    """The denials denial trends count: recorded (denied on) from `start`, as the ledger
    stood at `end` — posted by then (an ERA's by its remittance's posting date, a paper
    EOB's by its date) and not superseded by a reversal posted by then. Oldest first."""
    return [
        {"id": str(i), "category": _category(category).value, "amount": amount, "denied_on": on, "payer": payer or ""}
        for i, category, amount, on, _, payer in denial_sql.trend_denial_rows(session, start=start, end=end)
    ]


def _patient_only(amounts: str) -> bool:
    groups = [part.split(",")[1] for part in amounts.split(";") if part.startswith("a,")]
    return bool(groups) and all(g == "PR" for g in groups)

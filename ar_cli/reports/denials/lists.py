"""Denial reports as data: the work list, the summary by category with next actions,
one claim's denials, trends (count, money and denial rate) and risk flags."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from ar_cli.domain.codes.treatments import DenialCategory
from ar_cli.reports.denials.flags import flag_rows
from ar_cli.reports.denials.queries import (
    DenialFilter,
    claim_denials,
    denial_rows,
    first_adjudications,
    trend_denials,
)
from ar_cli.reports.report import Column, Kind, Report
from ar_cli.store.database import Ledger

_LIST_COLUMNS = [
    Column(key="id", title="Id", kind=Kind.ID),
    Column(key="claim", title="Claim", kind=Kind.ID),
    Column(key="line", title="Line", kind=Kind.INT),
    Column(key="payer", title="Payer"),
    Column(key="code", title="Code"),
    Column(key="remarks", title="Remarks"),
    Column(key="category", title="Category"),
    Column(key="at_stake", title="At stake", kind=Kind.MONEY),
    Column(key="status", title="Status"),
    Column(key="level", title="Level", kind=Kind.INT),
    Column(key="denied_on", title="Denied", kind=Kind.DATE),
    Column(key="age", title="Age", kind=Kind.INT),
    Column(key="deadline", title="Appeal by", kind=Kind.DATE),
    Column(key="next_action", title="Next action"),
]


#: In files (CSV, JSON) the list carries the rest of each denial too.
_FILE_COLUMNS = [
    Column(key="coverage", title="Coverage", kind=Kind.INT),
    Column(key="amount", title="Denied", kind=Kind.MONEY),
    Column(key="overturned", title="Paid since", kind=Kind.MONEY),
    Column(key="resolution", title="Resolution"),
    Column(key="resolved_on", title="Resolved", kind=Kind.DATE),
    Column(key="trace", title="Remittance", kind=Kind.ID),
]


def list_report(ledger: Ledger, flt: DenialFilter, *, next_action_column: bool = True) -> Report:
    """The work list. On a terminal the next action (a sentence) does not fit beside the
    other columns: `next_action_column=False` leaves it to the rows (JSON keeps it) and
    a note points at the summary by category."""
    with ledger.read() as session:
        rows = denial_rows(session, flt)
    totals = {"id": "Total", "at_stake": sum(r["at_stake"] for r in rows)}
    title = "Denials" if flt.status == "all" else f"Denials ({flt.status}) as of {flt.as_of}"
    notes = [f"{len(rows)} denials; sorted by money at stake."]
    columns = [*_LIST_COLUMNS, *_FILE_COLUMNS]
    if not next_action_column:
        columns = _LIST_COLUMNS[:-1]
        notes.append("Next actions: `ar-cli denials list --by-category`, or `ar-cli denials show CLAIM`.")
    return Report(name="denials", title=title, columns=columns, rows=rows, totals=totals, notes=notes)


def category_report(ledger: Ledger, flt: DenialFilter) -> Report:
    """The same denials as `list_report`, one row per category with its next action."""
    with ledger.read() as session:
        rows = denial_rows(session, flt)
    groups: dict[str, dict] = {}
    for row in rows:
        g = groups.setdefault(
            row["category"], {"category": row["category"], "denials": 0, "claims": set(), "at_stake": 0, "oldest": 0}
        )
        g["denials"] += 1
        g["claims"].add(row["claim"])
        g["at_stake"] += row["at_stake"]
        g["oldest"] = max(g["oldest"], row["age"])
    out = []
    for g in sorted(groups.values(), key=lambda g: (-g["at_stake"], g["category"])):
        category = DenialCategory(g["category"])
        out.append({**g, "label": category.label, "claims": len(g["claims"]), "next_action": category.next_action})
    totals = {
        "category": "Total",
        "denials": len(rows),
        "claims": len({r["claim"] for r in rows}),
        "at_stake": sum(r["at_stake"] for r in rows),
    }
    return Report(
        name="categories",
        title=f"Denials ({flt.status}) by category as of {flt.as_of}",
        columns=[
            Column(key="category", title="Category"),
            Column(key="label", title="In words"),
            Column(key="denials", title="Denials", kind=Kind.INT),
            Column(key="claims", title="Claims", kind=Kind.INT),
            Column(key="at_stake", title="At stake", kind=Kind.MONEY),
            Column(key="oldest", title="Oldest (days)", kind=Kind.INT),
            Column(key="next_action", title="Next action"),
        ],
        rows=out,
        totals=totals,
    )


def claim_report(ledger: Ledger, claim_number: str, as_of: date) -> Report:
    """Every denial on one claim; each workable one's next action is a note below."""
    with ledger.read() as session:
        facts, rows = claim_denials(session, claim_number, as_of)
    balances = ", ".join(
        f"{'patient' if r == 0 else f'coverage {r}'} {v / 100:,.2f}" for r, v in sorted(facts["balances"].items()) if v
    )
    notes = [f"Open balances: {balances or 'none'}"]
    notes += [f"Denial {r['id']}: {r['next_action']}" for r in rows if r["next_action"]]
    for r in rows:
        r["state"] = r["status"] if r["resolution"] in ("", r["status"]) else f"{r['status']} ({r['resolution']})"
    return Report(
        name="denials",
        title=f"Denials on claim {facts['claim']} (claim status {facts['status']})",
        columns=[
            Column(key="id", title="Id", kind=Kind.ID),
            Column(key="line", title="Line", kind=Kind.INT),
            Column(key="payer", title="Payer"),
            Column(key="code", title="Code"),
            Column(key="remarks", title="Remarks"),
            Column(key="category", title="Category"),
            Column(key="amount", title="Denied", kind=Kind.MONEY),
            Column(key="overturned", title="Paid since", kind=Kind.MONEY),
            Column(key="at_stake", title="At stake", kind=Kind.MONEY),
            Column(key="state", title="Status"),
            Column(key="level", title="Level", kind=Kind.INT),
            Column(key="denied_on", title="Denied on", kind=Kind.DATE),
            Column(key="deadline", title="Appeal by", kind=Kind.DATE),
            Column(key="next_level", title="Next level"),
        ],
        rows=rows,
        notes=notes,
    )


_BY = {"category": "category", "payer": "payer", "month": "month"}


def trends_report(ledger: Ledger, *, by: str, start: date | None, end: date | None) -> Report:
    """Count and money of denials (reversed ones left out) and the denial rate: claims
    denied at their first adjudication by a payer over claims that payer adjudicated
    (reversals and patient-responsibility-only zero pays excluded)."""
    with ledger.read() as session:
        denials = trend_denials(session, start=start, end=end)  # as the ledger stood at `end`
        firsts = first_adjudications(session, start=start, end=end)
    groups: dict[str, dict] = defaultdict(lambda: {"denials": 0, "denied": 0, "claims_denied": 0, "adjudicated": 0})
    for r in denials:
        key = r["category"] if by == "category" else r["payer"] if by == "payer" else r["denied_on"].strftime("%Y-%m")
        groups[key]["denials"] += 1
        groups[key]["denied"] += r["amount"]
    for f in firsts:
        if by == "category":
            for category in f["categories"]:
                groups[category]["claims_denied"] += 1
            continue
        key = f["payer"] if by == "payer" else f["on"].strftime("%Y-%m")
        groups[key]["adjudicated"] += 1
        groups[key]["claims_denied"] += bool(f["categories"])
    total_adjudicated = len(firsts)
    rows = []
    for key in sorted(groups):
        g = groups[key]
        adjudicated = total_adjudicated if by == "category" else g["adjudicated"]
        rows.append(
            {
                by: key,
                **g,
                "adjudicated": adjudicated,
                "rate": (g["claims_denied"] / adjudicated) if adjudicated else None,
            }
        )
    denied_first = sum(1 for f in firsts if f["categories"])
    totals = {
        by: "Total",
        "denials": sum(g["denials"] for g in groups.values()),
        "denied": sum(g["denied"] for g in groups.values()),
        "claims_denied": denied_first,
        "adjudicated": total_adjudicated,
        "rate": denied_first / total_adjudicated if total_adjudicated else None,
    }
    return Report(
        name="trends",
        title=f"Denial trends by {by}",
        columns=[
            Column(key=by, title=by.capitalize()),
            Column(key="denials", title="Denials", kind=Kind.INT),
            Column(key="denied", title="Denied", kind=Kind.MONEY),
            Column(key="claims_denied", title="Claims denied first time", kind=Kind.INT),
            Column(key="adjudicated", title="Claims adjudicated", kind=Kind.INT),
            Column(key="rate", title="Denial rate", kind=Kind.PERCENT),
        ],
        rows=rows,
        totals=totals,
        notes=[
            "Denial rate: claims denied at their first adjudication by a payer over claims it adjudicated; "
            "reversals and patient-responsibility-only zero pays are left out."
        ],
    )


def flags_report(ledger: Ledger, *, as_of: date, due_within: int, idle_days: int, filing_within: int) -> Report:
    with ledger.read() as session:
        rows = flag_rows(session, as_of=as_of, due_within=due_within, idle_days=idle_days, filing_within=filing_within)
    return Report(
        name="flags",
        title=f"Denial and filing risks as of {as_of}",
        columns=[
            Column(key="flag", title="Flag"),
            Column(key="claim", title="Claim", kind=Kind.ID),
            Column(key="line", title="Line", kind=Kind.INT),
            Column(key="payer", title="Payer"),
            Column(key="denial", title="Denial", kind=Kind.ID),
            Column(key="amount", title="Amount", kind=Kind.MONEY),
            Column(key="due", title="Due", kind=Kind.DATE),
            Column(key="reason", title="Reason"),
        ],
        rows=rows,
        notes=[f"{len(rows)} flags."],
    )

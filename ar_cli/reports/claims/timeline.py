"""A claim's timeline: notes, follow-ups, postings and denials in date order.

Postings are dated by what they describe (a charge by its date of service, a payment by
its check date) and summed per day, source and kind (an ERA posts a dozen entries for one
claim payment; the timeline says "payment −54.03 from MCR01" once). Every row has a
date, what happened, who or what did it, and the detail.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import TYPE_CHECKING

from ar_cli.domain.claims.records import responsibility_name
from ar_cli.reports.report import Column, Kind, Report
from ar_cli.store.queries import claims as claim_sql
from ar_cli.store.queries import timeline as timeline_sql

if TYPE_CHECKING:
    from ar_cli.store import Session

COLUMNS = [
    Column(key="date", title="Date", kind=Kind.DATE),
    Column(key="event", title="What"),
    Column(key="by", title="By"),
    Column(key="detail", title="Detail"),
    Column(key="amount", title="Amount", kind=Kind.MONEY),
]
_ORDER = {"charge": 0, "posting": 1, "denial": 2, "note": 3, "follow-up": 4}


def claim_timeline(session: Session, claim_id: int) -> Report:
    rows: list[dict] = []
    payers = timeline_sql.payer_codes(session)
    sums: dict[tuple, int] = defaultdict(int)
    for posted, kind, resp, payer_id, amount, source, created_by in timeline_sql.entries(session, claim_id):
        sums[(posted, kind, resp, payers.get(payer_id, ""), source or f"user {created_by}")] += amount
    for (posted, kind, resp, payer, source), amount in sums.items():
        if amount == 0 and kind == "transfer":
            continue  # both legs on one responsibility: nothing moved for the reader
        whose = responsibility_name(resp)
        rows.append(
            {
                "date": posted,
                "event": "charge" if kind == "charge" else "posting",
                "by": source,
                "detail": f"{kind} on the {whose}" + (f" ({payer})" if payer and kind != "charge" else ""),
                "amount": amount,
            }
        )
    for denied_on, payer_id, group, reason, category, status, appeal_by, amount in timeline_sql.denials(
        session, claim_id
    ):
        deadline = f", appeal by {appeal_by.isoformat()}" if appeal_by else ""
        rows.append(
            {
                "date": denied_on,
                "event": "denial",
                "by": payers.get(payer_id, ""),
                "detail": f"{group}-{reason} {category.replace('_', ' ')} ({status}{deadline})",
                "amount": amount,
            }
        )
    for created_at, created_by, text in claim_sql.claim_notes(session, claim_id):
        rows.append({"date": _day(created_at), "event": "note", "by": created_by, "detail": text, "amount": None})
    users = timeline_sql.user_names(session)
    for created_at, created_by, user_id, due_on, action, status in timeline_sql.follow_ups(session, claim_id):
        who = f" for {users[user_id]}" if user_id in users else ""
        rows.append(
            {
                "date": _day(created_at),
                "event": "follow-up",
                "by": created_by,
                "detail": f"on {due_on.isoformat()}{who}: {action} ({status})",
                "amount": None,
            }
        )
    rows.sort(key=lambda r: (r["date"], _ORDER[r["event"]]))
    return Report(name="timeline", title="Timeline", columns=COLUMNS, rows=rows)


def _day(moment: datetime) -> date:
    return moment.date()
